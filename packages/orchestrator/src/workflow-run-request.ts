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
   */
  signal?: AbortSignal;
}
