import { randomUUID } from 'node:crypto';
import {
  BatonError,
  createUserExecutionContext,
  describeZodIssue,
  InvalidConfigError,
  MAX_ID_LENGTH,
  RunNotFoundError,
  RunNotResumableError,
  TransportError,
} from '@baton/engine-contract';
import type { ApprovalDecision } from '@baton/orchestrator';
import { Queue } from 'bullmq';
import { z } from 'zod';
import { approvalTimeoutJobId } from './approval-timeout.js';
import { asError, safeErrorHandler, type WorkflowErrorHandler, warnOnError } from './error-handler.js';
import { DuplicateRunError } from './errors/duplicate-run-error.js';
import { bullmqLocation, DEFAULT_QUEUE_NAME, parseOptions, queueLocationShape, type WorkflowQueueLocation } from './queue-options.js';
import { publishCancellation } from './run-cancellation.js';
import { requeueSuspendedRun } from './suspended-run-requeue.js';
import { isWorkflowId, workflowIdFor } from './workflow-id.js';
import { ApprovalDecisionSchema, RUN_JOB_NAME } from './workflow-job.js';

/** The default `retentionMs`: 7 days, as long as `@baton/redis` keeps a run record by default. */
export const DEFAULT_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

/** What `createWorkflowQueue` accepts. */
export interface WorkflowQueueOptions extends WorkflowQueueLocation {
  /**
   * How long a finished job is kept (ms, at least 1000; BullMQ's `removeOnComplete` / `removeOnFail`
   * by age). While it is, enqueueing the same run again is refused with `DuplicateRunError`, and a
   * suspended run's job can be found by `decide`: keep it longer than your approvals may wait.
   * BullMQ removes aged jobs when a later job finishes, so a job may outlive it. Default 7 days.
   */
  retentionMs?: number;
  /** Receives BullMQ connection errors, which have no caller. Default `process.emitWarning`. */
  onError?: WorkflowErrorHandler;
}

/** What `queue.enqueue` takes: whose run of which workflow, on what input. */
export interface EnqueueRequest {
  /** The user the run belongs to (its engine, admission and events are this user's). */
  userId: string;
  /** The conversation the run is part of. */
  threadId: string;
  /** The run; with `userId` it determines the `workflowId`, so each run is enqueued once. */
  runId: string;
  /** The workflow's name: a key of the worker's `workflows`. */
  workflowName: string;
  /** The run's input (`request.input` of every stage); stored as JSON, so it must survive `JSON.stringify`. */
  input?: unknown;
}

/** Adds workflow runs to the queue, and decisions for suspended ones. */
export interface WorkflowQueue {
  /**
   * Adds the run as a job whose id is its `workflowId` (`workflowIdFor(userId, runId)`).
   * @throws DuplicateRunError when the run's job still exists (waiting, running, or finished within `retentionMs`).
   * @throws InvalidConfigError for a bad request (the message names the field), TransportError when Redis fails.
   */
  enqueue(request: EnqueueRequest): Promise<{ workflowId: string }>;
  /**
   * Continues a suspended run with `decision`: its job (completed when the run suspended) is replaced
   * by one carrying the decision, which a worker resumes; its approval timeout is dropped.
   * @throws RunNotFoundError when the queue has no job for `workflowId` (never enqueued, or removed after `retentionMs`).
   * @throws RunNotResumableError when the run is not waiting for a decision (running, queued, finished),
   * or another decision (or its approval timeout) came first: of concurrent decisions exactly one wins.
   * @throws InvalidConfigError for a bad `workflowId` or `decision`, TransportError when Redis fails.
   */
  decide(workflowId: string, decision: ApprovalDecision): Promise<void>;
  /**
   * Cancels a run that has not finished: a job not started yet is marked so that the worker that takes
   * it up ends it at once, and every worker of the queue is told (Redis pub/sub) so that the one
   * running it aborts it. Either way the run ends `cancelled`, recorded, with its `workflow_completed`,
   * and its job completes. Resolves once the cancellation is sent, not when the run has ended.
   * @throws RunNotFoundError when the queue has no job for `workflowId`.
   * @throws RunNotResumableError when the run's job has finished (the run ended, or it is suspended:
   * reject it with `decide` instead).
   * @throws InvalidConfigError for a bad `workflowId`, TransportError when Redis fails.
   */
  cancel(workflowId: string): Promise<void>;
  /** Closes the queue's connections (a passed-in client stays open). Later calls reject. Idempotent. */
  close(): Promise<void>;
}

const NAME = 'createWorkflowQueue';
const QueueOptionsSchema = z.strictObject({
  ...queueLocationShape,
  retentionMs: z.number().int().min(1000).max(Number.MAX_SAFE_INTEGER).optional(),
  onError: z.custom<WorkflowErrorHandler>((value) => typeof value === 'function', { error: 'must be a function' }).optional(),
});
const id = z.string().min(1).max(MAX_ID_LENGTH);
const EnqueueRequestSchema = z.strictObject({ userId: id, threadId: id, runId: id, workflowName: id, input: z.unknown() });

function checkEnqueueRequest(request: unknown): EnqueueRequest {
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    throw new InvalidConfigError({ message: 'queue.enqueue expects { userId, threadId, runId, workflowName, input? }' });
  }
  const parsed = EnqueueRequestSchema.safeParse(request);
  if (!parsed.success) throw new InvalidConfigError({ message: `queue.enqueue: ${describeZodIssue(parsed.error, { root: 'request' })}` });
  const { userId, threadId, runId, input } = parsed.data;
  try {
    // The worker makes this context for the run; refusing bad ids here spares a job that could only fail.
    createUserExecutionContext({ userId, threadId, runId });
  } catch (error) {
    throw new InvalidConfigError({ message: `queue.enqueue: ${asError(error).message}`, cause: error });
  }
  try {
    JSON.stringify(input);
  } catch (error) {
    throw new InvalidConfigError({
      message: 'queue.enqueue: input must be JSON-serialisable (it is stored in Redis as JSON)',
      cause: error,
    });
  }
  return parsed.data as EnqueueRequest;
}

/** Runs `step`, turning BullMQ's and Redis' failures into a `TransportError` (Baton errors pass through). */
async function onRedis<T>(action: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (BatonError.isInstance(error)) throw error;
    throw new TransportError({ message: `${action} failed: ${asError(error).message}`, cause: error });
  }
}

/**
 * The producer side of the worker tier: enqueue runs (each `userId` + `runId` once) and decisions.
 * Synchronous; BullMQ connects in the background (failures go to `onError`).
 * @throws InvalidConfigError for bad options (the message names the option).
 * @example
 * const queue = createWorkflowQueue({ connection: { host: 'localhost', port: 6379 } });
 * const { workflowId } = await queue.enqueue({ userId: 'u_42', threadId: 't_1', runId: 'r_1', workflowName: 'article', input: 'tides' });
 */
export function createWorkflowQueue(options: WorkflowQueueOptions): WorkflowQueue {
  const settings = parseOptions(QueueOptionsSchema, options, NAME);
  const onError = safeErrorHandler(settings.onError ?? warnOnError);
  const retentionSeconds = Math.ceil((settings.retentionMs ?? DEFAULT_RETENTION_MS) / 1000);
  let queue: Queue;
  try {
    queue = new Queue(settings.queueName ?? DEFAULT_QUEUE_NAME, bullmqLocation(settings));
  } catch (error) {
    throw new InvalidConfigError({ message: `${NAME}: BullMQ refused the options: ${asError(error).message}`, cause: error });
  }
  queue.on('error', (error) => onError(asError(error)));
  let closePromise: Promise<void> | undefined;

  function assertOpen(method: string): void {
    if (closePromise !== undefined) throw new TransportError({ message: `queue.${method}() after close()` });
  }

  async function enqueue(request: EnqueueRequest): Promise<{ workflowId: string }> {
    assertOpen('enqueue');
    const { userId, threadId, runId, workflowName, input } = checkEnqueueRequest(request);
    const workflowId = workflowIdFor(userId, runId);
    // `add` of an existing job id returns that job silently: the nonce read back tells whether this add made it.
    const nonce = randomUUID();
    const data = { userId, threadId, runId, workflowName, input, nonce };
    const stored = await onRedis('queue.enqueue', async () => {
      await queue.add(RUN_JOB_NAME, data, {
        jobId: workflowId,
        removeOnComplete: { age: retentionSeconds },
        removeOnFail: { age: retentionSeconds },
      });
      return queue.getJob(workflowId);
    });
    // Missing right after the add: an older job of this run was being replaced by a decision, not ours.
    if (stored?.data?.nonce !== nonce) throw new DuplicateRunError({ workflowId });
    return { workflowId };
  }

  async function decide(workflowId: string, decision: ApprovalDecision): Promise<void> {
    assertOpen('decide');
    if (!isWorkflowId(workflowId)) {
      throw new InvalidConfigError({
        message: 'queue.decide: workflowId must be a workflow id returned by enqueue (wf- and 32 hex digits)',
      });
    }
    const parsed = ApprovalDecisionSchema.safeParse(decision);
    if (!parsed.success) {
      throw new InvalidConfigError({
        message: `queue.decide: decision must be { approved: boolean, note?: string } (${describeZodIssue(parsed.error, { root: 'decision' })})`,
      });
    }
    let outcome = await onRedis('queue.decide', () => requeueSuspendedRun(queue, workflowId, parsed.data));
    // `workflow_suspended` reaches the user a moment before the worker completes the run's job: a
    // decision taken at once finds the job still active. Waits a little (about 1.5 s in all) for that
    // job to finish before calling the run busy.
    for (let wait = 25; outcome.kind === 'not-suspended' && outcome.state === 'active' && wait <= 800; wait *= 2) {
      await new Promise((resolve) => setTimeout(resolve, wait));
      outcome = await onRedis('queue.decide', () => requeueSuspendedRun(queue, workflowId, parsed.data));
    }
    switch (outcome.kind) {
      case 'missing':
        throw new RunNotFoundError({
          message: `No job for run ${workflowId} in this queue: it was never enqueued here, or its job was removed after the retention`,
        });
      case 'not-suspended':
        throw new RunNotResumableError({ message: `Run ${workflowId} is not waiting for a decision (its job is ${outcome.state})` });
      case 'claimed-elsewhere':
        throw new RunNotResumableError({
          message: `Run ${workflowId} is no longer waiting for this decision: another decision or its approval timeout came first`,
        });
      case 'requeued':
        if (outcome.expiresAt !== undefined) {
          // Best effort: a timeout job left behind finds the run no longer suspended there and does nothing.
          await queue.remove(approvalTimeoutJobId(workflowId, outcome.expiresAt)).catch((error: unknown) => onError(asError(error)));
        }
    }
  }

  async function cancel(workflowId: string): Promise<void> {
    assertOpen('cancel');
    if (!isWorkflowId(workflowId)) {
      throw new InvalidConfigError({
        message: 'queue.cancel: workflowId must be a workflow id returned by enqueue (wf- and 32 hex digits)',
      });
    }
    await onRedis('queue.cancel', async () => {
      // The state first, then the job (as `decide` reads them): the data written back is the job's latest.
      const state = await queue.getJobState(workflowId);
      const job = state === 'unknown' ? undefined : await queue.getJob(workflowId);
      if (job === undefined || state === 'unknown') {
        throw new RunNotFoundError({
          message: `No job for run ${workflowId} in this queue: it was never enqueued here, or it was removed`,
        });
      }
      if (state === 'completed' || state === 'failed') {
        throw new RunNotResumableError({ message: `Run ${workflowId} cannot be cancelled: its job has ${state}` });
      }
      if (state !== 'active') {
        // Not started: marked, so that whoever takes it up ends it at once; a delayed one (waiting for
        // an admission slot) is moved up. Either may race with a worker taking it: the message covers that.
        await job.updateData({ ...job.data, cancelled: true });
        if (state === 'delayed') await job.promote().catch(() => {});
      }
      await publishCancellation(queue, workflowId);
    });
  }

  function close(): Promise<void> {
    closePromise ??= queue.close().catch((error: unknown) => onError(asError(error)));
    return closePromise;
  }

  return Object.freeze({ enqueue, decide, cancel, close });
}
