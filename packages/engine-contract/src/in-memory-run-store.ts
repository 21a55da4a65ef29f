import type { AgentRunResult } from './agent-run-result.js';
import { InvalidConfigError } from './errors/invalid-config-error.js';
import { RunNotFoundError } from './errors/run-not-found-error.js';
import { RunRecordRejectedError } from './errors/run-record-rejected-error.js';
import { FINAL_RUN_STATUSES, type NewRunRecord, type RunRecord, type RunSuspension, type StoredWorkflowResult } from './run-record.js';
import type { ListRunsOptions, MarkRunningOptions, RunStore } from './run-store.js';
import {
  checkNewRunRecord,
  checkStageResult,
  checkStoredResult,
  checkSuspension,
  DEFAULT_MAX_STAGE_OUTPUT_BYTES,
  encodeRunValue,
  notInStatus,
  positiveIntegerOption,
  readListRunsOptions,
  readMarkRunningFrom,
  stageKeyOf,
} from './run-store-rules.js';

/** The default of `InMemoryRunStore`'s `maxRunsPerUser`. */
export const DEFAULT_MAX_RUNS_PER_USER = 100;

/** What `new InMemoryRunStore(options)` accepts. */
export interface InMemoryRunStoreOptions {
  /** How many runs the store keeps per user (default 100); beyond it the oldest finished run goes first. */
  maxRunsPerUser?: number;
  /** The largest stored value (a stage's result, the input, the result) as JSON, in bytes (default 256 KiB). */
  maxStageOutputBytes?: number;
  /** The clock for `createdAt` and `updatedAt` (epoch ms). Default: `Date.now`. */
  now?: () => number;
}

/**
 * A `RunStore` in this process's memory: the default for tests and single-process apps; runs do not
 * outlive the process (use `createRedisRunStore` for that). Bounded: the last `maxRunsPerUser` runs
 * per user. Values are kept as JSON, as Redis keeps them, so both stores give back the same thing and
 * nothing a caller does to a returned record changes the store.
 * @example
 * const store = new InMemoryRunStore();
 * const orchestrator = new WorkflowOrchestrator({ engine, workflow, store });
 */
export class InMemoryRunStore implements RunStore {
  readonly #maxRunsPerUser: number;
  readonly #maxBytes: number;
  readonly #now: () => number;
  readonly #runs = new Map<string, RunRecord>();
  /** Per user, the workflow ids in creation order (oldest first). */
  readonly #byUser = new Map<string, string[]>();

  /** @throws InvalidConfigError for a bad option. */
  constructor(options: InMemoryRunStoreOptions = {}) {
    if (typeof options !== 'object' || options === null)
      throw new InvalidConfigError({ message: 'InMemoryRunStore: options must be an object' });
    if (options.now !== undefined && typeof options.now !== 'function') {
      throw new InvalidConfigError({ message: 'InMemoryRunStore: now must be a function returning epoch ms' });
    }
    this.#maxRunsPerUser = positiveIntegerOption(options.maxRunsPerUser, 'InMemoryRunStore: maxRunsPerUser', DEFAULT_MAX_RUNS_PER_USER);
    this.#maxBytes = positiveIntegerOption(
      options.maxStageOutputBytes,
      'InMemoryRunStore: maxStageOutputBytes',
      DEFAULT_MAX_STAGE_OUTPUT_BYTES,
    );
    this.#now = options.now ?? Date.now;
  }

  async create(record: NewRunRecord): Promise<RunRecord> {
    // Every value is checked before the store is looked at, as a remote store has to: same refusal, same order.
    const checked = checkNewRunRecord(record);
    const input = JSON.parse(encodeRunValue(checked.input, 'The run input', this.#maxBytes)) as unknown;
    if (this.#runs.has(checked.workflowId)) {
      throw new RunRecordRejectedError({ message: `RunStore.create: a run ${checked.workflowId} is already stored` });
    }
    const at = this.#now();
    const stored: RunRecord = {
      workflowId: checked.workflowId,
      workflowName: checked.workflowName,
      userId: checked.userId,
      threadId: checked.threadId,
      runId: checked.runId,
      input,
      status: 'running',
      stages: [],
      createdAt: at,
      updatedAt: at,
    };
    this.#runs.set(stored.workflowId, stored);
    const ids = this.#byUser.get(stored.userId);
    if (ids === undefined) this.#byUser.set(stored.userId, [stored.workflowId]);
    else {
      ids.push(stored.workflowId);
      if (ids.length > this.#maxRunsPerUser) this.#evictOne(ids);
    }
    return structuredClone(stored);
  }

  async saveStage(workflowId: string, stage: AgentRunResult): Promise<void> {
    const checked = checkStageResult(stage);
    const key = stageKeyOf(checked);
    const copy = JSON.parse(encodeRunValue(checked, `The result of stage "${key}"`, this.#maxBytes)) as AgentRunResult;
    const record = this.#require(workflowId);
    const stages = record.stages.filter((earlier) => stageKeyOf(earlier) !== key);
    stages.push(copy);
    record.stages = stages;
    record.updatedAt = this.#now();
  }

  async suspend(workflowId: string, suspension: RunSuspension): Promise<void> {
    // Bounded like every other value: a prompt is free text.
    const copy = JSON.parse(encodeRunValue(checkSuspension(suspension), 'The suspension', this.#maxBytes)) as RunSuspension;
    const record = this.#require(workflowId);
    record.suspension = copy;
    record.status = 'suspended';
    record.updatedAt = this.#now();
  }

  async markRunning(workflowId: string, options?: MarkRunningOptions): Promise<void> {
    const from = readMarkRunningFrom(options);
    const record = this.#require(workflowId);
    if (from !== undefined && record.status !== from) throw notInStatus(workflowId, record.status, from);
    record.status = 'running';
    delete record.suspension;
    record.updatedAt = this.#now();
  }

  async complete(workflowId: string, result: StoredWorkflowResult): Promise<void> {
    const checked = checkStoredResult(result);
    const copy = JSON.parse(encodeRunValue(checked, 'The run result', this.#maxBytes)) as StoredWorkflowResult;
    const record = this.#require(workflowId);
    record.result = copy;
    record.status = checked.status;
    delete record.suspension;
    record.updatedAt = this.#now();
  }

  async markInterrupted(workflowId: string): Promise<void> {
    const record = this.#require(workflowId);
    if (record.status !== 'running') return;
    record.status = 'interrupted';
    record.updatedAt = this.#now();
  }

  async get(workflowId: string): Promise<RunRecord | null> {
    const record = this.#runs.get(workflowId);
    return record === undefined ? null : structuredClone(record);
  }

  async listRuns(userId: string, options?: ListRunsOptions): Promise<RunRecord[]> {
    const { limit, before } = readListRunsOptions(options);
    // Newest created first, then sorted by createdAt (stable), so that a clock that went backwards
    // still pages by createdAt as `before` does; at most maxRunsPerUser records per user.
    const records = (this.#byUser.get(userId) ?? []).map((id) => this.#runs.get(id) as RunRecord).reverse();
    return records
      .filter((record) => record.createdAt < before)
      .sort((a, b) => b.createdAt - a.createdAt)
      .slice(0, limit)
      .map((record) => structuredClone(record));
  }

  #require(workflowId: string): RunRecord {
    const record = typeof workflowId === 'string' ? this.#runs.get(workflowId) : undefined;
    if (record === undefined)
      throw new RunNotFoundError({ message: `No run ${String(workflowId)} in the store (never created, or evicted)` });
    return record;
  }

  /** Drops one run of a user over the bound: the oldest finished one, else the oldest. */
  #evictOne(ids: string[]): void {
    let victim = ids.findIndex((id) => FINAL_RUN_STATUSES.has((this.#runs.get(id) as RunRecord).status));
    if (victim === -1) victim = 0;
    const [id] = ids.splice(victim, 1);
    this.#runs.delete(id as string);
  }
}
