import { Redis } from 'ioredis';
import { afterAll, expect, it } from 'vitest';
import { EXAMPLE_QUESTIONS } from '../shared/example-questions.js';
import { RunsPageSchema } from '../shared/runs-api.js';
import { FrameClient, login } from '../test-support/demo-test-client.js';
import { AgentGates, createGatedDemoAgents, gateMarker } from '../test-support/gated-agents.js';
import { deleteKeys, requireRedisUrl, uniqueKeyPrefix } from '../test-support/redis-test-env.js';
import { createDemoServer, type DemoServer, type DemoServerOptions } from './create-demo-server.js';

// Redis mode: runs are recorded in Redis, the history's replay cursor works across instances, a
// shutdown interrupts runs, and the instance resumes them when it starts again with the same instance
// id (REDIS_URL, or the private redis-server of the global setup).

const USERS = [
  { username: 'alice', password: 'alice-demo-pw' },
  { username: 'bob', password: 'bob-demo-pw' },
];
// The partial path runs to its end by itself (a full analysis stops at its approval: redis-approvals.test.ts).
const PARTIAL = EXAMPLE_QUESTIONS.find((example) => example.path === 'partial')!.text;

const servers: DemoServer[] = [];
const prefixes: string[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  for (const prefix of prefixes) await deleteKeys(requireRedisUrl(), prefix);
});

async function startInstance(options: DemoServerOptions): Promise<{ server: DemoServer; url: string }> {
  const server = await createDemoServer({ users: USERS, scryptCost: 2 ** 10, delayScale: 0, ...options });
  servers.push(server);
  return { server, url: await server.listen({ port: 0 }) };
}

it("replays a run in flight from its first event on another instance, with the history's cursor (also for a user's first run)", async () => {
  const redis = { url: requireRedisUrl(), keyPrefix: uniqueKeyPrefix(), retryDelayMs: { min: 50, max: 500 } };
  prefixes.push(redis.keyPrefix);
  const gates = new AgentGates();
  const agents = createGatedDemoAgents({ delayScale: 0, gates });
  const a = await startInstance({ redis, agents });
  const b = await startInstance({ redis, agents });
  const cookie = await login(a.url, 'bob', 'bob-demo-pw');
  const asker = await FrameClient.connect(a.url, { cookie });
  // Bob's first run: his stream does not exist yet when it starts (the cursor is the stream's start).
  const question = `${PARTIAL} ${gateMarker('data')}`;
  const runId = await asker.ask(question);
  await gates.reached('data');
  await asker.event(runId, (event) => event.type === 'agent_started' && event.agentName === 'data');
  const seen = asker.events().filter((frame) => frame.event.runId === runId);

  const response = await fetch(`${b.url}/api/runs`, { headers: { cookie } });
  const page = RunsPageSchema.parse(await response.json());
  expect(page.runs.map((run) => [run.runId, run.question, run.status])).toEqual([[runId, question, 'running']]);
  expect(page.replaySince).toBe('0-0');
  const reloaded = await FrameClient.connect(b.url, { cookie, since: page.replaySince! });
  await reloaded.event(runId, (event) => event.type === 'agent_started' && event.agentName === 'data');
  expect(reloaded.events().map((frame) => frame.id)).toEqual(seen.map((frame) => frame.id));
  expect(reloaded.frames.some((frame) => frame.type === 'error')).toBe(false);

  gates.open('data');
  await reloaded.event(runId, (event) => event.type === 'workflow_completed');
  await asker.result(runId);
  // A later run: the cursor is the stream's end before it began, on whichever instance the page asks.
  const second = await asker.ask(`${PARTIAL} ${gateMarker('reporting')}`);
  await gates.reached('reporting');
  const secondPage = RunsPageSchema.parse(await (await fetch(`${b.url}/api/runs`, { headers: { cookie } })).json());
  expect(secondPage.runs.map((run) => run.status)).toEqual(['running', 'succeeded']);
  const again = await FrameClient.connect(b.url, { cookie, since: secondPage.replaySince! });
  const first = await again.waitFor((frame) => frame.type === 'event');
  expect(first.type === 'event' && first.event).toMatchObject({ runId: second, type: 'workflow_started' });
  gates.open('reporting');
  await again.event(second, (event) => event.type === 'workflow_completed');
  await Promise.all([asker.close(), reloaded.close(), again.close()]);
});

it('an instance restarted with the same instance id resumes the run its shutdown interrupted, and the run completes', async () => {
  const redis = { url: requireRedisUrl(), keyPrefix: uniqueKeyPrefix(), retryDelayMs: { min: 50, max: 500 } };
  prefixes.push(redis.keyPrefix);
  const gates = new AgentGates();
  const instance = (instanceId: string) => ({ redis, instanceId, agents: createGatedDemoAgents({ delayScale: 0, gates }) });
  // B stays up the whole time: alice watches the run there, and reads her history there.
  const b = await startInstance(instance('instance-b'));
  const a = await startInstance(instance('instance-a'));

  const cookie = await login(a.url, 'alice', 'alice-demo-pw');
  const asker = await FrameClient.connect(a.url, { cookie });
  const watcher = await FrameClient.connect(b.url, { cookie });
  const question = `${PARTIAL} ${gateMarker('data')}`;
  const runId = await asker.ask(question);
  // Triage and data_helper are done; data waits at its gate.
  await gates.reached('data');
  await watcher.event(runId, (event) => event.type === 'agent_started' && event.agentName === 'data');

  await a.server.close();
  const interrupted = await asker.waitFor((frame) => frame.type === 'interrupted' && frame.runId === runId);
  expect(interrupted.type === 'interrupted' && interrupted.workflowId).toEqual(expect.any(String));
  const workflowId = interrupted.type === 'interrupted' ? interrupted.workflowId : '';
  // The tab on the other instance hears it too (the run emits no last event that would tell it).
  expect(await watcher.waitFor((frame) => frame.type === 'interrupted' && frame.runId === runId)).toEqual(interrupted);
  expect(asker.frames.filter((frame) => frame.type === 'interrupted')).toHaveLength(1);
  // The record is in Redis, `interrupted`, visible from the other instance; the instance noted it.
  const history = await fetch(`${b.url}/api/runs`, { headers: { cookie } });
  const page = RunsPageSchema.parse(await history.json());
  expect(page.runs[0]).toMatchObject({ workflowId, runId, question, status: 'interrupted' });
  expect(page.runs[0]!.stages.filter((stage) => stage.status === 'succeeded').map((stage) => stage.stage)).toEqual([
    'triage',
    'data_helper',
  ]);
  const client = new Redis(redis.url);
  const noted = `${redis.keyPrefix}demo:instance:instance-a:interrupted`;
  expect(await client.smembers(noted)).toEqual([workflowId]);
  // Another instance id does not take it.
  await startInstance(instance('instance-c'));
  expect(await client.smembers(noted)).toEqual([workflowId]);

  // A restart with the same id resumes it: the run goes on where it stopped and completes.
  gates.open('data');
  await startInstance(instance('instance-a'));
  const resumed = await watcher.event(runId, (event) => event.type === 'workflow_resumed');
  expect(resumed.event).toMatchObject({ workflowId, completedStages: ['triage', 'data_helper'] });
  const completed = await watcher.event(runId, (event) => event.type === 'workflow_completed');
  expect(completed.event).toMatchObject({ workflowId, status: 'succeeded', path: 'partial' });
  expect(await client.smembers(noted)).toEqual([]);
  client.disconnect();

  // Succeeded stages were not run again; the interrupted one ran again to the end.
  const started = watcher
    .events()
    .filter((frame) => frame.event.runId === runId && frame.event.type === 'agent_started')
    .map((frame) => frame.event.agentName);
  expect(started).toEqual(['triage', 'data_helper', 'data', 'data', 'reporting']);
  const record = await b.server.store.get(workflowId);
  expect(record).toMatchObject({ status: 'succeeded', input: question, runId, result: { status: 'succeeded', path: 'partial' } });
  expect(record!.stages.map((stage) => [stage.stage, stage.status])).toEqual([
    ['triage', 'succeeded'],
    ['data_helper', 'succeeded'],
    ['data', 'succeeded'],
    ['reporting', 'succeeded'],
  ]);
  await watcher.close();
}, 60_000);
