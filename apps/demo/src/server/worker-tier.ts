import { type AdmissionBackoffOptions, createWorkflowWorker, type WorkflowWorker } from '@baton/bullmq';
import type { AgentEvent, RunStore } from '@baton/engine-contract';
import type { EngineFactory } from '@baton/engine-factory';
import type { WorkflowDefinition } from '@baton/orchestrator';
import { Redis } from 'ioredis';
import type { OpenRuns } from './open-runs.js';
import { queueClientOptions, workerClientOptions } from './redis-connection-settings.js';

// Redis mode: the worker side of an instance (BATON_DEMO_ROLE worker or both). BullMQ decides which
// worker runs, or resumes, each run; this file only wires the demo's pieces into @baton/bullmq.

/** The BullMQ queue every instance of one deployment (same key prefix) shares. */
export const DEMO_QUEUE_NAME = 'demo-runs';
/** The default lock of a run's job (ms): a killed worker's runs move on after about 1.5 times this. BullMQ's default is 30000. */
export const DEFAULT_LOCK_DURATION_MS = 10_000;
/** How long `close()` lets running runs finish before it interrupts them and hands them to another worker (ms). */
export const DEFAULT_CLOSE_GRACE_MS = 5_000;
/** Runs one worker executes at once (each user's own limit of 3 still holds, across instances). */
export const DEFAULT_WORKER_CONCURRENCY = 8;
/**
 * A user's 4th run waits for a slot: short waits, since a person is watching its card (BullMQ's
 * delayed set; the library default, up to 30 s, suits batch work).
 */
export const DEMO_ADMISSION_BACKOFF: Readonly<Required<AdmissionBackoffOptions>> = Object.freeze({ baseMs: 250, maxMs: 2000 });

/** Tuning of an instance's worker (`createDemoServer({ worker })`); every field has a default. */
export interface DemoWorkerSettings {
  /** BullMQ's `lockDuration` (ms, main.ts: `BATON_DEMO_LOCK_MS`). Default 10000. */
  lockDurationMs?: number;
  /** BullMQ's `stalledInterval` (ms): how often lapsed locks are looked for. Default half of `lockDurationMs`. */
  stalledIntervalMs?: number;
  /** Grace of running runs at shutdown (ms). Default 5000. */
  closeGraceMs?: number;
  /** Default 8. */
  concurrency?: number;
  /** Default `DEMO_ADMISSION_BACKOFF`. */
  admissionBackoff?: AdmissionBackoffOptions;
}

/** BullMQ's key prefix for the demo's key prefix: its keys sit beside the demo's (`baton:bull:demo-runs:...`). */
export function bullmqPrefix(keyPrefix: string): string {
  return `${keyPrefix}bull`;
}

/**
 * The ioredis clients BullMQ works on, for the web side's queue and for this instance's worker (which
 * BullMQ duplicates for its blocking reads); see `queueClientOptions` and `workerClientOptions` for
 * how each fails. Their errors are the demo client's too (same Redis), which reports outages; the
 * caller closes them after the queue and the worker.
 */
export function createBullmqConnections(url: string, keyPrefix: string, commandTimeoutMs: number): { queue: Redis; worker: Redis } {
  const queue = new Redis(url, queueClientOptions(commandTimeoutMs, `${keyPrefix}demo-bullmq-queue`));
  const worker = new Redis(url, workerClientOptions(commandTimeoutMs, `${keyPrefix}demo-bullmq-worker`));
  for (const client of [queue, worker]) client.on('error', () => undefined);
  return { queue, worker };
}

/** Options of `startDemoWorker`. */
export interface DemoWorkerOptions extends DemoWorkerSettings {
  connection: Redis;
  keyPrefix: string;
  /** The factory every run's engine comes from: Redis admission, and the event bus as `onEvent`. */
  factory: Pick<EngineFactory, 'createEngine'>;
  workflow: WorkflowDefinition;
  store: RunStore;
  /** The orchestrator's clock (approval expiries). */
  now: () => number;
  log: { warn(details: object, message: string): void };
}

/**
 * Starts this instance's worker: it takes runs from the shared queue (`DEMO_QUEUE_NAME`), at most
 * `concurrency` at once, and runs or resumes each on an engine of `factory`. `close()` lets running
 * runs finish for `closeGraceMs`, then records them `interrupted` and hands their jobs back, so another
 * worker (or this instance once it is back) resumes them. A killed worker's runs are taken over by
 * another after about `lockDurationMs` + `stalledIntervalMs`.
 */
export function startDemoWorker(options: DemoWorkerOptions): WorkflowWorker {
  const lockDurationMs = options.lockDurationMs ?? DEFAULT_LOCK_DURATION_MS;
  return createWorkflowWorker({
    connection: options.connection,
    queueName: DEMO_QUEUE_NAME,
    prefix: bullmqPrefix(options.keyPrefix),
    factory: options.factory,
    workflows: { [options.workflow.id]: options.workflow },
    store: options.store,
    concurrency: options.concurrency ?? DEFAULT_WORKER_CONCURRENCY,
    lockDurationMs,
    stalledIntervalMs: options.stalledIntervalMs ?? Math.max(1, Math.round(lockDurationMs / 2)),
    closeGraceMs: options.closeGraceMs ?? DEFAULT_CLOSE_GRACE_MS,
    admissionBackoff: options.admissionBackoff ?? DEMO_ADMISSION_BACKOFF,
    now: options.now,
    onError: (error) => options.log.warn({ err: error }, 'worker tier error'),
  });
}

/** Options of `workerEventTap`. */
export interface WorkerEventTapOptions {
  openRuns: Pick<OpenRuns, 'remove'>;
  /** Named in the log line of every run this instance starts or resumes. */
  instanceId: string;
  log: { info(details: object, message: string): void };
}

/**
 * Sees every event of the runs this instance's worker executes (next to the bus's `publish`, in the
 * factory's `onEvent`): logs which instance runs each question (so a person can find the one to kill),
 * and frees the user's open-ask entry when the run ends or stops for a decision.
 */
export function workerEventTap(options: WorkerEventTapOptions): (event: AgentEvent) => void {
  const { openRuns, instanceId, log } = options;
  return (event) => {
    if (event.type === 'workflow_started' || event.type === 'workflow_resumed') {
      const what = event.type === 'workflow_started' ? 'runs' : 'resumes';
      log.info({ instance: instanceId, userId: event.userId, runId: event.runId }, `instance ${instanceId} ${what} run ${event.runId}`);
    } else if (event.type === 'workflow_completed' || event.type === 'workflow_suspended') {
      void openRuns.remove(event.userId, event.runId);
    }
  };
}
