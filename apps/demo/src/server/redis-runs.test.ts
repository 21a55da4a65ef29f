import { afterAll, expect, it } from 'vitest';
import { EXAMPLE_QUESTIONS } from '../shared/example-questions.js';
import { RunsPageSchema } from '../shared/runs-api.js';
import { FrameClient, login } from '../test-support/demo-test-client.js';
import { AgentGates, createGatedDemoAgents, gateMarker } from '../test-support/gated-agents.js';
import { deleteKeys, requireRedisUrl, uniqueKeyPrefix } from '../test-support/redis-test-env.js';
import { createTestDemoServer } from '../test-support/test-demo-server.js';
import type { DemoServer, DemoServerOptions } from './create-demo-server.js';

// Redis mode: runs are recorded in Redis, and the history's replay cursor works across instances
// (REDIS_URL, or the private redis-server of the global setup). A shutdown mid-run and the worker
// that resumes it: redis-worker-tier.test.ts.

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
  const server = await createTestDemoServer({ users: USERS, scryptCost: 2 ** 10, delayScale: 0, ...options });
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
