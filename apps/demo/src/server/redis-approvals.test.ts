import type { AgentEvent } from '@baton/engine-contract';
import { afterAll, expect, it } from 'vitest';
import { EXAMPLE_QUESTIONS } from '../shared/example-questions.js';
import { RunsPageSchema } from '../shared/runs-api.js';
import { FrameClient, login } from '../test-support/demo-test-client.js';
import { deleteKeys, requireRedisUrl, uniqueKeyPrefix } from '../test-support/redis-test-env.js';
import { createTestDemoServer } from '../test-support/test-demo-server.js';
import type { DemoServer, DemoServerOptions } from './create-demo-server.js';
import type { ServerFrame } from './protocol.js';

// Redis mode: approvals across instances (REDIS_URL, or the private redis-server of the global setup).
// A run suspended on one instance is decided on another, survives a restart of its instance, and
// times out even when its instance is gone (the worker tier's delayed job, taken by another worker).

const USERS = [
  { username: 'alice', password: 'alice-demo-pw' },
  { username: 'bob', password: 'bob-demo-pw' },
];
const SUFFICIENT = EXAMPLE_QUESTIONS.find((example) => example.path === 'sufficient')!.text;

type ResultFrame = Extract<ServerFrame, { type: 'result' }>;

const servers: DemoServer[] = [];
const prefixes: string[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  for (const prefix of prefixes) await deleteKeys(requireRedisUrl(), prefix);
});

function redisOptions() {
  const redis = { url: requireRedisUrl(), keyPrefix: uniqueKeyPrefix(), retryDelayMs: { min: 50, max: 500 } };
  prefixes.push(redis.keyPrefix);
  return redis;
}

async function startInstance(options: DemoServerOptions): Promise<{ server: DemoServer; url: string }> {
  const server = await createTestDemoServer({ users: USERS, scryptCost: 2 ** 10, delayScale: 0, ...options });
  servers.push(server);
  return { server, url: await server.listen({ port: 0 }) };
}

function runEvents(client: FrameClient, runId: string): AgentEvent[] {
  return client
    .events()
    .filter((frame) => frame.event.runId === runId)
    .map((frame) => frame.event);
}

function actionsOf(result: ResultFrame) {
  return (result.result.stages as Array<{ agentName: string; status: string; error?: { code: string } }>).find(
    (stage) => stage.agentName === 'actions',
  );
}

it('a decision sent to another instance than the one that ran the run resumes it; the tabs on both follow it to the end', async () => {
  const redis = redisOptions();
  const a = await startInstance({ redis });
  const b = await startInstance({ redis });
  const cookie = await login(a.url, 'alice', 'alice-demo-pw');
  const onA = await FrameClient.connect(a.url, { cookie });
  const onB = await FrameClient.connect(b.url, { cookie });
  const bob = await FrameClient.connect(b.url, { cookie: await login(b.url, 'bob', 'bob-demo-pw') });

  const runId = await onA.ask(SUFFICIENT);
  const { workflowId } = (await onA.suspended(runId)).result;
  // The tab on B sees the question too (through the user's stream), and can decide.
  await onB.event(runId, (event) => event.type === 'workflow_suspended');
  const foreign = bob.nextDecisionError(workflowId);
  bob.decide(workflowId, true);
  expect(await foreign).toMatchObject({ code: 'UNKNOWN_RUN', workflowId });

  onB.decide(workflowId, true, 'from the other instance');
  // A worker (either instance's) runs the rest: the sockets on both instances get the result.
  const result = await onB.result(runId);
  expect(result.result).toMatchObject({ workflowId, status: 'succeeded', path: 'sufficient' });
  expect(actionsOf(result)?.status).toBe('succeeded');
  const completedOnA = await onA.event(runId, (event) => event.type === 'workflow_completed');
  expect(completedOnA.event).toMatchObject({ status: 'succeeded' });
  expect(runEvents(onA, runId).find((event) => event.type === 'agent_started' && event.agentName === 'actions')).toMatchObject({
    input: { approval: { approved: true, note: 'from the other instance' } },
  });
  expect((await onA.result(runId)).result).toEqual(result.result);
  expect(await a.server.store.get(workflowId)).toMatchObject({ status: 'succeeded' });
  expect(bob.events()).toEqual([]);
  await Promise.all([onA.close(), onB.close(), bob.close()]);
});

it('a waiting run survives a restart of its instance (listed with its question, not resumed by itself) and is decided after it', async () => {
  const redis = redisOptions();
  const instance = { redis, instanceId: 'approvals-a' };
  const a = await startInstance(instance);
  const cookie = await login(a.url, 'alice', 'alice-demo-pw');
  const before = await FrameClient.connect(a.url, { cookie });
  const runId = await before.ask(SUFFICIENT);
  const suspended = await before.suspended(runId);
  const { workflowId } = suspended.result;
  const prompt = (runEvents(before, runId).at(-1) as Extract<AgentEvent, { type: 'workflow_suspended' }>).prompt;

  await a.server.close();
  // A waiting run holds no engine: the shutdown had nothing to interrupt.
  expect(before.frames.some((frame) => frame.type === 'interrupted')).toBe(false);
  const restarted = await startInstance(instance);
  const page = RunsPageSchema.parse(await (await fetch(`${restarted.url}/api/runs`, { headers: { cookie } })).json());
  expect(page.runs[0]).toMatchObject({ workflowId, runId, status: 'suspended', suspension: { stage: 'actions', prompt } });

  const after = await FrameClient.connect(restarted.url, { cookie, since: page.replaySince! });
  await after.event(runId, (event) => event.type === 'workflow_suspended');
  after.decide(workflowId, false, 'after the restart');
  const result = await after.result(runId);
  expect(result.result.status).toBe('failed');
  expect(actionsOf(result)).toMatchObject({ status: 'failed', error: { code: 'APPROVAL_REJECTED' } });
  expect(await restarted.server.store.get(workflowId)).toMatchObject({ status: 'failed' });
  await after.close();
}, 120_000);

it("times out an approval whose worker is gone: the worker tier's delayed job reaches another worker (APPROVAL_TIMEOUT)", async () => {
  const redis = redisOptions();
  // The shortest timeout the demo accepts, on the real clock: BullMQ's delayed job is due in Redis time.
  const a = await startInstance({ redis, approvalTimeoutMs: 1000 });
  const cookie = await login(a.url, 'alice', 'alice-demo-pw');
  const asker = await FrameClient.connect(a.url, { cookie });
  const runId = await asker.ask(SUFFICIENT);
  const { workflowId } = (await asker.suspended(runId)).result;
  await asker.close();
  await a.server.close();

  const b = await startInstance({ redis, approvalTimeoutMs: 1000 });
  const watcher = await FrameClient.connect(b.url, { cookie, since: '0-0' });
  const result = await watcher.result(runId);
  expect(result.result).toMatchObject({ workflowId, status: 'failed', path: 'sufficient' });
  expect(actionsOf(result)).toMatchObject({ status: 'failed', error: { code: 'APPROVAL_TIMEOUT' } });
  const record = await b.server.store.get(workflowId);
  expect(record?.stages.find((stage) => stage.agentName === 'reporting')?.status).toBe('succeeded');
  // A decision after the timeout finds the run no longer waiting.
  const late = watcher.nextDecisionError(workflowId);
  watcher.decide(workflowId, true);
  expect(await late).toMatchObject({ code: 'NOT_SUSPENDED', workflowId });
  await watcher.close();
}, 120_000);
