import { InvalidConfigError, type TokenUsageReport } from '@baton/engine-contract';
import { Gate } from './gate.js';

/** `ctx.think(thought)`: an `agent_thinking` event. */
export interface ThinkStep {
  readonly think: string;
}

/** `ctx.writeOutput(delta)` for the text, or for each piece of a list: `agent_output_delta` events. */
export interface WriteStep {
  readonly write: string | readonly string[];
}

/** `ctx.reportUsage(usage)`: tokens, summed onto the call's `usage`. */
export interface UsageStep {
  readonly usage: TokenUsageReport;
}

/**
 * `ctx.tool(tool, input, fn)`: `tool_executing`, then `tool_completed`. The tool returns `output`, or
 * throws `error` (a string becomes an `Error` with that message); a thrown tool error is caught and
 * the script goes on, as an agent that hands the error back to its model does (add a `fail` step to
 * fail the call). With `until`, the tool runs until that gate opens (or the call is aborted).
 */
export interface ToolStep {
  readonly tool: string;
  readonly input?: unknown;
  readonly output?: unknown;
  readonly error?: string | Error;
  readonly toolCallId?: string;
  readonly until?: Gate;
}

/** Waits at a gate until the test opens it; an abort (cancel, timeout, dispose) ends the call there. */
export interface UntilStep {
  readonly until: Gate;
}

/** Waits `sleep` ms on the agent's manual clock (`scriptedAgent({ clock })`); an abort ends the wait. */
export interface SleepStep {
  readonly sleep: number;
}

/** Throws: the call fails with this message (a string becomes an `Error`) or this error. */
export interface FailStep {
  readonly fail: string | Error;
}

/** One step of a scripted agent, run in order (see each step type). */
export type ScriptStep = ThinkStep | WriteStep | UsageStep | ToolStep | UntilStep | SleepStep | FailStep;

const STEP_KEYS = ['think', 'write', 'usage', 'tool', 'until', 'sleep', 'fail'] as const;
const TOOL_KEYS = new Set(['tool', 'input', 'output', 'error', 'toolCallId', 'until']);
const STEP_FORMS =
  '{ think } | { write } | { usage } | { tool, input?, output?, error?, toolCallId?, until? } | { until } | { sleep } | { fail }';

function isGate(value: unknown): value is Gate {
  // Duck-typed: a gate from another copy of this package (ESM and CJS) works the same.
  return value instanceof Gate || (typeof value === 'object' && value !== null && typeof (value as Gate).wait === 'function');
}

function isText(value: unknown): boolean {
  return typeof value === 'string' || (Array.isArray(value) && value.every((piece) => typeof piece === 'string'));
}

/** The problem with one step, or `undefined` when it is well formed. */
function stepProblem(step: unknown, hasClock: boolean): string | undefined {
  if (typeof step !== 'object' || step === null || Array.isArray(step)) return `must be one step: ${STEP_FORMS}`;
  const keys = Object.keys(step);
  const record = step as Record<string, unknown>;
  if ('tool' in record) {
    const unknown = keys.find((key) => !TOOL_KEYS.has(key));
    if (unknown !== undefined) return `has an unknown key "${unknown}" for a tool step (known: ${[...TOOL_KEYS].join(', ')})`;
    if (typeof record.tool !== 'string' || record.tool.length === 0) return 'tool must be a non-empty string (the tool name)';
    if (record.error !== undefined && typeof record.error !== 'string' && !(record.error instanceof Error))
      return 'error must be a string or an Error';
    if (record.toolCallId !== undefined && typeof record.toolCallId !== 'string') return 'toolCallId must be a string';
    if (record.until !== undefined && !isGate(record.until)) return 'until must be a gate (createGate())';
    return undefined;
  }
  const kinds = keys.filter((key) => (STEP_KEYS as readonly string[]).includes(key));
  if (kinds.length !== 1 || keys.length !== 1) return `must be exactly one step: ${STEP_FORMS}`;
  const value = record[kinds[0]!];
  switch (kinds[0]) {
    case 'think':
      return typeof value === 'string' ? undefined : 'think must be a string';
    case 'write':
      return isText(value) ? undefined : 'write must be a string or an array of strings';
    case 'usage':
      return typeof value === 'object' && value !== null
        ? undefined
        : 'usage must be an object { inputTokens?, outputTokens?, totalTokens? }';
    case 'until':
      return isGate(value) ? undefined : 'until must be a gate (createGate())';
    case 'sleep':
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return 'sleep must be a finite number of ms ≥ 0';
      return hasClock ? undefined : 'sleep needs the agent to have a clock: scriptedAgent({ clock, ... })';
    default:
      return typeof value === 'string' || value instanceof Error ? undefined : 'fail must be a string or an Error';
  }
}

/**
 * Checks a script and returns it.
 * @throws InvalidConfigError naming the agent, the step's index and what is wrong with it.
 * @internal
 */
export function checkScript(agentName: string, script: unknown, hasClock: boolean): readonly ScriptStep[] {
  if (!Array.isArray(script)) throw new InvalidConfigError({ message: `scriptedAgent "${agentName}": script must be an array of steps` });
  script.forEach((step: unknown, index) => {
    const problem = stepProblem(step, hasClock);
    if (problem !== undefined) throw new InvalidConfigError({ message: `scriptedAgent "${agentName}": script[${index}] ${problem}` });
  });
  return script as readonly ScriptStep[];
}
