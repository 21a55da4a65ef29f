import { createWorkflowQueue, type WorkflowQueue, type WorkflowWorker } from '@baton/bullmq';
import type { AgentEvent, RunStore } from '@baton/engine-contract';
import type { EngineFactory } from '@baton/engine-factory';
import type { WorkflowDefinition } from '@baton/orchestrator';
import type { AskRequest } from './ask-runner.js';
import { OpenRuns } from './open-runs.js';
import {
  type CancelRequest,
  cancelQueuedRun,
  cancelSessionRuns,
  decideQueuedRun,
  enqueueAsk,
  type QueuedRunDependencies,
} from './queued-runs.js';
import type { RedisBackend } from './redis-backend.js';
import { quitWithin } from './redis-connection-settings.js';
import type { DecisionRequest } from './run-decisions.js';
import type { Session } from './session-store.js';
import {
  bullmqPrefix,
  createBullmqConnections,
  DEMO_QUEUE_NAME,
  type DemoWorkerSettings,
  startDemoWorker,
  workerEventTap,
} from './worker-tier.js';

/** What an instance does in Redis mode: `web` (HTTP, sockets, enqueue), `worker` (runs jobs), or `both`. */
export type DemoRole = 'web' | 'worker' | 'both';
/** Every role, for validation and messages. */
export const DEMO_ROLES: readonly DemoRole[] = ['web', 'worker', 'both'];

/** Options of `createRedisRunTier`. */
export interface RedisRunTierOptions {
  redis: RedisBackend;
  /** The Redis URL (BullMQ gets connections of its own). */
  url: string;
  /** How long one command of BullMQ's connections may wait for its reply (ms); see `redis-connection-settings.ts`. */
  commandTimeoutMs: number;
  role: DemoRole;
  /** The records every instance shares (the worker writes them; the web side checks decisions against them). */
  store: RunStore;
  workflow: WorkflowDefinition;
  sessionTtlMs: number;
  now: () => number;
  threadIdOf: (session: Session) => string;
  worker?: DemoWorkerSettings | undefined;
  log: {
    info(details: object, message: string): void;
    warn(details: object, message: string): void;
    error(details: object, message: string): void;
  };
}

/** The Redis-mode run tier of one instance: its web side (a BullMQ queue) and, by role, a worker. */
export interface RedisRunTier {
  /** Queues an ask (web roles). */
  ask(request: AskRequest): Promise<void>;
  cancel(request: CancelRequest): Promise<void>;
  decide(request: DecisionRequest): Promise<void>;
  /** A logout: cancels the session's unfinished runs. Never rejects. */
  sessionEnded(sessionId: string): Promise<void>;
  /** Pass every event of this instance's engines here (the factory's `onEvent`, next to the bus's `publish`). */
  onEvent(event: AgentEvent): void;
  /** Starts the worker (roles `worker` and `both`) on `factory`; `instanceId` names this instance in the log. Idempotent. */
  start(factory: Pick<EngineFactory, 'createEngine'>, instanceId: string): void;
  /** Closes the worker: running runs get their grace, then are interrupted and handed back to the queue. Never rejects. */
  closeWorker(): Promise<void>;
  /** Closes the queue and BullMQ's connections (after `closeWorker`). Never rejects. */
  close(): Promise<void>;
}

/**
 * The worker tier of the demo (@baton/bullmq) seen from one instance: with a web role, asks, cancels
 * and decisions go through the shared queue; with a worker role, this instance also takes runs from
 * it. Every instance, whatever its role, shares one queue (`DEMO_QUEUE_NAME` under the demo's key prefix).
 */
export function createRedisRunTier(options: RedisRunTierOptions): RedisRunTier {
  const { redis, role, log } = options;
  const connections = createBullmqConnections(options.url, redis.keyPrefix, options.commandTimeoutMs);
  const queue: WorkflowQueue = createWorkflowQueue({
    connection: connections.queue,
    queueName: DEMO_QUEUE_NAME,
    prefix: bullmqPrefix(redis.keyPrefix),
    onError: (error) => log.warn({ err: error }, 'run queue error'),
  });
  const openRuns = new OpenRuns({ client: redis.client, keyPrefix: redis.keyPrefix, sessionTtlMs: options.sessionTtlMs });
  const queued: QueuedRunDependencies = {
    queue,
    openRuns,
    events: redis.delivery,
    store: options.store,
    workflowName: options.workflow.id,
    threadIdOf: options.threadIdOf,
    log,
  };
  let worker: WorkflowWorker | undefined;
  let tap: ((event: AgentEvent) => void) | undefined;
  let closing: Promise<void> | undefined;
  return {
    ask: (request) => enqueueAsk(queued, request),
    cancel: (request) => cancelQueuedRun(queued, request),
    decide: (request) => decideQueuedRun(queued, request),
    sessionEnded: (sessionId) => cancelSessionRuns(queued, sessionId),
    onEvent(event) {
      tap?.(event);
    },
    start(factory, instanceId) {
      if (role === 'web' || worker || closing) return;
      tap = workerEventTap({ openRuns, instanceId, log });
      worker = startDemoWorker({
        ...options.worker,
        connection: connections.worker,
        keyPrefix: redis.keyPrefix,
        factory,
        workflow: options.workflow,
        store: options.store,
        now: options.now,
        log,
      });
    },
    async closeWorker() {
      await worker?.close();
    },
    close() {
      closing ??= (async () => {
        await worker?.close();
        await queue.close();
        await Promise.all([connections.queue, connections.worker].map((client) => quitWithin(client, options.commandTimeoutMs)));
      })();
      return closing;
    },
  };
}
