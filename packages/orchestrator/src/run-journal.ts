import { type AgentRunResult, RunInterruptedError, type RunStore, type StoredWorkflowResult } from '@baton/engine-contract';

/**
 * What a run with a store writes as it goes, and the stage results it may reuse (a resumed run).
 * Without a store a run has no journal at all: the path the bench measures stays as it was.
 * @internal
 */
export interface RunJournal {
  /**
   * Stored results of stages that finished before (`succeeded`, `failed`, `timed_out`), by stage name:
   * they are not called again. Empty for a new run.
   */
  readonly prior: ReadonlyMap<string, AgentRunResult>;
  /** True for a resumed run: its first event is `workflow_resumed`. */
  readonly resumed: boolean;
  /** Records a stage's result once it finished, before any stage that depends on it starts. */
  save(result: AgentRunResult): Promise<void>;
  /** Records how the run ended. */
  complete(result: StoredWorkflowResult): Promise<void>;
  /** Records that the run was interrupted (resumable). */
  interrupt(): Promise<void>;
}

/** The journal of run `workflowId` in `store`; `stored` are the stage results already in its record (a resume). @internal */
export function createRunJournal(store: RunStore, workflowId: string, stored?: readonly AgentRunResult[]): RunJournal {
  const prior = new Map<string, AgentRunResult>();
  // A cancelled stage was cut off (a shutdown, the caller's abort): it has not finished, so it runs again.
  for (const result of stored ?? []) if (result.status !== 'cancelled') prior.set(result.stage ?? result.agentName, result);
  return {
    prior,
    resumed: stored !== undefined,
    save: (result) => store.saveStage(workflowId, result),
    complete: (result) => store.complete(workflowId, result),
    interrupt: () => store.markInterrupted(workflowId),
  };
}

/** True when `signal` was aborted with a `RunInterruptedError`: the run is interrupted, not cancelled. @internal */
export function isInterruption(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true && RunInterruptedError.isInstance(signal.reason);
}
