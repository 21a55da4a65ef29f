import { afterAll, describe, expect, it } from 'vitest';
import { EXAMPLE_QUESTIONS } from '../shared/example-questions.js';
import { FrameClient, login } from '../test-support/demo-test-client.js';
import { AgentGates, createGatedDemoAgents, gateMarker } from '../test-support/gated-agents.js';
import { deleteKeys, requireRedisUrl, uniqueKeyPrefix } from '../test-support/redis-test-env.js';
import { createTestDemoServer } from '../test-support/test-demo-server.js';
import type { DemoServer, DemoServerOptions } from './create-demo-server.js';
import { MAX_OPEN_RUNS_PER_USER } from './open-runs.js';
import type { ServerFrame } from './protocol.js';

// Redis mode with the worker tier (@baton/bullmq): web instances queue the asks, worker instances run
// them (REDIS_URL, or the private redis-server of the global setup). Runs are held where a test wants
// them with gates it opens by hand, never with sleeps.

const USERS = [
  { username: 'alice', password: 'alice-demo-pw' },
  { username: 'bob', password: 'bob-demo-pw' },
];
const PARTIAL = EXAMPLE_QUESTIONS.find((example) => example.path === 'partial')!.text;
const SUFFICIENT = EXAMPLE_QUESTIONS.find((example) => example.path === 'sufficient')!.text;

type EventFrame = Extract<ServerFrame, { type: 'event' }>;

// BullMQ's job locks lapse by wall-clock time: the demo's 10 s lock, renewed every 5 s, lapses when a
// starved event loop (a loaded CI machine) runs the renewal late, and the run is then interrupted and
// resumed, which is not what these tests are about. Here a lock lasts as long as a test may take (a
// hang detector); failover comes from `close()`, which hands runs back at once. Lapses have their own
// test, with short locks on purpose (redis-freeze.test.ts).
const TEST_LOCK_DURATION_MS = 120_000;

const servers: DemoServer[] = [];
const prefixes: string[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  for (const prefix of prefixes) await deleteKeys(requireRedisUrl(), prefix);
});

/** A deployment on a fresh key prefix: instances started with `start` share its Redis, queue and gates. */
function deployment() {
  const redis = { url: requireRedisUrl(), keyPrefix: uniqueKeyPrefix(), retryDelayMs: { min: 50, max: 500 } };
  prefixes.push(redis.keyPrefix);
  const gates = new AgentGates();
  const start = async (role: 'web' | 'worker' | 'both', options: DemoServerOptions = {}) => {
    const server = await createTestDemoServer({
      users: USERS,
      scryptCost: 2 ** 10,
      delayScale: 0,
      redis,
      role,
      agents: createGatedDemoAgents({ delayScale: 0, gates }),
      ...options,
      worker: { lockDurationMs: TEST_LOCK_DURATION_MS, ...options.worker },
    });
    servers.push(server);
    return { server, url: await server.listen({ port: 0 }) };
  };
  return { gates, start };
}

function runEvents(client: FrameClient, runId: string): EventFrame[] {
  return client.events().filter((frame) => frame.event.runId === runId);
}

describe('a web instance and a worker instance', () => {
  it('the web instance queues the ask and the worker runs it: the asking socket gets accepted, every event, then the result', async () => {
    const { start } = deployment();
    const web = await start('web');
    const worker = await start('worker');
    expect([web.server.role, worker.server.role]).toEqual(['web', 'worker']);
    // A worker-only instance serves its health check and nothing a user talks to.
    expect((await fetch(`${worker.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${worker.url}/api/me`)).status).toBe(404);

    const alice = await FrameClient.connect(web.url, { cookie: await login(web.url, 'alice', 'alice-demo-pw') });
    const runId = await alice.ask(PARTIAL);
    const result = await alice.result(runId);
    const events = runEvents(alice, runId);
    expect(events[0]!.event.type).toBe('workflow_started');
    expect(alice.frames.indexOf(events[0]!)).toBeGreaterThan(alice.frames.findIndex((frame) => frame.type === 'accepted'));
    const completed = events.find((frame) => frame.event.type === 'workflow_completed')!;
    expect(alice.frames.indexOf(result)).toBeGreaterThan(alice.frames.indexOf(completed));
    expect(result.result).toMatchObject({ status: 'succeeded', path: 'partial', output: { headline: expect.any(String) } });
    // The worker recorded it, under the workflowId every instance computes from the user and runId.
    expect(await web.server.store.get(result.result.workflowId)).toMatchObject({ runId, input: PARTIAL, status: 'succeeded' });
    // No engine on the web instance ever ran it.
    expect(web.server.factory.getMetrics().enginesCreated).toBe(0);
    await alice.close();
  });

  it('a cancel sent to the web instance reaches the run on the worker; foreign, unknown and finished runIds get UNKNOWN_RUN', async () => {
    const { gates, start } = deployment();
    const web = await start('web');
    await start('worker');
    const alice = await FrameClient.connect(web.url, { cookie: await login(web.url, 'alice', 'alice-demo-pw') });
    const bob = await FrameClient.connect(web.url, { cookie: await login(web.url, 'bob', 'bob-demo-pw') });
    const runId = await alice.ask(`${PARTIAL} ${gateMarker('data')}`);
    await gates.reached('data');

    const foreign = bob.nextError();
    bob.send({ type: 'cancel', runId });
    expect(await foreign).toMatchObject({ code: 'UNKNOWN_RUN' });
    const unknown = bob.nextError();
    bob.send({ type: 'cancel', runId: 'no-such-run' });
    expect((await unknown).message).toBe((await foreign).message);

    alice.send({ type: 'cancel', runId });
    expect((await alice.result(runId)).result.status).toBe('cancelled');
    expect((await alice.event(runId, (event) => event.type === 'workflow_completed')).event).toMatchObject({ status: 'cancelled' });
    const finished = alice.nextError();
    alice.send({ type: 'cancel', runId });
    expect(await finished).toMatchObject({ code: 'UNKNOWN_RUN' });
    expect(bob.events()).toEqual([]);
    await Promise.all([alice.close(), bob.close()]);
  });

  it('an approval decided on the web instance is resumed by the worker; a second decision gets NOT_SUSPENDED', async () => {
    const { start } = deployment();
    const web = await start('web');
    await start('worker');
    const alice = await FrameClient.connect(web.url, { cookie: await login(web.url, 'alice', 'alice-demo-pw') });
    const bob = await FrameClient.connect(web.url, { cookie: await login(web.url, 'bob', 'bob-demo-pw') });
    const runId = await alice.ask(SUFFICIENT);
    const suspended = await alice.suspended(runId);
    expect(suspended.result).toMatchObject({ status: 'suspended', suspendedAt: 'actions' });
    const { workflowId } = suspended.result;

    const foreign = bob.nextDecisionError(workflowId);
    bob.decide(workflowId, true);
    expect(await foreign).toMatchObject({ code: 'UNKNOWN_RUN', workflowId });
    alice.decide(workflowId, true, 'go');
    const result = await alice.result(runId);
    expect(result.result).toMatchObject({ workflowId, status: 'succeeded', path: 'sufficient' });
    const resumed = await alice.event(runId, (event) => event.type === 'workflow_resumed');
    expect(alice.frames.indexOf(resumed)).toBeGreaterThan(alice.frames.indexOf(suspended));
    expect(
      runEvents(alice, runId).find((frame) => frame.event.type === 'agent_started' && frame.event.agentName === 'actions')?.event,
    ).toMatchObject({ input: { approval: { approved: true, note: 'go' } } });
    const late = alice.nextDecisionError(workflowId);
    alice.decide(workflowId, false);
    expect(await late).toMatchObject({ code: 'NOT_SUSPENDED', workflowId });
    await Promise.all([alice.close(), bob.close()]);
  });

  it("a logout cancels the session's runs on the worker", async () => {
    const { gates, start } = deployment();
    const web = await start('web');
    await start('worker');
    const cookie = await login(web.url, 'alice', 'alice-demo-pw');
    // Another session of alice watches: the logged-out one's sockets close.
    const watcher = await FrameClient.connect(web.url, { cookie: await login(web.url, 'alice', 'alice-demo-pw') });
    const asker = await FrameClient.connect(web.url, { cookie });
    const runId = await asker.ask(`${PARTIAL} ${gateMarker('data')}`);
    await gates.reached('data');
    expect((await fetch(`${web.url}/api/logout`, { method: 'POST', headers: { cookie, origin: web.url } })).status).toBe(200);
    expect((await watcher.event(runId, (event) => event.type === 'workflow_completed')).event).toMatchObject({ status: 'cancelled' });
    expect((await asker.closed).code).toBe(1000);
    await watcher.close();
  });
});

describe('failover', () => {
  it('a worker closed mid-run hands the run back: another worker resumes it, and the socket sees workflow_resumed, then the result', async () => {
    const { gates, start } = deployment();
    const web = await start('web');
    const first = await start('worker', { worker: { closeGraceMs: 0 } });
    const alice = await FrameClient.connect(web.url, { cookie: await login(web.url, 'alice', 'alice-demo-pw') });
    const runId = await alice.ask(`${PARTIAL} ${gateMarker('data')}`);
    // Triage and data_helper are done on the first worker; data waits at its gate there.
    await gates.reached('data');
    // Started only now, so the run is surely on the first one.
    await start('worker');

    await first.server.close();
    await gates.reached('data', 2);
    gates.open('data');
    const result = await alice.result(runId);
    expect(result.result).toMatchObject({ status: 'succeeded', path: 'partial' });
    const resumed = await alice.event(runId, (event) => event.type === 'workflow_resumed');
    expect(resumed.event).toMatchObject({ completedStages: ['triage', 'data_helper'] });
    expect(alice.frames.indexOf(result)).toBeGreaterThan(alice.frames.indexOf(resumed));
    // Interrupted, not failed: no `interrupted` frame and no workflow_completed before the resume.
    expect(alice.frames.some((frame) => frame.type === 'interrupted')).toBe(false);
    expect(runEvents(alice, runId).filter((frame) => frame.event.type === 'workflow_completed')).toHaveLength(1);
    const started = runEvents(alice, runId)
      .filter((frame) => frame.event.type === 'agent_started')
      .map((frame) => frame.event.agentName);
    expect(started).toEqual(['triage', 'data_helper', 'data', 'data', 'reporting']);
    await alice.close();
  }, 120_000);
});

describe('the per-user limits with a queue', () => {
  it('a 4th ask is accepted and waits in the queue; it starts once one of the first three ends', async () => {
    const { gates, start } = deployment();
    const web = await start('web');
    await start('worker');
    const alice = await FrameClient.connect(web.url, { cookie: await login(web.url, 'alice', 'alice-demo-pw') });
    const held = `${PARTIAL} ${gateMarker('data')}`;
    const running = [await alice.ask(held), await alice.ask(held), await alice.ask(held)];
    await gates.reached('data', 3);
    const fourth = await alice.ask(PARTIAL);
    // The user's 3 slots are held at the gate, across the cluster: the 4th cannot have started.
    expect(runEvents(alice, fourth)).toEqual([]);

    alice.send({ type: 'cancel', runId: running[0] });
    expect((await alice.result(running[0]!)).result.status).toBe('cancelled');
    expect((await alice.result(fourth)).result).toMatchObject({ status: 'succeeded' });
    const firstStarted = runEvents(alice, fourth)[0]!;
    const cancelled = runEvents(alice, running[0]!).find((frame) => frame.event.type === 'workflow_completed')!;
    expect(alice.frames.indexOf(firstStarted)).toBeGreaterThan(alice.frames.indexOf(cancelled));
    for (const runId of running.slice(1)) alice.send({ type: 'cancel', runId });
    for (const runId of running.slice(1)) expect((await alice.result(runId)).result.status).toBe('cancelled');
    await alice.close();
  }, 120_000);

  it(`the ${MAX_OPEN_RUNS_PER_USER + 1}th unfinished ask gets USER_LIMIT_EXCEEDED, on any web instance; other users are not affected`, async () => {
    const { gates, start } = deployment();
    const webA = await start('web');
    const webB = await start('web');
    await start('worker');
    const cookie = await login(webA.url, 'alice', 'alice-demo-pw');
    const onA = await FrameClient.connect(webA.url, { cookie });
    const onB = await FrameClient.connect(webB.url, { cookie });
    const held = `${PARTIAL} ${gateMarker('data')}`;
    const asked = await Promise.all(Array.from({ length: MAX_OPEN_RUNS_PER_USER }, (_, index) => (index % 2 ? onA : onB).ask(held)));
    expect(new Set(asked).size).toBe(MAX_OPEN_RUNS_PER_USER);
    onB.send({ type: 'ask', text: PARTIAL, clientRequestId: 'one-too-many' });
    expect(await onB.answerTo('one-too-many')).toMatchObject({
      type: 'error',
      code: 'USER_LIMIT_EXCEEDED',
      message: `You have ${MAX_OPEN_RUNS_PER_USER} questions waiting or running; wait for one to finish or cancel one.`,
    });
    const bob = await FrameClient.connect(webA.url, { cookie: await login(webA.url, 'bob', 'bob-demo-pw') });
    expect((await bob.result(await bob.ask(PARTIAL))).result).toMatchObject({ status: 'succeeded' });

    // Once they end, the user may ask again.
    gates.open('data');
    // Matched as objects: a run that did not succeed shows its stages and errors in the failure.
    for (const runId of asked) expect((await onA.result(runId)).result).toMatchObject({ status: 'succeeded' });
    expect((await onA.result(await onA.ask(PARTIAL))).result).toMatchObject({ status: 'succeeded' });
    await Promise.all([onA.close(), onB.close(), bob.close()]);
  }, 120_000);
});

describe('roles', () => {
  it.each(['web', 'worker'] as const)('refuses role %s without Redis, saying it needs REDIS_URL', async (role) => {
    await expect(createTestDemoServer({ users: USERS, scryptCost: 2 ** 10, role })).rejects.toThrow(
      new RegExp(`^BATON_DEMO_ROLE=${role} needs REDIS_URL`),
    );
  });

  it('refuses an unknown role', async () => {
    await expect(createTestDemoServer({ users: USERS, scryptCost: 2 ** 10, role: 'chef' as 'web' })).rejects.toThrow(
      /must be one of web, worker, both/,
    );
  });
});
