import { randomUUID } from 'node:crypto';
import type { ApprovalDecision } from '@baton/orchestrator';
import type { JobsOptions, Queue } from 'bullmq';
import { claimSuspendedJob, wasReplaced } from './decision-claim.js';
import { RUN_JOB_NAME, RunJobDataSchema, WorkflowJobSummarySchema } from './workflow-job.js';

/**
 * How `requeueSuspendedRun` ended: `requeued` (the suspended run's job was replaced by one carrying
 * the decision, or none for a timeout); `missing` (no job under that id: never enqueued, or removed
 * after the retention); `not-suspended` (the job is not a finished, suspended run: `state` says what
 * it is); `claimed-elsewhere` (another decision or the approval timeout replaced it first).
 * @internal
 */
export type RequeueOutcome =
  | { readonly kind: 'requeued'; readonly expiresAt?: number }
  | { readonly kind: 'missing' }
  | { readonly kind: 'not-suspended'; readonly state: string }
  | { readonly kind: 'claimed-elsewhere' };

/** The retention options of `job`, so that the job that replaces it is kept as long. */
function retentionOf(options: JobsOptions): Pick<JobsOptions, 'removeOnComplete' | 'removeOnFail'> {
  const kept: Pick<JobsOptions, 'removeOnComplete' | 'removeOnFail'> = {};
  if (options.removeOnComplete !== undefined) kept.removeOnComplete = options.removeOnComplete;
  if (options.removeOnFail !== undefined) kept.removeOnFail = options.removeOnFail;
  return kept;
}

/**
 * Continues a suspended run through the queue: its job completed when the run suspended, so the job
 * is removed and added again under the same id (the workflow id) with `decision`, and a worker
 * resumes the run. Exactly one of several concurrent callers gets `requeued` (see `claimSuspendedJob`).
 * @internal
 */
export async function requeueSuspendedRun(
  queue: Queue,
  workflowId: string,
  decision: ApprovalDecision | undefined,
): Promise<RequeueOutcome> {
  // The state first, then the job: read the other way round, a job that completes in between would
  // show `completed` with the data of its active snapshot (no return value yet).
  const state = await queue.getJobState(workflowId);
  const job = state === 'unknown' ? undefined : await queue.getJob(workflowId);
  // Gone, and claimed lately: another caller is between removing it and adding it again.
  if (job === undefined || state === 'unknown') {
    return (await wasReplaced(queue, workflowId)) ? { kind: 'claimed-elsewhere' } : { kind: 'missing' };
  }
  if (state !== 'completed') return { kind: 'not-suspended', state };
  const summary = WorkflowJobSummarySchema.safeParse(job.returnvalue);
  const data = RunJobDataSchema.safeParse(job.data);
  if (!summary.success || !data.success) return { kind: 'not-suspended', state: 'completed (not a run of this package)' };
  if (summary.data.status !== 'suspended') return { kind: 'not-suspended', state: `completed (${summary.data.status})` };
  if (!(await claimSuspendedJob(queue, workflowId, data.data.nonce))) return { kind: 'claimed-elsewhere' };
  // Completed jobs hold no lock, so the removal always goes through.
  await job.remove();
  const { decision: _previous, ...rest } = data.data;
  const nonce = randomUUID();
  await queue.add(RUN_JOB_NAME, decision === undefined ? { ...rest, nonce } : { ...rest, nonce, decision }, {
    jobId: workflowId,
    ...retentionOf(job.opts),
  });
  // `add` of an existing id returns silently: only the nonce read back tells whether this add made the job.
  const added = await queue.getJob(workflowId);
  if (added?.data?.nonce !== nonce) return { kind: 'claimed-elsewhere' };
  return summary.data.expiresAt === undefined ? { kind: 'requeued' } : { kind: 'requeued', expiresAt: summary.data.expiresAt };
}
