import { InvalidConfigError } from '@baton/engine-contract';
import { Queue, Worker, type WorkerOptions } from 'bullmq';
import { admissionBackoffMs, DEFAULT_ADMISSION_BACKOFF } from './admission-backoff.js';
import { asError, safeErrorHandler, warnOnError } from './error-handler.js';
import { bullmqLocation, DEFAULT_QUEUE_NAME } from './queue-options.js';
import { subscribeToCancellations } from './run-cancellation.js';
import { RunningRuns } from './running-runs.js';
import { createJobProcessor } from './workflow-job-processor.js';
import {
  DEFAULT_CLOSE_GRACE_MS,
  DEFAULT_MAX_STALLED_COUNT,
  parseWorkerOptions,
  type WorkflowWorkerOptions,
} from './workflow-worker-options.js';

/** A running worker of the workflow queue. */
export interface WorkflowWorker {
  /**
   * Stops taking jobs, lets the running ones finish for up to `closeGraceMs`, then interrupts the rest:
   * their records become `interrupted` (no `workflow_completed`) and their jobs go back to the queue,
   * where another worker resumes them. Resolves once everything is released; never rejects (failures
   * go to `onError`). Idempotent.
   */
  close(): Promise<void>;
  /** Resolves when a `close()` has finished. */
  readonly closed: Promise<void>;
}

function bullmqWorkerOptions(options: WorkflowWorkerOptions): WorkerOptions {
  const workerOptions: WorkerOptions = {
    ...bullmqLocation(options),
    // Started by hand below, once the error listener is attached, so that run()'s rejection reaches onError.
    autorun: false,
    concurrency: options.concurrency ?? 1,
    // BullMQ's default (1) fails a job the second time its worker dies: a run that is resumed after
    // every crash must survive a few of them. Each stall still counts, so a job that kills every
    // worker that takes it up (a poison job) ends failed after this many.
    maxStalledCount: options.maxStalledCount ?? DEFAULT_MAX_STALLED_COUNT,
  };
  // Only when given: BullMQ merges its defaults with Object.assign, so an explicit undefined would erase them.
  if (options.lockDurationMs !== undefined) workerOptions.lockDuration = options.lockDurationMs;
  if (options.stalledIntervalMs !== undefined) workerOptions.stalledInterval = options.stalledIntervalMs;
  return workerOptions;
}

/**
 * Runs workflow jobs of the queue: for each job, the user's execution context, an engine from
 * `factory` (admission included: a user at the limit waits, delayed with back-off), and `run()` — or
 * `resume()` when the store already has the run's record (BullMQ moved the job back after its worker
 * died, or a decision came). A finished record completes the job without running anything; an unknown
 * `workflowName` fails it (`UNKNOWN_WORKFLOW`). Events flow through the factory's `onEvent` as always.
 * BullMQ's locks and stalled-job detection decide which worker runs or resumes what.
 * @throws InvalidConfigError for bad options (the message names the option), or options BullMQ refuses
 * (e.g. an ioredis client without `maxRetriesPerRequest: null`).
 * @example
 * const worker = createWorkflowWorker({ connection, factory, workflows: { article }, store });
 * process.once('SIGTERM', () => void worker.close());
 */
export function createWorkflowWorker(options: WorkflowWorkerOptions): WorkflowWorker {
  const settings = parseWorkerOptions(options);
  const onError = safeErrorHandler(settings.onError ?? warnOnError);
  const queueName = settings.queueName ?? DEFAULT_QUEUE_NAME;
  const closeGraceMs = settings.closeGraceMs ?? DEFAULT_CLOSE_GRACE_MS;
  const backoff = { ...DEFAULT_ADMISSION_BACKOFF, ...settings.admissionBackoff };
  const runs = new RunningRuns();
  let closing = false;

  const refused = (error: unknown): InvalidConfigError =>
    new InvalidConfigError({ message: `createWorkflowWorker: BullMQ refused the options: ${asError(error).message}`, cause: error });
  let queue: Queue;
  try {
    // The worker's own queue handle: approval timeouts are added, and timed-out runs re-added, through it.
    queue = new Queue(queueName, bullmqLocation(settings));
  } catch (error) {
    throw refused(error);
  }
  queue.on('error', (error) => onError(asError(error)));
  // `queue.cancel` of a run this worker holds (or takes up next) reaches it here, on any machine.
  const cancellations = subscribeToCancellations(queue, (workflowId) => runs.cancel(workflowId), onError).catch((error: unknown) => {
    onError(asError(error));
    return undefined;
  });
  const processor = createJobProcessor({
    factory: settings.factory,
    workflows: new Map(Object.entries(settings.workflows)),
    store: settings.store,
    queue,
    runs,
    isClosing: () => closing,
    now: settings.now ?? Date.now,
    retryDelayMs: (attempt) => admissionBackoffMs(attempt, backoff),
    onError,
  });
  let worker: Worker;
  try {
    // Two parameters: BullMQ makes no per-job AbortController of its own; runs have ours (RunningRuns).
    worker = new Worker(queueName, (job, token) => processor(job, token), bullmqWorkerOptions(settings));
  } catch (error) {
    void queue.close().catch(() => {});
    throw refused(error);
  }
  worker.on('error', (error) => onError(asError(error)));
  // The lock is gone, so BullMQ may already have handed the job to another worker: stop our copy of the
  // run early (it is recorded `interrupted`) rather than let two workers run its stages side by side.
  worker.on('lockRenewalFailed', (jobIds) => {
    for (const jobId of jobIds) runs.interrupt(jobId, `Worker ${worker.id} lost the lock of job ${jobId}; another worker resumes the run`);
  });
  const running = worker.run().catch((error: unknown) => onError(asError(error)));

  let closePromise: Promise<void> | undefined;
  let resolveClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });

  async function shutDown(): Promise<void> {
    closing = true;
    const grace = setTimeout(() => {
      runs.interruptAll(`Worker ${worker.id} closed and its grace period of ${closeGraceMs} ms ended; another worker resumes the run`);
    }, closeGraceMs);
    try {
      // Stops fetching at once, waits for the running jobs (finished, or interrupted and handed back).
      await worker.close();
    } catch (error) {
      onError(asError(error));
    } finally {
      clearTimeout(grace);
    }
    await running;
    await (await cancellations)?.();
    try {
      await queue.close();
    } catch (error) {
      onError(asError(error));
    }
  }

  return Object.freeze({
    close(): Promise<void> {
      closePromise ??= shutDown().then(resolveClosed);
      return closePromise;
    },
    closed,
  });
}
