import { type AgentRunResult, InMemoryRunStore, InMemoryUserAdmission, InvalidConfigError, type RunStore } from '@baton/engine-contract';
import { defineWorkflow } from '@baton/orchestrator';
import { describe, expect, it } from 'vitest';
import {
  type AgentCall,
  connectionOptions,
  deferred,
  inspectQueue,
  newClient,
  newFactory,
  newQueue,
  newStore,
  queueEvents,
  recordingAgents,
  startWorker,
  storeSharing,
  uniqueLocation,
  untilAborted,
} from './__fixtures__/bullmq-test-kit.js';
import { workflowIdFor } from './workflow-id.js';
import { createWorkflowWorker } from './workflow-worker.js';

const STAGES = ['s1', 's2', 's3'] as const;
const three = defineWorkflow({ id: 'three', stages: [...STAGES] });
const request = { userId: 'u_42', threadId: 't_1', runId: 'r_1', workflowName: 'three', input: { question: 'why?' } };
const workflowId = workflowIdFor(request.userId, request.runId);

/** A stage result as an earlier worker would have saved it. */
function savedStage(stage: string): AgentRunResult {
  return {
    status: 'succeeded',
    executionId: `earlier-${stage}`,
    agentName: stage,
    runId: request.runId,
    requestId: 'earlier-request',
    stage,
    output: { from: stage },
    durationMs: 1,
    queuedMs: 0,
  };
}

/** The record a worker leaves when it dies after `stages` (as `orchestrator.run` writes it). */
async function recordOfDeadWorker(store: RunStore, stages: readonly string[]): Promise<void> {
  const { userId, threadId, runId, input } = request;
  await store.create({ workflowId, workflowName: 'three', userId, threadId, runId, input });
  for (const stage of stages) await store.saveStage(workflowId, savedStage(stage));
}

describe('createWorkflowWorker: running jobs', () => {
  it('runs an enqueued workflow end to end: record succeeded, job summary, events through onEvent in order', async () => {
    const location = uniqueLocation();
    const calls: AgentCall[] = [];
    const { factory, events } = newFactory({ agents: recordingAgents(calls, STAGES) });
    const store = newStore();
    const log = await queueEvents(location);
    startWorker(location, { factory, workflows: { three }, store });
    await newQueue(location).enqueue(request);

    const completed = await log.until('completed', workflowId);
    expect(completed.returnvalue).toEqual({ workflowId, status: 'succeeded' });
    expect(calls.map((call) => call.agent)).toEqual(['s1', 's2', 's3']);
    expect(calls.every((call) => call.userId === 'u_42')).toBe(true);
    const record = await store.get(workflowId);
    expect(record).toMatchObject({ status: 'succeeded', userId: 'u_42', threadId: 't_1', runId: 'r_1', input: request.input });
    expect(record?.stages.map((stage) => stage.stage)).toEqual(['s1', 's2', 's3']);

    // Every event of the run went through the factory's tap, in order, stamped with the run's ids.
    const workflowEvents = events.filter((event) => event.type.startsWith('workflow_')).map((event) => event.type);
    expect(workflowEvents).toEqual(['workflow_started', 'workflow_planned', 'workflow_completed']);
    expect(events[0]?.type).toBe('workflow_started');
    expect(events.at(-1)).toMatchObject({ type: 'workflow_completed', workflowId, status: 'succeeded' });
    const agentStarts = events.flatMap((event) => (event.type === 'agent_started' ? [event.agentName] : []));
    expect(agentStarts).toEqual(['s1', 's2', 's3']);
    expect(events.every((event) => event.userId === 'u_42' && event.runId === 'r_1')).toBe(true);
    const seqs = events.map((event) => event.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });

  it('completes the job of a run that ends failed: the run finished, only its stage failed', async () => {
    const location = uniqueLocation();
    const calls: AgentCall[] = [];
    const agents = recordingAgents(calls, STAGES, {
      s2: () => {
        throw new Error('boom');
      },
    });
    const { factory } = newFactory({ agents });
    const store = newStore();
    const log = await queueEvents(location);
    startWorker(location, { factory, workflows: { three }, store });
    await newQueue(location).enqueue(request);
    expect((await log.until('completed', workflowId)).returnvalue).toEqual({ workflowId, status: 'failed' });
    expect((await store.get(workflowId))?.status).toBe('failed');
  });

  it('fails a job of an unknown workflow with a reason starting UNKNOWN_WORKFLOW, without retrying or running anything', async () => {
    const location = uniqueLocation();
    const calls: AgentCall[] = [];
    const { factory } = newFactory({ agents: recordingAgents(calls, STAGES) });
    const store = newStore();
    const log = await queueEvents(location);
    startWorker(location, { factory, workflows: { three }, store });
    await newQueue(location).enqueue({ ...request, workflowName: 'four' });

    const failed = await log.until('failed', workflowId);
    expect(failed.failedReason).toMatch(/^UNKNOWN_WORKFLOW: this worker has no workflow "four" \(it runs: three\)/);
    const job = await inspectQueue(location).getJob(workflowId);
    expect(await job?.getState()).toBe('failed');
    expect(job?.attemptsMade).toBe(1);
    expect(calls).toEqual([]);
    expect(await store.get(workflowId)).toBeNull();
    expect(factory.getMetrics().enginesCreated).toBe(0);
  });

  it('delays, never fails, the job of a user at the admission limit, and runs it once a slot is free', async () => {
    const location = uniqueLocation();
    const calls: AgentCall[] = [];
    const admission = new InMemoryUserAdmission();
    const { factory } = newFactory({ agents: recordingAgents(calls, STAGES), admission, limits: { maxEnginesPerUser: 1 } });
    const store = newStore();
    // The user's only slot is taken (by a request on another instance, say).
    const lease = await admission.acquire('u_42', 1);
    const log = await queueEvents(location);
    startWorker(location, { factory, workflows: { three }, store, admissionBackoff: { baseMs: 20, maxMs: 50 } });
    await newQueue(location).enqueue(request);

    await log.until('delayed', workflowId);
    await log.until('delayed', workflowId, 2);
    expect(calls).toEqual([]);
    expect(await store.get(workflowId)).toBeNull();

    await lease?.release();
    expect((await log.until('completed', workflowId)).returnvalue).toEqual({ workflowId, status: 'succeeded' });
    expect(calls.map((call) => call.agent)).toEqual(['s1', 's2', 's3']);
    expect(log.records.filter((record) => record.name === 'failed')).toEqual([]);
    // The engine of the run was disposed: its slot is free again.
    expect(admission.held('u_42')).toBe(0);
  });

  it('completes the job of a run whose record already finished without making an engine or calling an agent', async () => {
    const location = uniqueLocation();
    const calls: AgentCall[] = [];
    const { factory, events } = newFactory({ agents: recordingAgents(calls, STAGES) });
    const store = newStore();
    // The earlier worker finished the run and died before BullMQ marked its job completed.
    await recordOfDeadWorker(store, STAGES);
    await store.complete(workflowId, { status: 'succeeded', path: 'main', output: { from: 's3' }, durationMs: 3 });
    const log = await queueEvents(location);
    startWorker(location, { factory, workflows: { three }, store });
    await newQueue(location).enqueue(request);

    expect((await log.until('completed', workflowId)).returnvalue).toEqual({ workflowId, status: 'succeeded' });
    expect(calls).toEqual([]);
    expect(events).toEqual([]);
    expect(factory.getMetrics().enginesCreated).toBe(0);
  });

  it('resumes the job of a run whose worker died after stages 1 and 2: they are not called again, the first event is workflow_resumed', async () => {
    const location = uniqueLocation();
    const calls: AgentCall[] = [];
    const { factory, events } = newFactory({ agents: recordingAgents(calls, STAGES) });
    const store = newStore();
    await recordOfDeadWorker(store, ['s1', 's2']);
    const log = await queueEvents(location);
    startWorker(location, { factory, workflows: { three }, store });
    await newQueue(location).enqueue(request);

    expect((await log.until('completed', workflowId)).returnvalue).toEqual({ workflowId, status: 'succeeded' });
    expect(calls.map((call) => call.agent)).toEqual(['s3']);
    expect(events[0]).toMatchObject({ type: 'workflow_resumed', workflowId, completedStages: ['s1', 's2'] });
    expect(events.filter((event) => event.type === 'workflow_started')).toEqual([]);
    const record = await store.get(workflowId);
    expect(record?.status).toBe('succeeded');
    expect(record?.stages.map((stage) => stage.executionId)).toEqual(['earlier-s1', 'earlier-s2', expect.not.stringMatching(/^earlier/)]);
  });
});

describe('createWorkflowWorker: a lost lock', () => {
  it("interrupts the run of a job whose lock is lost; BullMQ's stalled check hands the job back and the run resumes", async () => {
    const location = uniqueLocation();
    const calls: AgentCall[] = [];
    const s2Started = deferred();
    let firstS2 = true;
    const agents = recordingAgents(calls, STAGES, {
      s2: (_input, ctx) => {
        if (!firstS2) return { from: 's2' };
        firstS2 = false;
        s2Started.resolve();
        return untilAborted(ctx.signal);
      },
    });
    const { factory, events } = newFactory({ agents });
    const store = newStore();
    const errors: Error[] = [];
    const log = await queueEvents(location);
    startWorker(location, {
      factory,
      workflows: { three },
      store,
      // A lock long enough that a busy machine never lets it lapse by itself (the test deletes it);
      // a short stalled check, so that the deleted lock is found quickly.
      lockDurationMs: 4000,
      stalledIntervalMs: 500,
      onError: (error) => errors.push(error),
    });
    await newQueue(location).enqueue(request);
    await s2Started.promise;

    // As if the lock had expired while this worker was frozen: its next renewal fails.
    await newClient().del(`${location.prefix}:${location.queueName}:${workflowId}:lock`);
    expect((await log.until('completed', workflowId)).returnvalue).toEqual({ workflowId, status: 'succeeded' });
    expect(errors.map((error) => error.message)).toContainEqual(expect.stringMatching(/could not renew lock for job/));
    expect(log.records).toContainEqual(expect.objectContaining({ name: 'stalled', jobId: workflowId }));
    expect(calls.map((call) => call.agent)).toEqual(['s1', 's2', 's2', 's3']);
    expect(events.filter((event) => event.type === 'workflow_resumed')).toHaveLength(1);
    expect(events.filter((event) => event.type === 'workflow_completed')).toHaveLength(1);
    expect((await store.get(workflowId))?.status).toBe('succeeded');
  });
});

describe('createWorkflowWorker: close()', () => {
  it('interrupts a run that outlasts the grace period: record interrupted, no workflow_completed, and another worker resumes it', async () => {
    const location = uniqueLocation();
    const calls: AgentCall[] = [];
    const s2Started = deferred();
    let firstS2 = true;
    const agents = recordingAgents(calls, STAGES, {
      s2: (_input, ctx) => {
        if (!firstS2) return { from: 's2' };
        firstS2 = false;
        s2Started.resolve();
        return untilAborted(ctx.signal);
      },
    });
    // Two machines: each its own factory (and event tap) and its own store client on the same Redis.
    const first = newFactory({ agents });
    const second = newFactory({ agents });
    const storeOfFirst = newStore();
    const log = await queueEvents(location);
    const worker = startWorker(location, { factory: first.factory, workflows: { three }, store: storeOfFirst, closeGraceMs: 50 });
    await newQueue(location).enqueue(request);
    await s2Started.promise;

    await worker.close();
    await worker.closed;
    expect((await storeOfFirst.get(workflowId))?.status).toBe('interrupted');
    expect(first.events.map((event) => event.type)).not.toContain('workflow_completed');
    // Handed back to the queue: neither completed nor failed.
    expect(await (await inspectQueue(location).getJob(workflowId))?.getState()).toBe('waiting');
    expect(log.records.filter((record) => record.name === 'completed' || record.name === 'failed')).toEqual([]);

    startWorker(location, { factory: second.factory, workflows: { three }, store: storeSharing(storeOfFirst) });
    expect((await log.until('completed', workflowId)).returnvalue).toEqual({ workflowId, status: 'succeeded' });
    expect(second.events[0]).toMatchObject({ type: 'workflow_resumed', completedStages: ['s1'] });
    expect(second.events.at(-1)).toMatchObject({ type: 'workflow_completed', status: 'succeeded' });
    expect(calls.map((call) => call.agent)).toEqual(['s1', 's2', 's2', 's3']);
    expect((await storeOfFirst.get(workflowId))?.status).toBe('succeeded');
  });

  it('lets a run that finishes within the grace period complete its job', async () => {
    const location = uniqueLocation();
    const calls: AgentCall[] = [];
    const s2Started = deferred();
    const s2Release = deferred();
    const agents = recordingAgents(calls, STAGES, {
      s2: async () => {
        s2Started.resolve();
        await s2Release.promise;
        return { from: 's2' };
      },
    });
    const { factory, events } = newFactory({ agents });
    const store = newStore();
    const log = await queueEvents(location);
    const worker = startWorker(location, { factory, workflows: { three }, store, closeGraceMs: 30_000 });
    await newQueue(location).enqueue(request);
    await s2Started.promise;

    const closing = worker.close();
    s2Release.resolve();
    await closing;
    expect((await log.until('completed', workflowId)).returnvalue).toEqual({ workflowId, status: 'succeeded' });
    expect((await store.get(workflowId))?.status).toBe('succeeded');
    expect(events.at(-1)).toMatchObject({ type: 'workflow_completed', status: 'succeeded' });
    expect(calls.map((call) => call.agent)).toEqual(['s1', 's2', 's3']);
  });

  it('is idempotent, resolves closed, and leaves jobs enqueued afterwards waiting', async () => {
    const location = uniqueLocation();
    const { factory } = newFactory({ agents: recordingAgents([], STAGES) });
    const worker = startWorker(location, { factory, workflows: { three }, store: new InMemoryRunStore() });
    const closing = worker.close();
    expect(worker.close()).toBe(closing);
    await worker.closed;
    await newQueue(location).enqueue(request);
    expect(await (await inspectQueue(location).getJob(workflowId))?.getState()).toBe('waiting');
  });
});

describe('createWorkflowWorker options', () => {
  it('refuses bad options with InvalidConfigError naming the option', () => {
    const { factory } = newFactory({ agents: recordingAgents([], STAGES) });
    const store = new InMemoryRunStore();
    const base = { connection: connectionOptions(), factory, workflows: { three }, store };
    const cases: [unknown, RegExp][] = [
      [null, /createWorkflowWorker expects an options object/],
      [{ ...base, connection: undefined }, /connection: must be an ioredis client or BullMQ connection options/],
      [{ ...base, factory: {} }, /factory: must be an engine factory/],
      [{ ...base, workflows: {} }, /workflows: must name at least one workflow/],
      [{ ...base, workflows: { three: { id: 'three' } } }, /workflows\.three: must be a definition made by defineWorkflow/],
      [{ ...base, workflows: { other: three } }, /workflows\.other: the key must be the workflow's id \("three"\)/],
      [{ ...base, store: { get: () => null } }, /store: must be a RunStore/],
      [{ ...base, concurrency: 0 }, /concurrency: Too small/],
      [{ ...base, lockDurationMs: 1.5 }, /lockDurationMs: Invalid input/],
      [{ ...base, stalledIntervalMs: -1 }, /stalledIntervalMs: Too small/],
      [{ ...base, maxStalledCount: 0 }, /maxStalledCount: Too small/],
      [{ ...base, closeGraceMs: -1 }, /closeGraceMs: Too small/],
      [{ ...base, admissionBackoff: { baseMs: 100, maxMs: 10 } }, /admissionBackoff: baseMs must not exceed maxMs/],
      [{ ...base, now: 5 }, /now: must be a function/],
      [{ ...base, lockDuration: 1000 }, /Unrecognized key: "lockDuration"/],
    ];
    for (const [options, message] of cases) {
      expect(() => createWorkflowWorker(options as never)).toThrow(InvalidConfigError);
      expect(() => createWorkflowWorker(options as never)).toThrow(message);
    }
  });

  it('refuses an ioredis client BullMQ cannot block on (maxRetriesPerRequest not null), saying why', () => {
    const { factory } = newFactory({ agents: recordingAgents([], STAGES) });
    const options = { connection: newClient(), factory, workflows: { three }, store: new InMemoryRunStore() };
    expect(() => createWorkflowWorker(options)).toThrow(InvalidConfigError);
    expect(() => createWorkflowWorker(options)).toThrow(/maxRetriesPerRequest must be null/);
  });

  it('refuses an ioredis client with a keyPrefix (BullMQ has its own prefix option)', () => {
    const { factory } = newFactory({ agents: recordingAgents([], STAGES) });
    const options = {
      connection: newClient({ keyPrefix: 'app:', maxRetriesPerRequest: null }),
      factory,
      workflows: { three },
      store: new InMemoryRunStore(),
    };
    expect(() => createWorkflowWorker(options)).toThrow(InvalidConfigError);
    expect(() => createWorkflowWorker(options)).toThrow(/use the prefix option instead/);
  });

  it('runs on a shared ioredis client with maxRetriesPerRequest: null and leaves it open', async () => {
    const location = uniqueLocation();
    const client = newClient({ maxRetriesPerRequest: null });
    const calls: AgentCall[] = [];
    const { factory } = newFactory({ agents: recordingAgents(calls, STAGES) });
    const log = await queueEvents(location);
    const worker = createWorkflowWorker({ connection: client, ...location, factory, workflows: { three }, store: newStore() });
    await newQueue(location).enqueue(request);
    await log.until('completed', workflowId);
    await worker.close();
    expect(await client.ping()).toBe('PONG');
    expect(calls).toHaveLength(3);
  });
});
