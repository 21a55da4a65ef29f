import {
  type AgentRunResult,
  type ListRunsOptions,
  type MarkRunningOptions,
  type NewRunRecord,
  type RunRecord,
  type RunStore,
  type RunSuspension,
  type StoredWorkflowResult,
  TransportError,
} from '@baton/engine-contract';

/** Runs whose record could not be created that are remembered at once; beyond it the oldest is forgotten. */
const MAX_UNRECORDED = 10_000;

/**
 * The demo's run store around the real one (in memory, or Redis): a write that fails because the
 * store cannot be reached (`TransportError`: Redis is away) is logged and skipped instead of failing
 * the run, so that runs already going on an instance go on during an outage, as they always did
 * (the orchestrator fails a run whose store throws). Such a run's record may stay behind (a missing
 * stage, or `running` after the run ended). A run whose record could not be created at all has its
 * later writes skipped too. Reads pass through: the runs API answers 503 while Redis is away. Any
 * other error (a refused record, an unknown run) is the store's answer and is rethrown.
 */
export class BestEffortRunStore implements RunStore {
  readonly #store: RunStore;
  readonly #log: { warn(details: object, message: string): void };
  readonly #isReachable: () => boolean;
  readonly #unrecorded = new Set<string>();

  /**
   * `isReachable`: false while the store is known to be unreachable (Redis disconnected); writes are
   * then skipped at once rather than each waiting for the client to give up. Default: always true.
   */
  constructor(store: RunStore, log: { warn(details: object, message: string): void }, isReachable: () => boolean = () => true) {
    this.#store = store;
    this.#log = log;
    this.#isReachable = isReachable;
  }

  async create(record: NewRunRecord): Promise<RunRecord> {
    try {
      if (!this.#isReachable()) throw new TransportError({ message: 'The run store is unreachable' });
      return await this.#store.create(record);
    } catch (error) {
      if (!TransportError.isInstance(error)) throw error;
      this.#log.warn(
        { err: error, workflowId: record.workflowId },
        'could not record a new run (the run store is unreachable); it runs unrecorded',
      );
      this.#unrecorded.add(record.workflowId);
      if (this.#unrecorded.size > MAX_UNRECORDED) this.#unrecorded.delete(this.#unrecorded.values().next().value as string);
      // What the store would have answered; the orchestrator does not read it.
      const at = Date.now();
      return { ...record, status: 'running', stages: [], createdAt: at, updatedAt: at };
    }
  }

  saveStage(workflowId: string, stage: AgentRunResult): Promise<void> {
    return this.#write(workflowId, 'a stage', () => this.#store.saveStage(workflowId, stage));
  }

  suspend(workflowId: string, suspension: RunSuspension): Promise<void> {
    return this.#write(workflowId, 'a suspension', () => this.#store.suspend(workflowId, suspension));
  }

  async markRunning(workflowId: string, options?: MarkRunningOptions): Promise<void> {
    // With `from` it is the compare-and-set that lets exactly one decision (or timeout) through:
    // skipping it could run a gated stage twice, so an unreachable store refuses the resume instead.
    if (options?.from !== undefined) {
      if (!this.#isReachable()) throw new TransportError({ message: 'The run store is unreachable' });
      return this.#store.markRunning(workflowId, options);
    }
    return this.#write(workflowId, 'a resume', () => this.#store.markRunning(workflowId, options));
  }

  async complete(workflowId: string, result: StoredWorkflowResult): Promise<void> {
    await this.#write(workflowId, 'the result', () => this.#store.complete(workflowId, result));
    this.#unrecorded.delete(workflowId);
  }

  async markInterrupted(workflowId: string): Promise<void> {
    await this.#write(workflowId, 'an interruption', () => this.#store.markInterrupted(workflowId));
    this.#unrecorded.delete(workflowId);
  }

  get(workflowId: string): Promise<RunRecord | null> {
    return this.#store.get(workflowId);
  }

  listRuns(userId: string, options?: ListRunsOptions): Promise<RunRecord[]> {
    return this.#store.listRuns(userId, options);
  }

  async #write(workflowId: string, what: string, write: () => Promise<void>): Promise<void> {
    if (this.#unrecorded.has(workflowId)) return;
    try {
      if (!this.#isReachable()) throw new TransportError({ message: 'The run store is unreachable' });
      await write();
    } catch (error) {
      if (!TransportError.isInstance(error)) throw error;
      this.#log.warn({ err: error, workflowId }, `could not record ${what} of a run (the run store is unreachable); the run goes on`);
    }
  }
}
