import { createWorkflowQueue, createWorkflowWorker, type WorkflowWorker, workflowIdFor } from '@baton/bullmq';
import { createUserExecutionContext, defineAgent, type RunStore } from '@baton/engine-contract';
import { createEngineFactory, type EngineFactory } from '@baton/engine-factory';
import { defineWorkflow, WorkflowOrchestrator } from '@baton/orchestrator';
import { createRedisRunStore } from '@baton/redis';
import { Queue } from 'bullmq';
import { sink } from './fixtures.js';
import { RunClock } from './run-clock.js';

// The contenders of the worker-tier case (cases/worker-tier.ts): the same workflow in process and
// through a BullMQ tier, each reporting its runs' first and last events to its own RunClock.

/** The stages of the workflow every contender runs (trivial async agents, as in case 7). */
export const STAGES = ['collect', 'clean', 'analyse', 'summarise', 'publish'] as const;
/** Runs in flight at once, for every contender: the in-process pool's width, and the tier's slots in all (workers × concurrency). */
export const SLOTS = 16;
const INPUT = { question: 'q' };

const agents = STAGES.map((name) => defineAgent({ name, run: async () => ({ from: name, rows: [1, 2, 3] }) }));
const workflow = defineWorkflow({ id: 'bench-worker-tier', stages: [...STAGES] });

/** A store that can be closed (the Redis one holds a connection). */
export type ClosableStore = RunStore & { close?: () => Promise<void> };

/** The ids of one run: a user of its own (so that no per-user limit throttles), a run id used once in the case. */
export interface RunIds {
  userId: string;
  threadId: string;
  runId: string;
}

/** One side of the comparison. */
export interface Contender {
  name: string;
  /** Short, for row keys and user ids (`in-process-redis`, `bullmq-2w`). */
  key: string;
  clock: RunClock;
  /**
   * Runs a burst starts at once: the pool's width in process; every run for a queue, which holds the
   * ones that wait (the tier's slots bound how many run).
   */
  burstWidth: (runs: number) => number;
  /** Starts one run and resolves once it completed (`workflow_completed`, after the record). */
  runOne: (ids: RunIds) => Promise<void>;
  close: () => Promise<void>;
  /** Errors reported to `onError` (BullMQ connection errors, jobs that could not be handed back). */
  errors: Error[];
}

/** In process: `createEngine` per run, `orchestrator.run`, `dispose` after, as a worker does for each job (minus the queue). */
export function inProcessContender(name: string, key: string, store: ClosableStore): Contender {
  const clock = new RunClock();
  const factory = createEngineFactory({ agents, onEvent: clock.onEvent });
  return {
    name,
    key,
    clock,
    burstWidth: () => SLOTS,
    runOne: async (ids) => {
      const workflowId = workflowIdFor(ids.userId, ids.runId);
      const completed = clock.submit(workflowId);
      const userContext = createUserExecutionContext(ids);
      const engine = await factory.createEngine(userContext);
      try {
        const result = await new WorkflowOrchestrator({ engine, workflow, store }).run({ input: INPUT, userContext }, { workflowId });
        sink.value += result.stages.length;
      } finally {
        await engine.dispose();
      }
      await completed;
    },
    close: async () => {
      await factory.shutdown();
      await store.close?.();
    },
    errors: [],
  };
}

/** Where one tier's jobs and records live on the shared Redis: nothing of another contender mixes in. */
export interface TierLocation {
  queueName: string;
  prefix: string;
  keyPrefix: string;
}

/**
 * `workers` workers in this process, each with its own factory (default in-memory admission), Redis run
 * store and BullMQ connections, as separate machines would have, and `SLOTS / workers` concurrency;
 * the bench enqueues through its own queue, as a web instance does.
 */
export function bullmqContender(workers: number, redisUrl: string, location: TierLocation): Contender {
  const clock = new RunClock();
  const errors: Error[] = [];
  const onError = (error: Error) => errors.push(error);
  const connection = { url: redisUrl };
  const tier: Array<{ worker: WorkflowWorker; factory: EngineFactory; store: ClosableStore }> = [];
  for (let index = 0; index < workers; index++) {
    const factory = createEngineFactory({ agents, onEvent: clock.onEvent });
    const store = createRedisRunStore({ redis: redisUrl, keyPrefix: location.keyPrefix });
    const worker = createWorkflowWorker({
      connection,
      queueName: location.queueName,
      prefix: location.prefix,
      factory,
      workflows: { [workflow.id]: workflow },
      store,
      concurrency: SLOTS / workers,
      onError,
    });
    tier.push({ worker, factory, store });
  }
  const queue = createWorkflowQueue({ connection, queueName: location.queueName, prefix: location.prefix, onError });
  return {
    name: `BullMQ, ${workers} worker${workers === 1 ? '' : 's'} × concurrency ${SLOTS / workers}`,
    key: `bullmq-${workers}w`,
    clock,
    burstWidth: (runs) => runs,
    runOne: async (ids) => {
      const completed = clock.submit(workflowIdFor(ids.userId, ids.runId));
      await queue.enqueue({ ...ids, workflowName: workflow.id, input: INPUT });
      await completed;
    },
    close: async () => {
      await Promise.all(tier.map(({ worker }) => worker.close()));
      await queue.close();
      for (const { factory, store } of tier) {
        await factory.shutdown();
        await store.close?.();
      }
    },
    errors,
  };
}

/** Obliterates every tier's queue and deletes every key under `pattern` (the BullMQ prefixes and the stores' key prefixes). */
export async function cleanUpRedis(redisUrl: string, locations: readonly TierLocation[], pattern: string): Promise<void> {
  const queues = locations.map(({ queueName, prefix }) => new Queue(queueName, { connection: { url: redisUrl }, prefix }));
  try {
    for (const queue of queues) await queue.obliterate({ force: true });
    const [first] = queues;
    if (first === undefined) return;
    const client = await first.backend.client;
    let cursor = '0';
    do {
      const [nextCursor, keys] = await client.scan(cursor, { MATCH: pattern, COUNT: 1000 });
      if (keys.length > 0) await client.del(...keys);
      cursor = nextCursor;
    } while (cursor !== '0');
  } finally {
    await Promise.all(queues.map((queue) => queue.close()));
  }
}
