import { FINAL_RUN_STATUSES, type RunRecord } from '@baton/engine-contract';
import type { ApprovalDecision } from '@baton/orchestrator';
import type { WorkflowJobSummary } from './workflow-job.js';

/**
 * What a worker does with a `run` job, decided from the run's record before any engine is made (so a
 * job with nothing to run never takes an admission slot):
 * - `run`: there is no record yet; `orchestrator.run` under the job id.
 * - `resume`: continue the record (`decision` only for a suspended run the job brings one for).
 * - `skip`: nothing to run; the job completes with `summary`.
 * @internal
 */
export type JobPlan =
  | { readonly kind: 'run' }
  | { readonly kind: 'resume'; readonly decision?: ApprovalDecision }
  | { readonly kind: 'skip'; readonly summary: WorkflowJobSummary };

/**
 * The plan for a `run` job of `workflowId` that carries `decision` (or none), given the run's record
 * and the time `now` (epoch ms, the orchestrator's clock).
 * @internal
 */
export function planJob(workflowId: string, record: RunRecord | null, decision: ApprovalDecision | undefined, now: number): JobPlan {
  if (record === null) return { kind: 'run' };
  const { status, suspension } = record;
  // The previous holder of this job finished the run and died before the job completed: done.
  if (FINAL_RUN_STATUSES.has(status)) return { kind: 'skip', summary: { workflowId, status: status as WorkflowJobSummary['status'] } };
  if (status === 'suspended' && suspension !== undefined) {
    // A decision, or the end of the wait (the orchestrator then fails the stage with APPROVAL_TIMEOUT;
    // the same `>=` as its own check, so that the two never disagree on one clock).
    if (decision !== undefined) return { kind: 'resume', decision };
    if (suspension.expiresAt !== undefined && now >= suspension.expiresAt) return { kind: 'resume' };
    const expiresAt = suspension.expiresAt === undefined ? {} : { expiresAt: suspension.expiresAt };
    return { kind: 'skip', summary: { workflowId, status: 'suspended', suspendedAt: suspension.stage, ...expiresAt } };
  }
  // `running`: every run of this workflow id happens under this one job id, and BullMQ hands a job to
  // one worker at a time, so a running record means the job's previous holder died (or lost its lock).
  // `interrupted`: a worker closed. Either way the decision this job may carry was already taken by
  // the earlier attempt (the record left `suspended`), so it is not given again.
  return { kind: 'resume' };
}
