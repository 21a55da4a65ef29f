import {
  createUserExecutionContext,
  describeZodIssue,
  FactoryShutdownError,
  RunInterruptedError,
  type RunStore,
  type UserExecutionContext,
  type UserExecutionEngine,
  UserLimitExceededError,
} from '@baton/engine-contract';
import type { EngineFactory } from '@baton/engine-factory';
import { type WorkflowDefinition, WorkflowOrchestrator, type WorkflowResult } from '@baton/orchestrator';
import { DelayedError, type Job, type Queue, UnrecoverableError, WaitingError } from 'bullmq';
import { type ApprovalTimeoutSummary, processApprovalTimeout, scheduleApprovalTimeout } from './approval-timeout.js';
import { asError, type WorkflowErrorHandler } from './error-handler.js';
import { type JobPlan, planJob } from './job-plan.js';
import type { RunningRuns } from './running-runs.js';
import { APPROVAL_TIMEOUT_JOB_NAME, RUN_JOB_NAME, type RunJobData, RunJobDataSchema, type WorkflowJobSummary } from './workflow-job.js';

/** What the processor of a worker's jobs works with. @internal */
export interface JobProcessorContext {
  readonly factory: Pick<EngineFactory, 'createEngine'>;
  readonly workflows: ReadonlyMap<string, WorkflowDefinition>;
  readonly store: RunStore;
  /** The worker's own queue handle: approval timeouts are added, and suspended runs re-added, through it. */
  readonly queue: Queue;
  readonly runs: RunningRuns;
  /** True once `close()` was called: jobs that arrive then go back to the queue unstarted. */
  readonly isClosing: () => boolean;
  /** The orchestrator's clock (epoch ms): approval expiry is judged on it. */
  readonly now: () => number;
  /** The wait before the next try of a job that cannot start now (`attempt`: the job's tries so far). */
  readonly retryDelayMs: (attempt: number) => number;
  readonly onError: WorkflowErrorHandler;
}

/** Hands the job back to the queue unfinished: another worker (or this one, later) takes it up. */
async function putBack(job: Job, token: string, context: JobProcessorContext): Promise<never> {
  try {
    await job.moveToWait(token);
  } catch (error) {
    // The lock is gone (another worker owns the job now, or BullMQ's stalled check will re-queue it):
    // nothing of ours to hand back.
    context.onError(asError(error));
  }
  throw new WaitingError();
}

/** Delays the job by the retry back-off: it waits, and never fails, for a slot (admission, a closing factory). */
async function tryLater(job: Job, token: string, context: JobProcessorContext): Promise<never> {
  await job.moveToDelayed(Date.now() + context.retryDelayMs(job.attemptsStarted), token);
  throw new DelayedError();
}

function readRunJob(
  job: Job,
  context: JobProcessorContext,
): { data: RunJobData; workflow: WorkflowDefinition; userContext: UserExecutionContext } {
  const parsed = RunJobDataSchema.safeParse(job.data);
  // UnrecoverableError: none of these can get better by trying again.
  if (!parsed.success) throw new UnrecoverableError(`INVALID_JOB_DATA: ${describeZodIssue(parsed.error, { root: 'data' })}`);
  const data = parsed.data;
  const workflow = context.workflows.get(data.workflowName);
  if (workflow === undefined) {
    const known = [...context.workflows.keys()].join(', ');
    throw new UnrecoverableError(`UNKNOWN_WORKFLOW: this worker has no workflow "${data.workflowName}" (it runs: ${known})`);
  }
  let userContext: UserExecutionContext;
  try {
    userContext = createUserExecutionContext({ userId: data.userId, threadId: data.threadId, runId: data.runId });
  } catch (error) {
    throw new UnrecoverableError(`INVALID_USER_CONTEXT: ${asError(error).message}`);
  }
  return { data, workflow, userContext };
}

/** The job's summary of `result`; for a suspended run with a deadline, the approval timeout is scheduled first. */
async function summarize(workflowId: string, result: WorkflowResult, context: JobProcessorContext): Promise<WorkflowJobSummary> {
  if (result.status !== 'suspended') return { workflowId, status: result.status };
  const record = await context.store.get(workflowId);
  const expiresAt = record?.suspension?.expiresAt;
  const suspendedAt = result.suspendedAt ?? record?.suspension?.stage;
  const summary: WorkflowJobSummary = { workflowId, status: 'suspended', ...(suspendedAt === undefined ? {} : { suspendedAt }) };
  if (expiresAt === undefined) return summary;
  await ensureApprovalTimeout(workflowId, expiresAt, context);
  return { ...summary, expiresAt };
}

async function ensureApprovalTimeout(workflowId: string, expiresAt: number, context: JobProcessorContext): Promise<void> {
  try {
    await scheduleApprovalTimeout(context.queue, workflowId, expiresAt, context.now);
  } catch (error) {
    // The run is suspended and recorded either way; a decision still continues it. Failing the job
    // here would make it undecidable, so the missing timer is reported instead.
    context.onError(asError(error));
  }
}

async function execute(
  plan: Exclude<JobPlan, { kind: 'skip' }>,
  engine: UserExecutionEngine,
  job: { workflowId: string; data: RunJobData; workflow: WorkflowDefinition; userContext: UserExecutionContext },
  signal: AbortSignal,
  context: JobProcessorContext,
): Promise<WorkflowResult> {
  const orchestrator = new WorkflowOrchestrator({ engine, workflow: job.workflow, store: context.store, now: context.now });
  if (plan.kind === 'run') {
    return orchestrator.run({ input: job.data.input, userContext: job.userContext }, { signal, workflowId: job.workflowId });
  }
  return orchestrator.resume(job.workflowId, plan.decision === undefined ? { signal } : { decision: plan.decision, signal });
}

async function processRunJob(job: Job, token: string, context: JobProcessorContext): Promise<WorkflowJobSummary> {
  const { data, workflow, userContext } = readRunJob(job, context);
  const workflowId = job.id as string;
  const plan = planJob(workflowId, await context.store.get(workflowId), data.decision, context.now());
  if (plan.kind === 'skip') {
    // A suspended run whose earlier job died before its timeout was scheduled gets it now (idempotent).
    if (plan.summary.expiresAt !== undefined) await ensureApprovalTimeout(workflowId, plan.summary.expiresAt, context);
    return plan.summary;
  }
  let engine: UserExecutionEngine;
  try {
    engine = await context.factory.createEngine(userContext);
  } catch (error) {
    if (UserLimitExceededError.isInstance(error) || FactoryShutdownError.isInstance(error)) return tryLater(job, token, context);
    throw error;
  }
  const controller = context.runs.start(workflowId);
  // Cancelled before it started: the run starts with an aborted signal, so it ends `cancelled` (recorded,
  // with its `workflow_completed`) without calling any stage.
  if (data.cancelled === true) context.runs.cancel(workflowId);
  if (controller.signal.aborted && RunInterruptedError.isInstance(controller.signal.reason)) {
    // The worker's grace period ended while this job was still getting ready: do not start.
    await engine.dispose();
    return putBack(job, token, context);
  }
  let result: WorkflowResult | undefined;
  try {
    result = await execute(plan, engine, { workflowId, data, workflow, userContext }, controller.signal, context);
  } catch (error) {
    // Only our own interruption hands the job back; anything else fails it with its message.
    if (!(RunInterruptedError.isInstance(error) && controller.signal.aborted)) throw error;
  } finally {
    context.runs.finish(workflowId, controller);
    // Before the job goes back to the queue: the admission slot must be free for whoever takes it next.
    await engine.dispose();
  }
  if (result === undefined) return putBack(job, token, context);
  return summarize(workflowId, result, context);
}

/**
 * The function a worker gives BullMQ: runs `run` jobs (run, resume, or nothing, after the record) and
 * `approval-timeout` jobs. Throws BullMQ's `WaitingError` / `DelayedError` after moving a job back
 * (interrupted, closing) or on (admission), `UnrecoverableError` for a job that can never succeed.
 * @internal
 */
export function createJobProcessor(
  context: JobProcessorContext,
): (job: Job, token?: string) => Promise<WorkflowJobSummary | ApprovalTimeoutSummary> {
  return async (job, token) => {
    if (token === undefined || job.id === undefined) throw new UnrecoverableError('INVALID_JOB: a job without id or lock token');
    // Taken up while the worker closes: back to the queue untouched, for a worker that stays.
    if (context.isClosing()) return putBack(job, token, context);
    if (job.name === RUN_JOB_NAME) return processRunJob(job, token, context);
    if (job.name === APPROVAL_TIMEOUT_JOB_NAME) return processApprovalTimeout(job, token, context);
    throw new UnrecoverableError(`UNKNOWN_JOB: "${job.name}" is not a job of @baton/bullmq (run, approval-timeout)`);
  };
}
