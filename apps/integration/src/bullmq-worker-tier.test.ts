import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createWorkflowQueue, type WorkflowQueue, workflowIdFor } from '@baton/bullmq';
import type { AgentEvent, RunRecord } from '@baton/engine-contract';
import { createRedisEventBus, createRedisRunStore, type RedisEventBus, type RedisRunStore } from '@baton/redis';
import { Job, Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { usePrivateRedis } from './support/private-redis.js';
import { type ReportingChild, startReportingChild } from './support/reporting-child.js';

// The worker tier as a deployment breaks it: worker processes on one Redis, one of them killed with
// SIGKILL (or closed) in the middle of a run, and BullMQ's stalled-job check handing the run to
// another worker, which resumes it from its record. The test process is the web tier: it enqueues,
// and it is the "third process" that follows the users' event streams. No timers decide anything:
// each step waits for what the processes report or for the state in Redis.

type Message =
  | { kind: 'ready' }
  | { kind: 'closed' }
  | { kind: 'call'; worker: string; stage: string; userId: string; runId: string }
  | { kind: 'error'; message: string };

const WORKER = fileURLToPath(new URL('./__fixtures__/bullmq-worker-process.mjs', import.meta.url));
const STAGES = ['collect', 'clean', 'analyse', 'summarise', 'publish'];

const redis = usePrivateRedis('the worker-tier tests');
const children: Array<ReportingChild<Message>> = [];
const closing: Array<{ close(): Promise<unknown> }> = [];

afterEach(async () => {
  for (const child of children.splice(0)) if (child.child.exitCode === null && child.child.signalCode === null) child.child.kill('SIGKILL');
  await Promise.all(closing.splice(0).map((resource) => resource.close()));
});

/** One deployment's names: its own queue, BullMQ prefix and Baton key prefix on the shared Redis. */
function deployment() {
  const id = randomUUID();
  return { queueName: `tier-${id}`, prefix: `bull-${id}`, keyPrefix: `tier-${id}:` };
}
type Deployment = ReturnType<typeof deployment>;

interface WorkerSettings {
  concurrency?: number;
  hang?: { stage: string };
  maxEnginesPerUser?: number;
}

/** Starts a worker process and waits until its BullMQ worker runs. */
async function startWorker(name: string, names: Deployment, settings: WorkerSettings = {}): Promise<ReportingChild<Message>> {
  const child = startReportingChild<Message>(WORKER, {
    name,
    redisUrl: redis.url,
    ...names,
    concurrency: settings.concurrency ?? 1,
    // A dead worker's jobs move on after about lockDurationMs + stalledIntervalMs. Long enough that a
    // live worker on a busy machine never misses a lock or lease renewal (every half and third of
    // them), short enough for the test; only how long the tests take depends on them.
    lockDurationMs: 5_000,
    stalledIntervalMs: 1_000,
    closeGraceMs: 200,
    leaseTtlMs: 3_000,
    maxEnginesPerUser: settings.maxEnginesPerUser ?? 2,
    ...(settings.hang === undefined ? {} : { hang: settings.hang }),
  });
  children.push(child);
  await child.until((message) => message.kind === 'ready');
  return child;
}

function webTier(names: Deployment): { queue: WorkflowQueue; store: RedisRunStore; bus: RedisEventBus } {
  const url = new URL(redis.url);
  const queue = createWorkflowQueue({
    connection: { host: url.hostname, port: Number(url.port) },
    queueName: names.queueName,
    prefix: names.prefix,
  });
  const store = createRedisRunStore({ redis: redis.url, keyPrefix: names.keyPrefix });
  const bus = createRedisEventBus({ redis: redis.url, keyPrefix: names.keyPrefix });
  closing.push(queue, store, bus);
  return { queue, store, bus };
}

/** Follows `userId`'s stream from the start; `until` resolves once an event matches. */
function follow(bus: RedisEventBus, userId: string) {
  const controller = new AbortController();
  const events: AgentEvent[] = [];
  const waiters: Array<{ matches: (event: AgentEvent) => boolean; resolve: () => void }> = [];
  const done = (async () => {
    for await (const { event } of bus.subscribe(userId, { fromId: '0', signal: controller.signal })) {
      events.push(event);
      for (const waiter of waiters) if (waiter.matches(event)) waiter.resolve();
    }
  })();
  closing.push({
    close: async () => {
      controller.abort();
      await done;
    },
  });
  return {
    events,
    until(matches: (event: AgentEvent) => boolean): Promise<void> {
      if (events.some(matches)) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ matches, resolve }));
    },
  };
}

/** Resolves once the store's record of `workflowId` has finished. */
async function finished(store: RedisRunStore, bus: RedisEventBus, userId: string, workflowId: string): Promise<RunRecord> {
  const stream = follow(bus, userId);
  await stream.until((event) => event.type === 'workflow_completed' && event.workflowId === workflowId);
  return (await store.get(workflowId)) as RunRecord;
}

const callsOf = (children: Array<ReportingChild<Message>>) =>
  children.flatMap((child) => child.messages).filter((message): message is Extract<Message, { kind: 'call' }> => message.kind === 'call');

/**
 * The queue's job counts once BullMQ has finished every job of `workflowIds` (job id = workflowId).
 * A run's workflow_completed is published by the processor before BullMQ moves its job to completed,
 * so the counts are read after BullMQ's own `completed` events, not after the run's events.
 */
async function queueCountsWhenFinished(names: Deployment, workflowIds: readonly string[]): Promise<Record<string, number>> {
  const url = new URL(redis.url);
  const connection = { host: url.hostname, port: Number(url.port) };
  const queue = new Queue(names.queueName, { connection, prefix: names.prefix });
  const queueEvents = new QueueEvents(names.queueName, { connection, prefix: names.prefix });
  try {
    await queueEvents.waitUntilReady();
    await Promise.all(
      workflowIds.map(async (workflowId) => {
        // Removed already (removeOnComplete): finished.
        const job = await Job.fromId(queue, workflowId);
        await job?.waitUntilFinished(queueEvents);
      }),
    );
    return await queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized', 'waiting-children');
  } finally {
    await queueEvents.close();
    await queue.close();
  }
}

describe('the worker tier on BullMQ, with worker processes', () => {
  it('a worker killed with SIGKILL in stage 3: another resumes the run after the stalled check; stages 1-2 ran once in all', async () => {
    const names = deployment();
    const { queue, store, bus } = webTier(names);
    const first = await startWorker('A', names, { hang: { stage: 'analyse' } });
    const stream = follow(bus, 'alice');
    const { workflowId } = await queue.enqueue({
      userId: 'alice',
      threadId: 't-1',
      runId: 'r-1',
      workflowName: 'five-stages',
      input: 'why?',
    });
    expect(workflowId).toBe(workflowIdFor('alice', 'r-1'));
    await first.until((message) => message.kind === 'call' && message.stage === 'analyse');
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    expect(await store.get(workflowId)).toMatchObject({ status: 'running', stages: [{ agentName: 'collect' }, { agentName: 'clean' }] });

    const second = await startWorker('B', names);
    await stream.until((event) => event.type === 'workflow_completed' && event.workflowId === workflowId);

    const calls = callsOf([first, second]).filter((call) => call.userId === 'alice');
    expect(STAGES.map((stage) => calls.filter((call) => call.stage === stage).length)).toEqual([1, 1, 2, 1, 1]);
    expect(calls.filter((call) => call.worker === 'B').map((call) => call.stage)).toEqual(['analyse', 'summarise', 'publish']);
    // The subscriber (this process) saw the first worker's events, then the second's: workflow_resumed
    // first, in order (seq per engine), and only alice's ids.
    const workflowEvents = stream.events.filter((event) => event.type.startsWith('workflow_')).map((event) => event.type);
    expect(workflowEvents).toEqual(['workflow_started', 'workflow_planned', 'workflow_resumed', 'workflow_planned', 'workflow_completed']);
    const resumed = stream.events.find((event) => event.type === 'workflow_resumed');
    expect(resumed).toMatchObject({ workflowId, completedStages: ['collect', 'clean'] });
    const secondEngine = stream.events.filter((event) => event.engineId === resumed?.engineId);
    expect(secondEngine.map((event) => event.seq)).toEqual(secondEngine.map((_, index) => index));
    expect(new Set(stream.events.map((event) => event.userId))).toEqual(new Set(['alice']));
    expect(await store.get(workflowId)).toMatchObject({ status: 'succeeded', result: { status: 'succeeded' } });
    expect(await queueCountsWhenFinished(names, [workflowId])).toMatchObject({ waiting: 0, active: 0, delayed: 0, failed: 0 });
  }, 120_000);

  it('close() interrupts a running job after its grace: the record is interrupted and another worker resumes it', async () => {
    const names = deployment();
    const { queue, store, bus } = webTier(names);
    const first = await startWorker('A', names, { hang: { stage: 'summarise' } });
    const { workflowId } = await queue.enqueue({ userId: 'bob', threadId: 't-1', runId: 'r-1', workflowName: 'five-stages', input: 'q' });
    await first.until((message) => message.kind === 'call' && message.stage === 'summarise');
    first.child.kill('SIGTERM');
    await first.until((message) => message.kind === 'closed');
    const interrupted = await store.get(workflowId);
    expect(interrupted?.status).toBe('interrupted');
    const stream = follow(bus, 'bob');
    const second = await startWorker('B', names);
    const record = await finished(store, bus, 'bob', workflowId);
    expect(record.status).toBe('succeeded');
    // No workflow_completed from the closed worker: one in all, after workflow_resumed.
    await stream.until((event) => event.type === 'workflow_completed');
    expect(stream.events.filter((event) => event.type === 'workflow_completed')).toHaveLength(1);
    expect(stream.events.find((event) => event.type === 'workflow_resumed')).toMatchObject({
      completedStages: ['collect', 'clean', 'analyse'],
    });
    expect(callsOf([second]).map((call) => call.stage)).toEqual(['summarise', 'publish']);
  }, 120_000);

  it('200 runs of 50 users on 3 workers, one killed mid-way: each completes once, no cross-user event, limits held, queue empty', async () => {
    const names = deployment();
    const { queue, store, bus } = webTier(names);
    const LIMIT = 2;
    // Worker A's runs all stop in stage 3: once its six slots hold such a run, it is killed with them.
    const workers = [
      await startWorker('A', names, { concurrency: 6, maxEnginesPerUser: LIMIT, hang: { stage: 'analyse' } }),
      await startWorker('B', names, { concurrency: 6, maxEnginesPerUser: LIMIT }),
      await startWorker('C', names, { concurrency: 6, maxEnginesPerUser: LIMIT }),
    ];
    const users = Array.from({ length: 50 }, (_, index) => `user-${index}`);
    const runs = users.flatMap((userId) => Array.from({ length: 4 }, (_, index) => ({ userId, runId: `run-${index}` })));

    // The admission, sampled while the runs go: live leases per user never exceed the limit.
    const sampler = new Redis(redis.url);
    let sampling = true;
    let samples = 0;
    let highest = 0;
    const sampled = (async () => {
      while (sampling) {
        const [seconds, micros] = (await sampler.time()) as unknown as [string, string];
        const nowMs = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
        const pipeline = sampler.pipeline();
        for (const userId of users) pipeline.zcount(`${names.keyPrefix}admission:${userId}`, `(${nowMs}`, '+inf');
        for (const [, count] of (await pipeline.exec()) ?? []) highest = Math.max(highest, Number(count));
        samples++;
      }
    })();

    const ids = await Promise.all(
      runs.map(({ userId, runId }) =>
        queue.enqueue({ userId, threadId: 'thread', runId, workflowName: 'five-stages', input: { userId, runId } }),
      ),
    );
    const killed = workers[0] as ReportingChild<Message>;
    const cutOff = () => callsOf([killed]).filter((call) => call.stage === 'analyse');
    await killed.until(() => cutOff().length === 6);
    killed.child.kill('SIGKILL');

    const completions = new Map<string, number>();
    const crossUser: AgentEvent[] = [];
    const streams = users.map((userId) => ({ userId, stream: follow(bus, userId) }));
    await Promise.all(
      streams.map(async ({ userId, stream }) => {
        const mine = runs.filter((run) => run.userId === userId).map((run) => workflowIdFor(run.userId, run.runId));
        await stream.until(() =>
          mine.every((id) => stream.events.some((event) => event.type === 'workflow_completed' && event.workflowId === id)),
        );
        const runIds = new Set(runs.filter((run) => run.userId === userId).map((run) => run.runId));
        for (const event of stream.events) {
          if (event.userId !== userId || !runIds.has(event.runId)) crossUser.push(event);
          if (event.type === 'workflow_completed') completions.set(event.workflowId, (completions.get(event.workflowId) ?? 0) + 1);
        }
      }),
    );
    sampling = false;
    await sampled;
    sampler.disconnect();

    expect(crossUser).toEqual([]);
    expect(ids.map(({ workflowId }) => completions.get(workflowId))).toEqual(ids.map(() => 1));
    const records = await Promise.all(ids.map(({ workflowId }) => store.get(workflowId)));
    expect(records.map((record) => record?.status)).toEqual(ids.map(() => 'succeeded'));
    expect(samples).toBeGreaterThan(0);
    expect(highest).toBeLessThanOrEqual(LIMIT);
    // Each stage ran once per run, but stage 3 of the six runs cut off on worker A: twice. Those six
    // were resumed on B or C (workflow_resumed after collect and clean).
    const calls = callsOf(workers);
    const cut = new Set(cutOff().map((call) => `${call.userId}/${call.runId}`));
    expect(cut.size).toBe(6);
    for (const { userId, runId } of runs) {
      const ofRun = calls.filter((call) => call.userId === userId && call.runId === runId);
      const twice = cut.has(`${userId}/${runId}`) ? 'analyse' : undefined;
      expect(
        STAGES.map((stage) => ofRun.filter((call) => call.stage === stage).length),
        `${userId}/${runId}`,
      ).toEqual(STAGES.map((stage) => (stage === twice ? 2 : 1)));
    }
    const resumed = streams.flatMap(({ stream }) => stream.events.filter((event) => event.type === 'workflow_resumed'));
    expect(resumed.map((event) => `${event.userId}/${event.runId}`).sort()).toEqual([...cut].sort());
    expect(
      await queueCountsWhenFinished(
        names,
        ids.map(({ workflowId }) => workflowId),
      ),
    ).toMatchObject({ waiting: 0, active: 0, delayed: 0, failed: 0 });
  }, 240_000);
});
