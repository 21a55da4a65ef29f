import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import {
  type AgentEvent,
  createUserExecutionContext,
  defineAgent,
  RunNotResumableError,
  type UserExecutionEngine,
  UserLimitExceededError,
} from '@baton/engine-contract';
import { createEngineFactory } from '@baton/engine-factory';
import { defineWorkflow, type StageInput, WorkflowOrchestrator } from '@baton/orchestrator';
import { createRedisAdmission, createRedisRunStore, type RedisRunStore } from '@baton/redis';
import { afterEach, describe, expect, it } from 'vitest';
import { usePrivateRedis } from './support/private-redis.js';
import { startReportingChild } from './support/reporting-child.js';

// Approval gates on the real packages: a run suspended by one process is decided by another (a
// restart: nothing but the Redis record carries it over), two decisions race across two store
// clients, and a suspended run holds no engine slot and no admission lease.

type Message =
  | { kind: 'call'; stage: string; input: StageInput }
  | { kind: 'event'; event: AgentEvent }
  | { kind: 'result'; result: { status: string; suspendedAt?: string; stages: Array<{ agentName: string; status: string }> } }
  | { kind: 'error'; code?: string; message: string };

const CHILD = fileURLToPath(new URL('./__fixtures__/approval-process.mjs', import.meta.url));

const redis = usePrivateRedis('the approval-gate tests');
const closing: Array<{ close(): Promise<void> }> = [];

afterEach(async () => {
  await Promise.all(closing.splice(0).map((resource) => resource.close()));
});

function redisStore(keyPrefix: string): RedisRunStore {
  const store = createRedisRunStore({ redis: redis.url, keyPrefix });
  closing.push(store);
  return store;
}

/** Runs the child in `mode` to its end and gives back its messages. */
async function runChild(config: Record<string, unknown>): Promise<Message[]> {
  const child = startReportingChild<Message>(CHILD, { redisUrl: redis.url, ...config });
  const exit = await child.exited;
  expect(exit.code, child.stderr()).toBe(0);
  return child.messages;
}

const resultOf = (messages: Message[]) => messages.find((message) => message.kind === 'result');
const eventsOf = (messages: Message[]) =>
  messages.filter((message): message is Extract<Message, { kind: 'event' }> => message.kind === 'event').map((message) => message.event);

describe('approval gates across processes (Redis store)', () => {
  it('a run suspended by one process is approved by a new process: the gated stage runs with the approval, once', async () => {
    const keyPrefix = `approval-${randomUUID()}:`;
    const suspended = await runChild({ mode: 'suspend', keyPrefix, userId: 'alice' });
    expect(resultOf(suspended)).toMatchObject({ result: { status: 'suspended', suspendedAt: 'actions' } });
    const gateEvent = eventsOf(suspended).at(-1);
    expect(gateEvent).toMatchObject({ type: 'workflow_suspended', stage: 'actions', prompt: 'Apply plan? 7 steps', userId: 'alice' });
    const workflowId = (gateEvent as { workflowId: string }).workflowId;
    expect(await redisStore(keyPrefix).get(workflowId)).toMatchObject({
      status: 'suspended',
      suspension: { stage: 'actions', prompt: 'Apply plan? 7 steps' },
    });

    const decided = await runChild({ mode: 'decide', keyPrefix, workflowId, decision: { approved: true, note: 'ok by finance' } });
    expect(resultOf(decided)).toMatchObject({ result: { status: 'succeeded' } });
    const calls = decided.filter((message): message is Extract<Message, { kind: 'call' }> => message.kind === 'call');
    expect(calls.map((call) => call.stage)).toEqual(['actions', 'report']);
    expect(calls[0]?.input.approval).toEqual({ approved: true, note: 'ok by finance' });
    const events = eventsOf(decided);
    expect(events[0]).toMatchObject({ type: 'workflow_resumed', completedStages: ['plan'], userId: 'alice' });
    expect(events.at(-1)).toMatchObject({ type: 'workflow_completed', status: 'succeeded' });
    expect(await redisStore(keyPrefix).get(workflowId)).toMatchObject({ status: 'succeeded' });
  }, 120_000);

  it('a rejection decided by a new process fails the stage with APPROVAL_REJECTED and never calls it', async () => {
    const keyPrefix = `approval-${randomUUID()}:`;
    const suspended = await runChild({ mode: 'suspend', keyPrefix, userId: 'bob' });
    const workflowId = (eventsOf(suspended).at(-1) as { workflowId: string }).workflowId;
    const decided = await runChild({ mode: 'decide', keyPrefix, workflowId, decision: { approved: false } });
    expect(decided.filter((message) => message.kind === 'call')).toEqual([]);
    const record = await redisStore(keyPrefix).get(workflowId);
    expect(record?.status).toBe('failed');
    expect(record?.stages.find((stage) => stage.agentName === 'actions')?.error?.code).toBe('APPROVAL_REJECTED');
  }, 120_000);
});

const agents = ['plan', 'actions', 'report'].map((name) => defineAgent({ name, run: () => ({ from: name }) }));
const workflow = defineWorkflow({ id: 'apply-plan', stages: ['plan', { agent: 'actions', approval: { prompt: 'Apply?' } }, 'report'] });

describe('approval gates in one process, on Redis', () => {
  it('two decisions racing through two store clients: exactly one wins, the other is RunNotResumableError', async () => {
    const keyPrefix = `race-${randomUUID()}:`;
    const factory = createEngineFactory({ agents });
    const engineOf = () => factory.createEngine(createUserExecutionContext({ userId: 'carol', threadId: 't', runId: 'r' }));
    const starter = await engineOf();
    const first = await new WorkflowOrchestrator({ engine: starter, workflow, store: redisStore(keyPrefix) }).run({ input: 'q' });
    expect(first.status).toBe('suspended');
    await starter.dispose();
    const [a, b] = [await engineOf(), await engineOf()];
    const outcomes = await Promise.allSettled([
      new WorkflowOrchestrator({ engine: a, workflow, store: redisStore(keyPrefix) }).resume(first.workflowId, {
        decision: { approved: true },
      }),
      new WorkflowOrchestrator({ engine: b, workflow, store: redisStore(keyPrefix) }).resume(first.workflowId, {
        decision: { approved: false },
      }),
    ]);
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    const lost = outcomes.find((outcome) => outcome.status === 'rejected') as PromiseRejectedResult;
    expect(RunNotResumableError.isInstance(lost.reason)).toBe(true);
    const record = await redisStore(keyPrefix).get(first.workflowId);
    const won = outcomes.find((outcome) => outcome.status === 'fulfilled') as PromiseFulfilledResult<{ status: string }>;
    expect(record?.status).toBe(won.value.status);
    await factory.shutdown();
  });

  it('a user with three suspended runs still starts three new ones: a suspended run holds no slot and no lease', async () => {
    const keyPrefix = `slots-${randomUUID()}:`;
    const admission = createRedisAdmission({ redis: redis.url, keyPrefix });
    closing.push(admission);
    const factory = createEngineFactory({ agents, admission, limits: { maxEnginesPerUser: 3 } });
    const store = redisStore(keyPrefix);
    const engineOf = () => factory.createEngine(createUserExecutionContext({ userId: 'dave', threadId: 't', runId: 'r' }));
    const suspendedIds: string[] = [];
    for (let index = 0; index < 3; index++) {
      const engine = await engineOf();
      const result = await new WorkflowOrchestrator({ engine, workflow, store }).run({ input: index });
      expect(result.status).toBe('suspended');
      suspendedIds.push(result.workflowId);
      // What every caller does when a run returns, suspended included: the engine (and its lease) goes.
      await engine.dispose();
    }
    const held: UserExecutionEngine[] = [await engineOf(), await engineOf(), await engineOf()];
    // The limit is real: a fourth engine while three are held is refused.
    await expect(engineOf()).rejects.toSatisfy(UserLimitExceededError.isInstance);
    const fresh = await Promise.all(held.map((engine) => new WorkflowOrchestrator({ engine, workflow, store }).run({ input: 'new' })));
    expect(fresh.map((result) => result.status)).toEqual(['suspended', 'suspended', 'suspended']);
    expect((await store.listRuns('dave')).filter((run) => run.status === 'suspended')).toHaveLength(6);
    await Promise.all(held.map((engine) => engine.dispose()));
    // And each of the first three can still be decided.
    const resumed = await new WorkflowOrchestrator({ engine: await engineOf(), workflow, store }).resume(suspendedIds[0] as string, {
      decision: { approved: true },
    });
    expect(resumed.status).toBe('succeeded');
    await factory.shutdown();
  });
});
