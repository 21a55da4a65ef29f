import { InMemoryUserAdmission, InvalidConfigError, RunNotFoundError, RunNotResumableError } from '@baton/engine-contract';
import { defineWorkflow } from '@baton/orchestrator';
import type { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import {
  type AgentCall,
  deferred,
  inspectQueue,
  newFactory,
  newQueue,
  newStore,
  queueEvents,
  recordingAgents,
  startWorker,
  uniqueLocation,
  untilAborted,
} from './__fixtures__/bullmq-test-kit.js';
import { subscribeToCancellations } from './run-cancellation.js';
import { workflowIdFor } from './workflow-id.js';

const STAGES = ['s1', 's2', 's3'] as const;
const three = defineWorkflow({ id: 'three', stages: [...STAGES] });
const request = { userId: 'u_7', threadId: 't_1', runId: 'r_1', workflowName: 'three', input: 'q' };
const workflowId = workflowIdFor(request.userId, request.runId);

describe('queue.cancel', () => {
  it('cancels a run while a worker executes it: the run ends cancelled, recorded, with its workflow_completed; the job completes', async () => {
    const location = uniqueLocation();
    const calls: AgentCall[] = [];
    const inStage2 = deferred();
    const { factory, events } = newFactory({
      agents: recordingAgents(calls, STAGES, {
        s2: (_input, ctx) => {
          inStage2.resolve();
          return untilAborted(ctx.signal);
        },
      }),
    });
    const store = newStore();
    const log = await queueEvents(location);
    startWorker(location, { factory, workflows: { three }, store });
    const queue = newQueue(location);
    await queue.enqueue(request);
    await inStage2.promise;
    await queue.cancel(workflowId);

    const completed = await log.until('completed', workflowId);
    expect(completed.returnvalue).toEqual({ workflowId, status: 'cancelled' });
    expect(calls.map((call) => call.agent)).toEqual(['s1', 's2']);
    expect(await store.get(workflowId)).toMatchObject({ status: 'cancelled' });
    expect(events.at(-1)).toMatchObject({ type: 'workflow_completed', workflowId, status: 'cancelled' });
  });

  it('cancels a run that has not started: whoever takes it up ends it cancelled without calling a stage', async () => {
    const location = uniqueLocation();
    const calls: AgentCall[] = [];
    const { factory, events } = newFactory({ agents: recordingAgents(calls, STAGES) });
    const store = newStore();
    const queue = newQueue(location);
    await queue.enqueue(request);
    await queue.cancel(workflowId);
    expect(await (await inspectQueue(location).getJob(workflowId))?.getState()).toBe('waiting');

    const log = await queueEvents(location);
    startWorker(location, { factory, workflows: { three }, store });
    expect((await log.until('completed', workflowId)).returnvalue).toEqual({ workflowId, status: 'cancelled' });
    expect(calls).toEqual([]);
    expect(await store.get(workflowId)).toMatchObject({ status: 'cancelled', stages: [] });
    expect(events.map((event) => event.type)).toEqual(['workflow_started', 'workflow_planned', 'workflow_completed']);
  });

  it('cancels a run waiting for an admission slot: it is moved up and ends cancelled once it gets an engine', async () => {
    const location = uniqueLocation();
    const calls: AgentCall[] = [];
    const admission = new InMemoryUserAdmission();
    const held = await admission.acquire('u_7', 1);
    const { factory } = newFactory({ agents: recordingAgents(calls, STAGES), admission, limits: { maxEnginesPerUser: 1 } });
    const store = newStore();
    const log = await queueEvents(location);
    startWorker(location, { factory, workflows: { three }, store, admissionBackoff: { baseMs: 60_000, maxMs: 60_000 } });
    const queue = newQueue(location);
    await queue.enqueue(request);
    await log.until('delayed', workflowId);
    await queue.cancel(workflowId);
    held?.release();
    expect((await log.until('completed', workflowId)).returnvalue).toEqual({ workflowId, status: 'cancelled' });
    expect(calls).toEqual([]);
  });

  it('refuses an unknown run, a finished run and a bad id with typed errors', async () => {
    const location = uniqueLocation();
    const calls: AgentCall[] = [];
    const { factory } = newFactory({ agents: recordingAgents(calls, STAGES) });
    const store = newStore();
    const queue = newQueue(location);
    await expect(queue.cancel(workflowId)).rejects.toSatisfy(RunNotFoundError.isInstance);
    await expect(queue.cancel('not-an-id')).rejects.toSatisfy(InvalidConfigError.isInstance);
    const log = await queueEvents(location);
    startWorker(location, { factory, workflows: { three }, store });
    await queue.enqueue(request);
    await log.until('completed', workflowId);
    await expect(queue.cancel(workflowId)).rejects.toThrow(`Run ${workflowId} cannot be cancelled: its job has completed`);
    await expect(queue.cancel(workflowId)).rejects.toSatisfy(RunNotResumableError.isInstance);
  });
});

describe('the cancellation subscriber', () => {
  /** A queue whose client records the subscriber it duplicates (no Redis: the subscriber is a fake). */
  function fakeQueue(parentOptions: { keepAlive?: number }) {
    const overrides: unknown[] = [];
    const listeners = new Map<string, (...args: string[]) => void>();
    const subscriber = {
      subscribed: [] as string[],
      disconnected: 0,
      on: (event: string, listener: (...args: string[]) => void) => listeners.set(event, listener),
      subscribe: async (channel: string) => subscriber.subscribed.push(channel),
      disconnect: () => void subscriber.disconnected++,
    };
    const client = {
      options: parentOptions,
      publish: async () => 0,
      duplicate: (override: unknown) => {
        overrides.push(override);
        return subscriber;
      },
    };
    const queue = { backend: { client: Promise.resolve(client) }, toKey: (type: string) => `bull:q:${type}` } as unknown as Queue;
    return { queue, overrides, subscriber, listeners };
  }

  it('gets a command timeout and keep-alive of its own, and is dropped (not QUIT) when it stops', async () => {
    const { queue, overrides, subscriber, listeners } = fakeQueue({});
    const cancelled: string[] = [];
    const stop = await subscribeToCancellations(
      queue,
      (id) => cancelled.push(id),
      () => undefined,
    );
    expect(overrides).toEqual([{ commandTimeout: 5000, keepAlive: 10_000 }]);
    expect(subscriber.subscribed).toEqual(['bull:q:baton-cancel']);
    listeners.get('message')?.('bull:q:baton-cancel', 'wf-1');
    listeners.get('message')?.('another-channel', 'wf-2');
    expect(cancelled).toEqual(['wf-1']);
    await stop();
    expect(subscriber.disconnected).toBe(1);
  });

  it("keeps the worker client's own keep-alive", async () => {
    const { queue, overrides } = fakeQueue({ keepAlive: 2500 });
    await subscribeToCancellations(
      queue,
      () => undefined,
      () => undefined,
    );
    expect(overrides).toEqual([{ commandTimeout: 5000, keepAlive: 2500 }]);
  });
});
