import { RunNotResumableError } from '@baton/engine-contract';
import { defineWorkflow } from '@baton/orchestrator';
import { describe, expect, it } from 'vitest';
import {
  type AgentCall,
  inspectQueue,
  newFactory,
  newQueue,
  newStore,
  queueEvents,
  recordingAgents,
  startWorker,
  uniqueLocation,
} from './__fixtures__/bullmq-test-kit.js';
import { approvalTimeoutJobId } from './approval-timeout.js';
import { claimSuspendedJob } from './decision-claim.js';
import { workflowIdFor } from './workflow-id.js';

const STAGES = ['s1', 's2', 's3'] as const;
const gated = defineWorkflow({ id: 'gated', stages: ['s1', { agent: 's2', approval: { prompt: 'Publish?' } }, 's3'] });
const DEADLINE_MS = 60_000;
const gatedWithDeadline = defineWorkflow({
  id: 'gatedWithDeadline',
  stages: ['s1', { agent: 's2', approval: { prompt: 'Publish?', timeoutMs: DEADLINE_MS } }, 's3'],
});
const request = { userId: 'u_42', threadId: 't_1', runId: 'r_1', input: { topic: 'tides' } };
const workflowId = workflowIdFor(request.userId, request.runId);

/** A worker for the gated workflows, the queue, the event log and what the agents saw. */
async function setUp(options: { now?: () => number } = {}) {
  const location = uniqueLocation();
  const calls: AgentCall[] = [];
  const { factory, events } = newFactory({ agents: recordingAgents(calls, STAGES) });
  const store = newStore();
  const log = await queueEvents(location);
  startWorker(location, { factory, workflows: { gated, gatedWithDeadline }, store, ...options });
  return { location, calls, events, store, log, queue: newQueue(location) };
}

describe('approval gates on the worker tier', () => {
  it('completes the job of a run that suspends, and a decision re-enqueues it: the stage runs with the approval', async () => {
    const { calls, events, store, log, queue } = await setUp();
    await queue.enqueue({ ...request, workflowName: 'gated' });

    expect((await log.until('completed', workflowId)).returnvalue).toEqual({ workflowId, status: 'suspended', suspendedAt: 's2' });
    expect(await store.get(workflowId)).toMatchObject({ status: 'suspended', suspension: { stage: 's2', prompt: 'Publish?' } });
    expect(events.at(-1)).toMatchObject({ type: 'workflow_suspended', workflowId, stage: 's2', prompt: 'Publish?' });
    expect(events.map((event) => event.type)).not.toContain('workflow_completed');
    expect(calls.map((call) => call.agent)).toEqual(['s1']);

    const before = events.length;
    await queue.decide(workflowId, { approved: true, note: 'go' });
    expect((await log.until('completed', workflowId, 2)).returnvalue).toEqual({ workflowId, status: 'succeeded' });
    expect(calls.map((call) => call.agent)).toEqual(['s1', 's2', 's3']);
    expect(calls[1]?.input).toMatchObject({ approval: { approved: true, note: 'go' } });
    expect(events[before]).toMatchObject({ type: 'workflow_resumed', workflowId, completedStages: ['s1'] });
    expect(events.at(-1)).toMatchObject({ type: 'workflow_completed', status: 'succeeded' });
    expect((await store.get(workflowId))?.status).toBe('succeeded');
  });

  it('takes a decision sent the moment workflow_suspended is emitted, while the run’s job is still active', async () => {
    const location = uniqueLocation();
    const calls: AgentCall[] = [];
    const store = newStore();
    const log = await queueEvents(location);
    const queue = newQueue(location);
    let decided: Promise<void> | undefined;
    const { factory } = newFactory({ agents: recordingAgents(calls, STAGES) });
    const onSuspended = (type: string): void => {
      // The worker has not returned from the run yet: its job is active until it does.
      if (type === 'workflow_suspended') decided ??= queue.decide(workflowId, { approved: true });
    };
    const tapped = {
      createEngine: async (context: Parameters<typeof factory.createEngine>[0]) => {
        const engine = await factory.createEngine(context);
        engine.subscribe((event) => onSuspended(event.type));
        return engine;
      },
    };
    startWorker(location, { factory: tapped, workflows: { gated }, store });
    await queue.enqueue({ ...request, workflowName: 'gated' });
    await log.until('completed', workflowId);
    await expect(decided).resolves.toBeUndefined();
    expect((await log.until('completed', workflowId, 2)).returnvalue).toEqual({ workflowId, status: 'succeeded' });
    expect(calls.map((call) => call.agent)).toEqual(['s1', 's2', 's3']);
  });

  it('fails the gated stage with APPROVAL_REJECTED on a rejection, without calling it', async () => {
    const { calls, store, log, queue } = await setUp();
    await queue.enqueue({ ...request, workflowName: 'gated' });
    await log.until('completed', workflowId);

    await queue.decide(workflowId, { approved: false, note: 'not now' });
    expect((await log.until('completed', workflowId, 2)).returnvalue).toEqual({ workflowId, status: 'failed' });
    expect(calls.map((call) => call.agent)).toEqual(['s1']);
    const s2 = (await store.get(workflowId))?.stages.find((stage) => stage.stage === 's2');
    expect(s2).toMatchObject({ status: 'failed', error: { code: 'APPROVAL_REJECTED' } });
  });

  it('lets exactly one of two concurrent decisions through; the other gets RunNotResumableError', async () => {
    const { location, events, log, queue } = await setUp();
    await queue.enqueue({ ...request, workflowName: 'gated' });
    await log.until('completed', workflowId);

    const decisions = [
      { approved: true, note: 'first' },
      { approved: false, note: 'second' },
    ];
    const outcomes = await Promise.allSettled([
      queue.decide(workflowId, decisions[0] as { approved: boolean; note: string }),
      newQueue(location).decide(workflowId, decisions[1] as { approved: boolean; note: string }),
    ]);
    const winners = outcomes.flatMap((outcome, index) => (outcome.status === 'fulfilled' ? [decisions[index]] : []));
    const losers = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []));
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(1);
    expect(RunNotResumableError.isInstance(losers[0])).toBe(true);
    expect((losers[0] as Error).message).toMatch(/another decision or its approval timeout came first|not waiting for a decision/);

    const { returnvalue } = await log.until('completed', workflowId, 2);
    expect(returnvalue).toEqual({ workflowId, status: winners[0]?.approved ? 'succeeded' : 'failed' });
    expect((await inspectQueue(location).getJob(workflowId))?.data.decision).toEqual(winners[0]);
    expect(events.filter((event) => event.type === 'workflow_resumed')).toHaveLength(1);
  });

  it('tells a decision that comes while another one replaces the job that the other came first, not that the run is unknown', async () => {
    const { location, log, queue } = await setUp();
    await queue.enqueue({ ...request, workflowName: 'gated' });
    await log.until('completed', workflowId);
    const inspect = inspectQueue(location);
    const job = await inspect.getJob(workflowId);
    // Another caller has claimed the suspended job and removed it, and not added it again yet.
    expect(await claimSuspendedJob(inspect, workflowId, job?.data.nonce)).toBe(true);
    await job?.remove();

    const attempt = queue.decide(workflowId, { approved: true });
    await expect(attempt).rejects.toThrow(RunNotResumableError);
    await expect(attempt).rejects.toThrow(/another decision or its approval timeout came first/);
  });

  it('schedules an approval timeout at the deadline, and a decision before it removes it', async () => {
    const { location, log, queue } = await setUp();
    await queue.enqueue({ ...request, workflowName: 'gatedWithDeadline' });
    const { returnvalue } = await log.until('completed', workflowId);
    const { expiresAt } = returnvalue as { expiresAt: number };
    expect(returnvalue).toEqual({ workflowId, status: 'suspended', suspendedAt: 's2', expiresAt });
    const inspect = inspectQueue(location);
    const timeoutJob = await inspect.getJob(approvalTimeoutJobId(workflowId, expiresAt));
    expect(await timeoutJob?.getState()).toBe('delayed');
    expect(timeoutJob?.data).toEqual({ workflowId, expiresAt });

    await queue.decide(workflowId, { approved: true });
    expect(await inspect.getJob(approvalTimeoutJobId(workflowId, expiresAt))).toBeUndefined();
    expect((await log.until('completed', workflowId, 2)).returnvalue).toEqual({ workflowId, status: 'succeeded' });
  });

  it('at the deadline, the timeout job resumes the run without a decision: the stage fails with APPROVAL_TIMEOUT', async () => {
    let clock = 1_000_000;
    const { location, calls, store, log, queue } = await setUp({ now: () => clock });
    await queue.enqueue({ ...request, workflowName: 'gatedWithDeadline' });
    const { returnvalue } = await log.until('completed', workflowId);
    expect(returnvalue).toMatchObject({ status: 'suspended', expiresAt: 1_000_000 + DEADLINE_MS });
    const timeoutJobId = approvalTimeoutJobId(workflowId, 1_000_000 + DEADLINE_MS);

    // The deadline passes on the orchestrator's clock; the delayed job is due 60 s of real time from
    // now, so it is promoted instead of waited for.
    clock += DEADLINE_MS;
    await (await inspectQueue(location).getJob(timeoutJobId))?.promote();
    expect((await log.until('completed', timeoutJobId)).returnvalue).toEqual({ workflowId, timeout: 'requeued' });
    expect((await log.until('completed', workflowId, 2)).returnvalue).toEqual({ workflowId, status: 'failed' });
    expect(calls.map((call) => call.agent)).toEqual(['s1']);
    const s2 = (await store.get(workflowId))?.stages.find((stage) => stage.stage === 's2');
    expect(s2).toMatchObject({ status: 'failed', error: { code: 'APPROVAL_TIMEOUT' } });

    // Too late now: the run is no longer waiting.
    await expect(queue.decide(workflowId, { approved: true })).rejects.toThrow(
      /not waiting for a decision \(its job is completed \(failed\)\)/,
    );
  });

  it('a timeout job that comes early (clock skew) waits for the rest of the deadline instead of resuming', async () => {
    const clock = 1_000_000;
    const { location, log, queue, store } = await setUp({ now: () => clock });
    await queue.enqueue({ ...request, workflowName: 'gatedWithDeadline' });
    await log.until('completed', workflowId);
    const timeoutJobId = approvalTimeoutJobId(workflowId, 1_000_000 + DEADLINE_MS);

    await (await inspectQueue(location).getJob(timeoutJobId))?.promote();
    // The first 'delayed' is the scheduling, the second the timeout job putting itself back.
    await log.until('delayed', timeoutJobId, 2);
    expect(await (await inspectQueue(location).getJob(timeoutJobId))?.getState()).toBe('delayed');
    expect((await store.get(workflowId))?.status).toBe('suspended');
  });
});
