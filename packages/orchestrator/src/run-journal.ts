import {
  type AgentRunResult,
  RunInterruptedError,
  type RunStore,
  type RunSuspension,
  type StoredWorkflowResult,
} from '@baton/engine-contract';
import type { GateDecision } from './approval-gate.js';

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
  /** A run resumed at an approval gate: the stage and how it passes (approved, rejected, timed out). */
  readonly gate: GateDecision | undefined;
  /** Whose run it is: the ids a refused gate's stage result carries. */
  readonly owner: { readonly workflowId: string; readonly runId: string; readonly requestId: string };
  /** Records that the run waits at an approval gate. */
  suspend(suspension: RunSuspension): Promise<void>;
  /** Records a stage's result once it finished, before any stage that depends on it starts. */
  save(result: AgentRunResult): Promise<void>;
  /** Records how the run ended. */
  complete(result: StoredWorkflowResult): Promise<void>;
  /** Records that the run was interrupted (resumable). */
  interrupt(): Promise<void>;
}

/** What `createRunJournal` needs besides the store: whose run, and for a resume what the record held. @internal */
export interface RunJournalOptions {
  readonly workflowId: string;
  readonly runId: string;
  readonly requestId: string;
  /** The stage results already in the record: given for a resume. */
  readonly stored?: readonly AgentRunResult[];
  readonly gate?: GateDecision | undefined;
}

/** The journal of run `options.workflowId` in `store`. @internal */
export function createRunJournal(store: RunStore, options: RunJournalOptions): RunJournal {
  const { workflowId, runId, requestId, stored } = options;
  const prior = new Map<string, AgentRunResult>();
  // A cancelled stage was cut off (a shutdown, the caller's abort): it has not finished, so it runs again.
  for (const result of stored ?? []) if (result.status !== 'cancelled') prior.set(result.stage ?? result.agentName, result);
  return {
    prior,
    resumed: stored !== undefined,
    gate: options.gate,
    owner: { workflowId, runId, requestId },
    suspend: (suspension) => store.suspend(workflowId, suspension),
    save: (result) => store.saveStage(workflowId, result),
    complete: (result) => store.complete(workflowId, result),
    interrupt: () => store.markInterrupted(workflowId),
  };
}

/** True when `signal` was aborted with a `RunInterruptedError`: the run is interrupted, not cancelled. @internal */
export function isInterruption(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true && RunInterruptedError.isInstance(signal.reason);
}
