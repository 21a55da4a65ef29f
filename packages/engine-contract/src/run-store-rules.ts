import { type AgentRunResult, AgentRunResultSchema } from './agent-run-result.js';
import { InvalidConfigError } from './errors/invalid-config-error.js';
import { RunNotResumableError } from './errors/run-not-resumable-error.js';
import { RunRecordRejectedError } from './errors/run-record-rejected-error.js';
import {
  type NewRunRecord,
  NewRunRecordSchema,
  type RunStatus,
  RunStatusSchema,
  type RunSuspension,
  RunSuspensionSchema,
  type StoredWorkflowResult,
  StoredWorkflowResultSchema,
} from './run-record.js';
import type { ListRunsOptions, MarkRunningOptions } from './run-store.js';
import { describeZodIssue } from './zod-issue.js';

// The rules every RunStore applies, in one place so that the in-memory store and the Redis one
// refuse and word the same things the same way.

/** The default bound on one stored value (a stage's result, the input, the result): 256 KiB of JSON. */
export const DEFAULT_MAX_STAGE_OUTPUT_BYTES = 256 * 1024;
/** `listRuns` returns this many runs when no `limit` is given. */
export const DEFAULT_LIST_RUNS_LIMIT = 20;
/** The largest `limit` `listRuns` accepts. */
export const MAX_LIST_RUNS_LIMIT = 100;

/** The UTF-8 length of `text`, without allocating (the contract runs in browsers too: no Buffer). */
function utf8Length(text: string): number {
  let bytes = 0;
  for (let index = 0; index < text.length; index++) {
    const unit = text.charCodeAt(index);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && index + 1 < text.length) {
      const next = text.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        index++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * `value` as the JSON a store keeps, refused when it is larger than `maxBytes` (UTF-8) or cannot be
 * serialised (a cycle, a BigInt): never cut. `what` names the value in the message.
 * @throws RunRecordRejectedError
 * @internal For Baton's own packages; not public API.
 */
export function encodeRunValue(value: unknown, what: string, maxBytes: number): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    throw new RunRecordRejectedError({
      message: `${what} is not JSON-serialisable, so it cannot be stored: ${String(error)}`,
      cause: error,
    });
  }
  // `undefined` (or a function) as a whole value: stored as null, what JSON makes of it in an array.
  if (json === undefined) return 'null';
  // A UTF-8 byte is at most one UTF-16 unit's worth of characters times three: skip the exact count when surely below.
  if (json.length * 3 > maxBytes) {
    const bytes = utf8Length(json);
    if (bytes > maxBytes) {
      throw new RunRecordRejectedError({
        message: `${what} is ${bytes} bytes as JSON, over the store's maxStageOutputBytes (${maxBytes}); it was not stored (nothing is cut)`,
      });
    }
  }
  return json;
}

/**
 * Checks what `create` takes.
 * @throws RunRecordRejectedError naming the first bad field.
 * @internal For Baton's own packages; not public API.
 */
export function checkNewRunRecord(record: unknown): NewRunRecord {
  const parsed = NewRunRecordSchema.safeParse(record);
  if (!parsed.success)
    throw new RunRecordRejectedError({ message: `RunStore.create: ${describeZodIssue(parsed.error, { root: 'record' })}` });
  return parsed.data;
}

/**
 * Checks a stage result for `saveStage`.
 * @throws RunRecordRejectedError naming the first bad field.
 * @internal For Baton's own packages; not public API.
 */
export function checkStageResult(stage: unknown): AgentRunResult {
  const parsed = AgentRunResultSchema.safeParse(stage);
  if (!parsed.success)
    throw new RunRecordRejectedError({ message: `RunStore.saveStage: ${describeZodIssue(parsed.error, { root: 'stage' })}` });
  return parsed.data;
}

/**
 * Checks a suspension for `suspend`.
 * @throws RunRecordRejectedError naming the first bad field.
 * @internal For Baton's own packages; not public API.
 */
export function checkSuspension(suspension: unknown): RunSuspension {
  const parsed = RunSuspensionSchema.safeParse(suspension);
  if (!parsed.success) {
    throw new RunRecordRejectedError({ message: `RunStore.suspend: ${describeZodIssue(parsed.error, { root: 'suspension' })}` });
  }
  return parsed.data;
}

/**
 * Checks a result for `complete`.
 * @throws RunRecordRejectedError naming the first bad field.
 * @internal For Baton's own packages; not public API.
 */
export function checkStoredResult(result: unknown): StoredWorkflowResult {
  const parsed = StoredWorkflowResultSchema.safeParse(result);
  if (!parsed.success)
    throw new RunRecordRejectedError({ message: `RunStore.complete: ${describeZodIssue(parsed.error, { root: 'result' })}` });
  return parsed.data;
}

/**
 * The name a stage result is stored under: its stage, else its agent.
 * @internal For Baton's own packages; not public API.
 */
export function stageKeyOf(stage: AgentRunResult): string {
  return stage.stage ?? stage.agentName;
}

/**
 * `listRuns` options with their defaults: `limit` an integer 1..100 (default 20), `before` any number
 * but NaN (default, and `Infinity`: no bound).
 * @throws InvalidConfigError for anything else.
 * @internal For Baton's own packages; not public API.
 */
export function readListRunsOptions(options: ListRunsOptions | undefined): { limit: number; before: number } {
  if (options === undefined) return { limit: DEFAULT_LIST_RUNS_LIMIT, before: Number.POSITIVE_INFINITY };
  if (typeof options !== 'object' || options === null)
    throw new InvalidConfigError({ message: 'listRuns: options must be { limit?, before? }' });
  const { limit = DEFAULT_LIST_RUNS_LIMIT, before = Number.POSITIVE_INFINITY } = options;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_RUNS_LIMIT) {
    throw new InvalidConfigError({ message: `listRuns: limit must be an integer from 1 to ${MAX_LIST_RUNS_LIMIT}` });
  }
  if (typeof before !== 'number' || Number.isNaN(before)) {
    throw new InvalidConfigError({ message: 'listRuns: before must be a createdAt in epoch milliseconds' });
  }
  return { limit, before };
}

/**
 * A positive integer option of a store, or its default.
 * @throws InvalidConfigError naming `option`.
 * @internal For Baton's own packages; not public API.
 */
export function positiveIntegerOption(value: unknown, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || (value as number) < 1) {
    throw new InvalidConfigError({
      message: `${option} must be a positive integer, got ${typeof value === 'number' ? value : typeof value}`,
    });
  }
  return value as number;
}

/**
 * `options.from` of `markRunning`, checked: `undefined` when not given.
 * @throws InvalidConfigError for options that are not an object or a `from` that is not a run status.
 * @internal For Baton's own packages; not public API.
 */
export function readMarkRunningFrom(options: MarkRunningOptions | undefined): RunStatus | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== 'object' || options === null) {
    throw new InvalidConfigError({ message: 'markRunning expects options { from? }' });
  }
  const { from } = options;
  if (from === undefined) return undefined;
  const parsed = RunStatusSchema.safeParse(from);
  if (!parsed.success) {
    throw new InvalidConfigError({ message: `markRunning: from must be a run status (${RunStatusSchema.options.join(', ')})` });
  }
  return parsed.data;
}

/**
 * The refusal of `markRunning({ from })` when the run is in another status: whoever changed it first
 * (another decision, a timeout, another resume) won.
 * @internal For Baton's own packages; not public API.
 */
export function notInStatus(workflowId: string, status: string, from: RunStatus): RunNotResumableError {
  return new RunNotResumableError({ message: `Run ${workflowId} is ${status}, not ${from}: another resume or decision came first` });
}
