import {
  type AgentContext,
  type AgentDefinition,
  defineAgent,
  InvalidConfigError,
  type UserExecutionContext,
} from '@baton/engine-contract';
import type { ManualClock } from './manual-clock.js';
import { checkScript, type ScriptStep, type ToolStep } from './script-step.js';

/** One call of a scripted agent, as it started. */
export interface ScriptedCall<TInput = unknown> {
  /** The input the call got (after the `input` schema, if any). */
  readonly input: TInput;
  /** The workflow stage it ran as, when it ran as one. */
  readonly stage: string | undefined;
  /** The context of the engine that ran it (whose user the call belongs to). */
  readonly userContext: UserExecutionContext;
  /** The call's signal (aborted once the call ended by timeout, cancellation or dispose). */
  readonly signal: AbortSignal;
}

/** What a script produced, for `returns` to build the output from. */
export interface ScriptTranscript<TInput = unknown> {
  /** Every `write` of the call, joined. */
  readonly written: string;
  /** What each tool step returned, in order (failed tools left out). */
  readonly toolOutputs: readonly unknown[];
  /** This call. */
  readonly call: ScriptedCall<TInput>;
  /** Its position among the agent's calls (0 for the first). */
  readonly index: number;
}

/** The steps of a call: the same for every call, or chosen per call (`index` 0 for the first call). */
export type Script<TInput = unknown> = readonly ScriptStep[] | ((input: TInput, index: number) => readonly ScriptStep[]);

/** What `scriptedAgent` accepts. */
export interface ScriptedAgentOptions<TInput, TOutput, TName extends string> {
  /** The agent's name (the rules of `defineAgent`). */
  readonly name: TName;
  readonly description?: string;
  /** Validates the input, as an agent's `input` schema does. */
  readonly input?: AgentDefinition<TInput, TOutput, TName>['input'];
  /** Validates the output, as an agent's `output` schema does (and types it). */
  readonly output?: AgentDefinition<TInput, TOutput, TName>['output'];
  /** The steps every call runs, in order. Default: none. */
  readonly script?: Script<TInput>;
  /**
   * The call's output once the script ran: a value, or a function of the input and what the script
   * produced. Default: the text written (`write` steps), `undefined` when nothing was written.
   */
  readonly returns?: TOutput | ((input: TInput, transcript: ScriptTranscript<TInput>) => TOutput | Promise<TOutput>);
  /** The clock `sleep` steps wait on (the test factory's `clock`). Required only for `sleep` steps. */
  readonly clock?: ManualClock;
}

/** An agent definition (for the factory) that also lists the calls it got. */
export interface ScriptedAgent<TInput = unknown, TOutput = unknown, TName extends string = string>
  extends AgentDefinition<TInput, TOutput, TName> {
  /** Every call so far, in the order they started. */
  readonly calls: readonly ScriptedCall<TInput>[];
}

const OPTION_KEYS = new Set(['name', 'description', 'input', 'output', 'script', 'returns', 'clock']);

function toError(failure: string | Error): Error {
  return typeof failure === 'string' ? new Error(failure) : failure;
}

/** Waits `ms` on the manual clock; an abort rejects with the signal's reason. */
function sleep(clock: ManualClock, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clock.clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = clock.setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Runs one tool step; returns its output, or `undefined` (the script goes on) when the tool threw its scripted error. */
async function runTool(step: ToolStep, ctx: AgentContext, toolOutputs: unknown[]): Promise<void> {
  let scriptedError: Error | undefined;
  const run = async (signal: AbortSignal): Promise<unknown> => {
    if (step.until !== undefined) await step.until.wait(signal);
    if (step.error !== undefined) {
      scriptedError = toError(step.error);
      throw scriptedError;
    }
    return step.output;
  };
  try {
    toolOutputs.push(
      await ctx.tool(step.tool, step.input, run, step.toolCallId === undefined ? undefined : { toolCallId: step.toolCallId }),
    );
  } catch (error) {
    // Only the scripted tool error is handed back to the "model"; an abort or a misuse propagates.
    if (error !== scriptedError || ctx.signal.aborted) throw error;
  }
}

async function runStep(
  step: ScriptStep,
  ctx: AgentContext,
  clock: ManualClock | undefined,
  transcript: { written: string; toolOutputs: unknown[] },
) {
  if ('tool' in step) await runTool(step, ctx, transcript.toolOutputs);
  else if ('think' in step) ctx.think(step.think);
  else if ('write' in step) {
    for (const delta of typeof step.write === 'string' ? [step.write] : step.write) {
      ctx.writeOutput(delta);
      transcript.written += delta;
    }
  } else if ('usage' in step) ctx.reportUsage(step.usage);
  else if ('until' in step) await step.until.wait(ctx.signal);
  else if ('sleep' in step) await sleep(clock!, step.sleep, ctx.signal);
  else throw toError(step.fail);
}

/**
 * An agent that follows a script: it thinks, calls tools, streams its answer, reports tokens, waits
 * at gates or on the clock, and fails, exactly where the script says. Its `calls` list what it got.
 * @throws InvalidConfigError for a bad name (the rules of `defineAgent`), an unknown option, a
 *   malformed step (naming its index) or a `sleep` step without a `clock`. A script chosen per call
 *   is checked when the call runs: a malformed one fails that call.
 * @example
 * const writer = scriptedAgent({
 *   name: 'writer',
 *   script: [{ think: 'Looking it up' }, { tool: 'search', input: { q: 'tides' }, output: ['Moon'] }, { write: ['Tides ', 'follow the Moon.'] }],
 * }); // its output: 'Tides follow the Moon.'
 */
export function scriptedAgent<TInput = unknown, TOutput = unknown, const TName extends string = string>(
  options: ScriptedAgentOptions<TInput, TOutput, TName>,
): ScriptedAgent<TInput, TOutput, TName> {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidConfigError({ message: 'scriptedAgent(options): options must be an object { name, script?, returns?, ... }' });
  }
  const unknownKey = Object.keys(options).find((key) => !OPTION_KEYS.has(key));
  if (unknownKey !== undefined) {
    throw new InvalidConfigError({ message: `scriptedAgent: unknown option "${unknownKey}" (known: ${[...OPTION_KEYS].join(', ')})` });
  }
  const { name, script = [], clock } = options;
  const hasClock = clock !== undefined && typeof clock.setTimeout === 'function';
  if (clock !== undefined && !hasClock)
    throw new InvalidConfigError({ message: 'scriptedAgent: clock must be a ManualClock (createManualClock())' });
  // Set right after defineAgent has checked the name, so that messages name a valid agent.
  let fixed: readonly ScriptStep[] | undefined;
  const hasReturns = 'returns' in options;
  const calls: ScriptedCall<TInput>[] = [];

  const run = async (input: TInput, ctx: AgentContext): Promise<TOutput> => {
    const call: ScriptedCall<TInput> = { input, stage: ctx.stage, userContext: ctx.userContext, signal: ctx.signal };
    const index = calls.push(call) - 1;
    const steps = fixed ?? checkScript(name, (script as (input: TInput, index: number) => unknown)(input, index), hasClock);
    const transcript = { written: '', toolOutputs: [] as unknown[] };
    for (const step of steps) {
      await runStep(step, ctx, clock, transcript);
      // A well-behaved agent stops at its signal: nothing of the script runs after a cancel or timeout.
      if (ctx.signal.aborted) throw ctx.signal.reason;
    }
    const { returns } = options;
    if (typeof returns === 'function') {
      return (returns as (input: TInput, transcript: ScriptTranscript<TInput>) => TOutput | Promise<TOutput>)(input, {
        ...transcript,
        call,
        index,
      });
    }
    if (hasReturns) return returns as TOutput;
    return (transcript.written === '' ? undefined : transcript.written) as TOutput;
  };

  const definition = defineAgent<TInput, TOutput, TName>({
    name,
    run,
    ...(options.description === undefined ? {} : { description: options.description }),
    ...(options.input === undefined ? {} : { input: options.input }),
    ...(options.output === undefined ? {} : { output: options.output }),
  });
  if (typeof script !== 'function') fixed = checkScript(name, script, hasClock);
  return Object.freeze({ ...definition, calls });
}
