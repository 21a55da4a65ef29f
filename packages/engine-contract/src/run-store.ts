import type { AgentRunResult } from './agent-run-result.js';
import type { NewRunRecord, RunRecord, RunStatus, RunSuspension, StoredWorkflowResult } from './run-record.js';

/** `listRuns` options: at most `limit` runs (default 20, at most 100) created before `before` (epoch ms, exclusive). */
export interface ListRunsOptions {
  limit?: number;
  before?: number;
}

/** `markRunning` options. */
export interface MarkRunningOptions {
  /** The status the run must have for the change to happen (compare-and-set). */
  from?: RunStatus;
}

/**
 * Where runs are recorded so that they outlive their process: the orchestrator writes a record before a
 * run's first stage and each stage's result as it finishes; `orchestrator.resume` reads it back.
 * Implementations: `InMemoryRunStore` (this process), `createRedisRunStore` in `@baton/redis`.
 *
 * Every write refuses a value that is not JSON-serialisable or larger than the store's bound with a
 * `RunRecordRejectedError`, and a write to an unknown `workflowId` with a `RunNotFoundError` (values
 * are checked first: a bad value is refused as such even for an unknown id).
 * A store decides nothing about who runs what: it records.
 */
export interface RunStore {
  /**
   * Records a new run, `running`, with no stages yet; resolves the record as stored.
   * @throws RunRecordRejectedError for a bad or too large record, or a `workflowId` already stored.
   */
  create(record: NewRunRecord): Promise<RunRecord>;
  /** Adds a finished stage's result; a result for a stage already stored replaces it (a stage run again after a resume). */
  saveStage(workflowId: string, stage: AgentRunResult): Promise<void>;
  /** Marks the run `suspended` for `suspension`. */
  suspend(workflowId: string, suspension: RunSuspension): Promise<void>;
  /**
   * Marks the run running again (a resume): status `running`, suspension cleared. With `options.from`,
   * only when the run's status is that one now, in one atomic step: of two resumes racing for one
   * suspended run (two decisions, a decision and a timeout), exactly one gets through.
   * @throws RunNotResumableError when `options.from` is given and the run's status is another; nothing changes.
   */
  markRunning(workflowId: string, options?: MarkRunningOptions): Promise<void>;
  /** Records how the run ended; its status becomes `result.status`. */
  complete(workflowId: string, result: StoredWorkflowResult): Promise<void>;
  /** Marks a `running` run `interrupted` (stopped by a shutdown, to be resumed); any other status stays. */
  markInterrupted(workflowId: string): Promise<void>;
  /** The run's record, `null` when there is none (never created, expired or evicted). */
  get(workflowId: string): Promise<RunRecord | null>;
  /** The user's runs, newest first. @throws InvalidConfigError for a bad `limit` or `before`. */
  listRuns(userId: string, options?: ListRunsOptions): Promise<RunRecord[]>;
}
