import type { AgentRunResult, WorkflowStatus } from '@baton/engine-contract';

/** How a run ended (`WorkflowStatus`), or `'suspended'` while it waits for a decision. */
export type WorkflowResultStatus = WorkflowStatus | 'suspended';

/**
 * What `orchestrator.run` resolves to. Frozen. `TOutput` is the type of `output`, known for linear
 * workflows built from agent definitions (see `defineWorkflow`); `unknown` otherwise.
 */
export interface WorkflowResult<TOutput = unknown> {
  /** Unique per run (`crypto.randomUUID()`); the `executionId` of the run's workflow events. */
  readonly workflowId: string;
  /** The definition's `id`. */
  readonly workflowName: string;
  /**
   * `'cancelled'` when the run was cancelled (its signal aborted before every stage had run, or a
   * stage ended `cancelled`); otherwise `'failed'` when any
   * stage failed or timed out, even if `finally` answered; otherwise `'succeeded'`. `'suspended'` when
   * the run stopped before a stage with `approval` to wait for a decision (see `orchestrator.resume`).
   */
  readonly status: WorkflowResultStatus;
  /** With `status: 'suspended'`: the stage waiting for a decision. Absent otherwise. */
  readonly suspendedAt?: string;
  /**
   * The path triage chose (`fallback`'s name when classification was impossible); `'main'`
   * (`LINEAR_WORKFLOW_PATH`) for a linear workflow. `''` when the run was cancelled before a path was
   * chosen (before or during triage).
   */
  readonly path: string;
  /**
   * Every stage that was called, in plan order whatever order they finished in: triage first, then
   * the path's stages in plan order (dependencies first, otherwise as listed), `finally` last.
   */
  readonly stages: readonly AgentRunResult[];
  /**
   * The output of the plan's last stage (the `finally` stage where there is one, else the path's last
   * stage in plan order) when that stage succeeded; `undefined` when it failed, timed out, was
   * cancelled or did not run. Always set on results of `run`; optional in the type only so that code
   * which builds `WorkflowResult` objects itself (fixtures, stores) keeps compiling.
   */
  readonly output?: TOutput | undefined;
  /** From the call of `run` to the end (ms), measured with the orchestrator's clock. */
  readonly durationMs: number;
}
