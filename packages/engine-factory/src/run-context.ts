import {
  type AgentContext,
  InvalidConfigError,
  type TokenUsageReport,
  type ToolCallOptions,
  type UserExecutionContext,
} from '@baton/engine-contract';
import type { AgentRun } from './agent-run.js';

/**
 * The `ctx` an agent's `run` receives. `think`, `writeOutput`, `reportUsage`, `tool` and `signal`
 * are getters so that they also work when destructured (`run: (input, { think, signal }) => ...`)
 * while a run that never touches them allocates neither the bound functions nor the AbortSignal.
 * The run is held in a private field: an agent cannot reach the engine's internals through `ctx`.
 * @internal
 */
export class RunContext implements AgentContext {
  readonly userContext: UserExecutionContext;
  readonly stage?: string;
  readonly #run: AgentRun;
  #think: ((thought: string) => void) | undefined = undefined;
  #writeOutput: ((delta: string) => void) | undefined = undefined;
  #reportUsage: ((usage: TokenUsageReport) => void) | undefined = undefined;
  #tool: AgentContext['tool'] | undefined = undefined;

  constructor(run: AgentRun, userContext: UserExecutionContext) {
    this.#run = run;
    this.userContext = userContext;
    if (run.stage !== undefined) this.stage = run.stage;
  }

  get signal(): AbortSignal {
    return this.#run.owner.signalOf(this.#run);
  }

  get think(): (thought: string) => void {
    if (this.#think === undefined) {
      const run = this.#run;
      this.#think = (thought: string) => run.owner.think(run, thought);
    }
    return this.#think;
  }

  get writeOutput(): (delta: string) => void {
    if (this.#writeOutput === undefined) {
      const run = this.#run;
      this.#writeOutput = (delta: string) => run.owner.writeOutput(run, delta);
    }
    return this.#writeOutput;
  }

  get reportUsage(): (usage: TokenUsageReport) => void {
    if (this.#reportUsage === undefined) {
      const run = this.#run;
      this.#reportUsage = (usage: TokenUsageReport) => run.owner.reportUsage(run, usage);
    }
    return this.#reportUsage;
  }

  get tool(): AgentContext['tool'] {
    if (this.#tool === undefined) {
      const run = this.#run;
      this.#tool = <T>(name: string, input: unknown, fn: (signal: AbortSignal) => T | Promise<T>, options?: ToolCallOptions) =>
        runTool(run, name, input, fn, options);
    }
    return this.#tool;
  }
}

/** Ids travel in every tool event and over the wire: the same bound as the context's ids. */
const MAX_TOOL_CALL_ID_LENGTH = 256;

/**
 * `ctx.tool`: emits `tool_executing`, runs `fn(signal)`, emits `tool_completed`, and returns or
 * rethrows what `fn` did. After the run has ended (an agent that ignored its timeout) the tool still
 * runs, with the already aborted signal, but emits nothing.
 */
async function runTool<T>(
  run: AgentRun,
  name: string,
  input: unknown,
  fn: (signal: AbortSignal) => T | Promise<T>,
  options: ToolCallOptions | undefined,
): Promise<T> {
  if (typeof name !== 'string' || name.length === 0) {
    throw new InvalidConfigError({ message: 'ctx.tool(name, input, fn): name must be a non-empty string' });
  }
  if (typeof fn !== 'function') throw new InvalidConfigError({ message: `ctx.tool("${name}", input, fn): fn must be a function` });
  const requestedId = requestedToolCallId(name, options);
  const owner = run.owner;
  const signal = owner.signalOf(run);
  const toolCallId = owner.toolStarted(run, name, input, owner.now(), requestedId);
  if (toolCallId === undefined) return await fn(signal);
  let output: T;
  try {
    output = await fn(signal);
  } catch (error) {
    owner.toolEnded(run, toolCallId, false, error);
    throw error;
  }
  owner.toolEnded(run, toolCallId, true, output);
  return output;
}

/** The `toolCallId` option, checked; `undefined` when the engine is to make the id. */
function requestedToolCallId(name: string, options: ToolCallOptions | undefined): string | undefined {
  if (options === undefined || options === null) return undefined;
  if (typeof options !== 'object')
    throw new InvalidConfigError({ message: `ctx.tool("${name}", input, fn, options): options must be an object { toolCallId? }` });
  const { toolCallId } = options;
  if (toolCallId === undefined) return undefined;
  if (typeof toolCallId !== 'string' || toolCallId.length === 0 || toolCallId.length > MAX_TOOL_CALL_ID_LENGTH) {
    throw new InvalidConfigError({
      message: `ctx.tool("${name}", input, fn, { toolCallId }): toolCallId must be a string of 1 to ${MAX_TOOL_CALL_ID_LENGTH} characters`,
    });
  }
  return toolCallId;
}
