/** The ids a `run` request may carry to prove whose request it is. */
export interface WorkflowUserIds {
  readonly userId: string;
  readonly threadId: string;
  readonly runId: string;
}

/** The first argument of `orchestrator.run`. */
export interface WorkflowRunRequest {
  /** The user's request; every stage gets it as `request`. */
  input: unknown;
  /**
   * The caller's context (usually a `UserExecutionContext`). When given, its `userId`, `threadId` and
   * `runId` must equal the engine's, or the run is refused with `UserIsolationError` before anything runs.
   */
  userContext?: WorkflowUserIds;
}

/** The second argument of `orchestrator.run`. */
export interface WorkflowRunOptions {
  /**
   * Cancels the run: running stages end `cancelled` (the signal is passed on to `executeAgent`),
   * later stages, `finally` included, do not start, and the result's status is `'cancelled'`.
   *
   * Aborted with a `RunInterruptedError` (`controller.abort(new RunInterruptedError({ message }))`,
   * as a worker does when it shuts down) by an orchestrator with a `store`, the run is interrupted
   * rather than cancelled: the record is marked `interrupted` (resumable with `orchestrator.resume`),
   * no `workflow_completed` is emitted, and `run()` rejects with that error. Without a store it is a
   * cancellation like any other.
   */
  signal?: AbortSignal;
  /**
   * The run's id (`workflowId` of its events, result and record). Default: a new random UUID. A caller
   * that must name the run before it starts passes one (the worker tier uses its job id); with a store,
   * an id already recorded is refused by `store.create` (`RunRecordRejectedError`) before anything runs.
   */
  workflowId?: string;
}

/** A decision on a suspended run's approval gate (see `StageSpec.approval`). */
export interface ApprovalDecision {
  approved: boolean;
  /** Passed on to the stage with the approval. */
  note?: string;
}

/** The second argument of `orchestrator.resume`. */
export interface WorkflowResumeOptions {
  /**
   * The decision a suspended run waits for (required for one that has not expired). Given for a run
   * that is not suspended: `RunNotResumableError`.
   */
  decision?: ApprovalDecision;
  /** Cancels the resumed run, as `run`'s signal does; aborted with a `RunInterruptedError`, it interrupts it again. */
  signal?: AbortSignal;
}
