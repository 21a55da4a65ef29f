import { randomUUID } from 'node:crypto';
import {
  type AgentContext,
  type AgentEvent,
  type AnyAgentDefinition,
  defineAgent,
  type EngineLimitsInput,
  type UserAdmission,
} from '@baton/engine-contract';
import { createEngineFactory, type EngineFactory } from '@baton/engine-factory';
import { createRedisRunStore, type RedisRunStore } from '@baton/redis';
import { Queue, QueueEvents } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { afterEach, inject } from 'vitest';
import { createWorkflowQueue, type WorkflowQueue, type WorkflowQueueOptions } from '../workflow-queue.js';
import { createWorkflowWorker, type WorkflowWorker } from '../workflow-worker.js';
import type { WorkflowWorkerOptions } from '../workflow-worker-options.js';

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  const pending = cleanups.splice(0).reverse();
  for (const cleanup of pending) await cleanup();
});

/** Runs `cleanup` after the current test (last registered first). */
export function onCleanup(cleanup: () => Promise<void> | void): void {
  cleanups.push(cleanup);
}

/** The Redis URL provided by the global setup. */
export function redisUrl(): string {
  return inject('redisUrl');
}

/** BullMQ connection options for the test Redis: BullMQ makes (and closes) its own connections. */
export function connectionOptions(): { host: string; port: number; password?: string } {
  const url = new URL(redisUrl());
  const options = { host: url.hostname, port: Number(url.port || 6379) };
  return url.password ? { ...options, password: decodeURIComponent(url.password) } : options;
}

/** A connected ioredis client, disconnected after the test. */
export function newClient(options: RedisOptions = {}): Redis {
  const client = new Redis(redisUrl(), options);
  client.on('error', () => {});
  onCleanup(() => client.disconnect());
  return client;
}

/** A queue name and BullMQ prefix no other test uses; their keys are deleted after the test. */
export function uniqueLocation(): { queueName: string; prefix: string } {
  const suffix = randomUUID();
  const location = { queueName: `workflows-${suffix}`, prefix: `test-${suffix}` };
  onCleanup(async () => {
    const client = new Redis(redisUrl());
    try {
      const keys = await client.keys(`${location.prefix}*`);
      if (keys.length > 0) await client.del(...keys);
    } finally {
      client.disconnect();
    }
  });
  return location;
}

/** A promise with its resolve function outside. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => {};
  const promise = new Promise<T>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}

/** Resolves when `signal` aborts: an agent that never finishes on its own. */
export function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
}

/** One call of a test agent. */
export interface AgentCall {
  readonly agent: string;
  readonly userId: string;
  readonly input: unknown;
}

type AgentBehaviour = (input: unknown, ctx: AgentContext) => unknown;

/** Agents named `names` that record their calls and return `{ from: name }`, unless `overrides` says otherwise. */
export function recordingAgents(
  calls: AgentCall[],
  names: readonly string[],
  overrides: Record<string, AgentBehaviour> = {},
): AnyAgentDefinition[] {
  return names.map((name) =>
    defineAgent({
      name,
      run: async (input: unknown, ctx: AgentContext) => {
        calls.push({ agent: name, userId: ctx.userContext.userId, input });
        const behaviour = overrides[name];
        return behaviour === undefined ? { from: name } : behaviour(input, ctx);
      },
    }),
  );
}

/** A factory whose events land in `events`; shut down after the test. */
export function newFactory(options: { agents: AnyAgentDefinition[]; admission?: UserAdmission; limits?: EngineLimitsInput }): {
  factory: EngineFactory;
  events: AgentEvent[];
} {
  const events: AgentEvent[] = [];
  const factory = createEngineFactory({ ...options, onEvent: (event) => events.push(event) });
  onCleanup(() => factory.shutdown());
  return { factory, events };
}

const storePrefixes = new WeakMap<RedisRunStore, string>();

/** A Redis run store under its own key prefix; closed (and its keys deleted) after the test. */
export function newStore(options: { now?: () => number } = {}): RedisRunStore {
  const keyPrefix = `test-store-${randomUUID()}:`;
  const store = createRedisRunStore({ redis: redisUrl(), keyPrefix, ...options });
  storePrefixes.set(store, keyPrefix);
  onCleanup(async () => {
    await store.close();
    const client = new Redis(redisUrl());
    try {
      const keys = await client.keys(`${keyPrefix}*`);
      if (keys.length > 0) await client.del(...keys);
    } finally {
      client.disconnect();
    }
  });
  return store;
}

/** Another client of the runs of `store` (as a second machine would have); closed after the test. */
export function storeSharing(store: RedisRunStore, options: { now?: () => number } = {}): RedisRunStore {
  const keyPrefix = storePrefixes.get(store);
  if (keyPrefix === undefined) throw new Error('storeSharing: not a store made by newStore');
  const other = createRedisRunStore({ redis: redisUrl(), keyPrefix, ...options });
  onCleanup(() => other.close());
  return other;
}

/** A workflow queue at `location`, closed after the test. */
export function newQueue(location: { queueName: string; prefix: string }, options: Partial<WorkflowQueueOptions> = {}): WorkflowQueue {
  const queue = createWorkflowQueue({ connection: connectionOptions(), ...location, ...options });
  onCleanup(() => queue.close());
  return queue;
}

/** A plain BullMQ queue handle at `location`, to look at jobs; closed after the test. */
export function inspectQueue(location: { queueName: string; prefix: string }): Queue {
  const queue = new Queue(location.queueName, { connection: connectionOptions(), prefix: location.prefix });
  queue.on('error', () => {});
  onCleanup(() => queue.close());
  return queue;
}

/** A worker at `location`, closed after the test (with a short grace, so a hung run cannot hold the teardown). */
export function startWorker(
  location: { queueName: string; prefix: string },
  options: Omit<WorkflowWorkerOptions, 'connection' | 'queueName' | 'prefix'>,
): WorkflowWorker {
  const worker = createWorkflowWorker({ connection: connectionOptions(), ...location, closeGraceMs: 500, ...options });
  onCleanup(() => worker.close());
  return worker;
}

/** One event of a BullMQ queue, as `QueueEvents` reports it. */
export interface QueueEventRecord {
  readonly name: 'completed' | 'failed' | 'delayed' | 'waiting' | 'active' | 'stalled';
  readonly jobId: string;
  readonly returnvalue?: unknown;
  readonly failedReason?: string;
}

/** Every event of the queue at `location` since it was created (replayed from the start of its stream), and a way to wait for one. */
export interface QueueEventLog {
  readonly records: QueueEventRecord[];
  /** Resolves with the `count`-th event (1-based) named `name` of job `jobId`, past or future. */
  until(name: QueueEventRecord['name'], jobId: string, count?: number): Promise<QueueEventRecord>;
}

/** Listens to the queue's events from the beginning of its event stream; closed after the test. */
export async function queueEvents(location: { queueName: string; prefix: string }): Promise<QueueEventLog> {
  const events = new QueueEvents(location.queueName, { connection: connectionOptions(), prefix: location.prefix, lastEventId: '0-0' });
  events.on('error', () => {});
  onCleanup(() => events.close());
  const records: QueueEventRecord[] = [];
  const waiters: { matches: (record: QueueEventRecord) => boolean; resolve: (record: QueueEventRecord) => void }[] = [];
  const add = (record: QueueEventRecord): void => {
    records.push(record);
    for (const waiter of [...waiters]) {
      if (waiter.matches(record)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(record);
      }
    }
  };
  events.on('completed', ({ jobId, returnvalue }) =>
    add({ name: 'completed', jobId, returnvalue: typeof returnvalue === 'string' ? JSON.parse(returnvalue) : returnvalue }),
  );
  events.on('failed', ({ jobId, failedReason }) => add({ name: 'failed', jobId, failedReason }));
  events.on('delayed', ({ jobId }) => add({ name: 'delayed', jobId }));
  events.on('waiting', ({ jobId }) => add({ name: 'waiting', jobId }));
  events.on('active', ({ jobId }) => add({ name: 'active', jobId }));
  events.on('stalled', ({ jobId }) => add({ name: 'stalled', jobId }));
  await events.waitUntilReady();
  return {
    records,
    until(name, jobId, count = 1) {
      let seen = 0;
      const matches = (record: QueueEventRecord): boolean => record.name === name && record.jobId === jobId && ++seen === count;
      const found = records.find(matches);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve) => waiters.push({ matches, resolve }));
    },
  };
}
