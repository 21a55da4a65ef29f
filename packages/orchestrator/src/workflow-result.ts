import type { AgentRunResult, WorkflowStatus } from '@baton/engine-contract';

/** What `orchestrator.run` resolves to. Frozen. */
export interface WorkflowResult {
  /** Unique per run (`crypto.randomUUID()`); the `executionId` of the run's workflow events. */
  readonly workflowId: string;
  /** The definition's `id`. */
  readonly workflowName: string;
  /**
   * `'cancelled'` when the run was cancelled (its signal aborted before every stage had run, or a
   * stage ended `cancelled`); otherwise `'failed'` when any
   * stage failed or timed out, even if `finally` answered; otherwise `'succeeded'`.
   */
  readonly status: WorkflowStatus;
  /**
   * The path triage chose (`fallback`'s name when classification was impossible). `''` when the run
   * was cancelled before a path was chosen (before or during triage).
   */
  readonly path: string;
  /** Every stage that was called, triage first, in the order the calls finished. */
  readonly stages: readonly AgentRunResult[];
  /** From the call of `run` to the end (ms), measured with the orchestrator's clock. */
  readonly durationMs: number;
}
