import type { RunStore } from '@baton/engine-contract';
import { describeZodIssue } from '@baton/engine-contract';
import { DelayedError, type Job, type Queue, UnrecoverableError } from 'bullmq';
import { requeueSuspendedRun } from './suspended-run-requeue.js';
import { APPROVAL_TIMEOUT_JOB_NAME, ApprovalTimeoutJobDataSchema } from './workflow-job.js';

// The timeout jobs themselves are of no use once done; a failed one is kept for inspection as long as
// the runs' jobs are by default.
const FAILED_TIMEOUT_RETENTION_SECONDS = 7 * 24 * 60 * 60;

/** What an `approval-timeout` job returns: whether it sent the run on (`requeued`) or found nothing to do. @internal */
export interface ApprovalTimeoutSummary {
  readonly workflowId: string;
  readonly timeout: 'requeued' | 'not-needed';
}

/**
 * The job id of the approval timeout of one suspension of `workflowId`. `expiresAt` tells the
 * suspensions of one run apart, so that the timeout of a later gate is never mistaken for the job of
 * an earlier one that is still finishing.
 * @internal
 */
export function approvalTimeoutJobId(workflowId: string, expiresAt: number): string {
  return `${workflowId}-approval-timeout-${expiresAt}`;
}

/**
 * Adds the delayed job that ends the approval wait of `workflowId` at `expiresAt` (epoch ms on the
 * `now` clock). Idempotent while that job is pending (BullMQ ignores an add of an existing id).
 * @internal
 */
export async function scheduleApprovalTimeout(queue: Queue, workflowId: string, expiresAt: number, now: () => number): Promise<void> {
  await queue.add(
    APPROVAL_TIMEOUT_JOB_NAME,
    { workflowId, expiresAt },
    {
      jobId: approvalTimeoutJobId(workflowId, expiresAt),
      delay: Math.max(0, expiresAt - now()),
      removeOnComplete: true,
      removeOnFail: { age: FAILED_TIMEOUT_RETENTION_SECONDS },
    },
  );
}

/** What processing an `approval-timeout` job needs. @internal */
export interface ApprovalTimeoutContext {
  readonly store: RunStore;
  readonly queue: Queue;
  readonly now: () => number;
  /** The wait before checking again, for the `attempt`-th time, when the run's job is still busy. */
  readonly retryDelayMs: (attempt: number) => number;
}

async function checkAgainIn(job: Job, token: string, delayMs: number): Promise<never> {
  await job.moveToDelayed(Date.now() + delayMs, token);
  throw new DelayedError();
}

/**
 * Ends an approval wait: when the run is still suspended at the suspension this job was made for, and
 * its time is up on the `now` clock, its job is re-added without a decision (as `decide` does), so the
 * worker that takes it resumes the run and the orchestrator fails the stage with `APPROVAL_TIMEOUT`.
 * Going through the run's own job keeps every execution of a run under one job id, so BullMQ's lock
 * still guarantees one worker at a time. A run decided meanwhile, or no longer suspended there: nothing.
 * @internal
 */
export async function processApprovalTimeout(job: Job, token: string, context: ApprovalTimeoutContext): Promise<ApprovalTimeoutSummary> {
  const parsed = ApprovalTimeoutJobDataSchema.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError(`INVALID_JOB_DATA: ${describeZodIssue(parsed.error, { root: 'data' })}`);
  const { workflowId, expiresAt } = parsed.data;
  const record = await context.store.get(workflowId);
  if (record?.status !== 'suspended' || record.suspension?.expiresAt !== expiresAt) return { workflowId, timeout: 'not-needed' };
  // Delayed jobs run on BullMQ's clock; the expiry is judged on the orchestrator's. Early: wait the rest.
  const remaining = expiresAt - context.now();
  if (remaining > 0) return checkAgainIn(job, token, remaining);
  const outcome = await requeueSuspendedRun(context.queue, workflowId, undefined);
  if (outcome.kind === 'requeued') return { workflowId, timeout: 'requeued' };
  if (outcome.kind === 'missing') {
    // Failed, not skipped: the run stays suspended, and whoever looks at the failed jobs should know.
    throw new UnrecoverableError(
      `RUN_JOB_MISSING: the job of run ${workflowId} is gone (removed after the queue's retention); resume the run with orchestrator.resume`,
    );
  }
  if (outcome.kind === 'not-suspended' && ['active', 'waiting', 'delayed', 'prioritized'].includes(outcome.state)) {
    // The run's job has not finished suspending yet (or a decision's job is queued): look again later.
    return checkAgainIn(job, token, context.retryDelayMs(job.attemptsStarted));
  }
  return { workflowId, timeout: 'not-needed' };
}
