import { createUserExecutionContext, FactoryShutdownError, InMemoryRunStore } from '@baton/engine-contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_QUESTIONS } from '../shared/example-questions.js';
import { FrameClient, login, upgradeStatus } from '../test-support/demo-test-client.js';
import { createDemoServer, type DemoServer, type DemoServerOptions } from './create-demo-server.js';
import { MAX_FRAME_BYTES } from './protocol.js';

const USERS = [
  { username: 'alice', password: 'alice-demo-pw' },
  { username: 'bob', password: 'bob-demo-pw' },
  { username: 'carol', password: 'carol-demo-pw' },
];
const [SUFFICIENT, PARTIAL, INSUFFICIENT] = EXAMPLE_QUESTIONS.map((example) => example.text) as [string, string, string];

const servers: DemoServer[] = [];
/** Starts a server on an ephemeral port; fast scrypt so many logins stay quick. */
async function start(options: DemoServerOptions = {}): Promise<{ server: DemoServer; url: string }> {
  const server = await createDemoServer({ users: USERS, scryptCost: 2 ** 10, delayScale: 0, ...options });
  servers.push(server);
  return { server, url: await server.listen({ port: 0 }) };
}
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

function post(url: string, body: string | undefined, headers: Record<string, string> = {}) {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body }),
  });
}

describe('HTTP', () => {
  let url: string;
  beforeAll(async () => {
    ({ url } = await start());
  });

  it('answers /healthz', async () => {
    const response = await fetch(`${url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('logs in with an HttpOnly, SameSite=Strict, Path=/ session cookie; /api/me knows the user; logout ends it', async () => {
    const response = await post(`${url}/api/login`, JSON.stringify({ username: 'alice', password: 'alice-demo-pw' }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ userId: 'alice' });
    const setCookie = response.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^baton_session=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    expect(setCookie).toContain('Path=/');
    const cookie = setCookie.split(';')[0]!;

    const me = await fetch(`${url}/api/me`, { headers: { cookie } });
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual({ userId: 'alice' });

    const logout = await post(`${url}/api/logout`, undefined, { cookie });
    expect(logout.status).toBe(200);
    expect((await fetch(`${url}/api/me`, { headers: { cookie } })).status).toBe(401);
  });

  it('answers /api/me without a session with 401', async () => {
    const response = await fetch(`${url}/api/me`);
    expect(response.status).toBe(401);
    expect((await response.json()).error.code).toBe('UNAUTHORIZED');
    expect((await fetch(`${url}/api/me`, { headers: { cookie: 'baton_session=forged' } })).status).toBe(401);
  });

  it('gives the same 401 for a wrong password and for an unknown user', async () => {
    const wrong = await post(`${url}/api/login`, JSON.stringify({ username: 'alice', password: 'nope' }));
    const unknown = await post(`${url}/api/login`, JSON.stringify({ username: 'mallory', password: 'nope' }));
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const wrongBody = await wrong.json();
    expect(wrongBody).toEqual(await unknown.json());
    expect(wrongBody.error.code).toBe('INVALID_CREDENTIALS');
    expect(wrong.headers.get('set-cookie')).toBeNull();
  });

  it.each([
    ['invalid JSON', '{"username":'],
    ['a missing password', JSON.stringify({ username: 'alice' })],
    ['a wrong type', JSON.stringify({ username: 'alice', password: 42 })],
    ['an array', JSON.stringify(['alice', 'alice-demo-pw'])],
    ['an unknown field', JSON.stringify({ username: 'alice', password: 'alice-demo-pw', admin: true })],
  ])('refuses a login body with %s: 400 INVALID_REQUEST', async (_name, body) => {
    const response = await post(`${url}/api/login`, body);
    expect(response.status).toBe(400);
    expect((await response.json()).error.code).toBe('INVALID_REQUEST');
  });

  it('refuses a login body that is not JSON with 400 INVALID_REQUEST', async () => {
    const response = await fetch(`${url}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'alice:alice-demo-pw',
    });
    expect(response.status).toBe(400);
    expect((await response.json()).error.code).toBe('INVALID_REQUEST');
  });

  it('refuses a cross-site login (foreign Origin) with 403', async () => {
    const response = await post(`${url}/api/login`, JSON.stringify({ username: 'alice', password: 'alice-demo-pw' }), {
      origin: 'http://evil.example',
    });
    expect(response.status).toBe(403);
  });

  it('serves a page at /', async () => {
    const response = await fetch(`${url}/`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('Baton');
  });
});

describe('login throttling', () => {
  it('answers 429 once an address has too many failed logins, even with the right password', async () => {
    const { url } = await start({ loginThrottle: { maxFailures: 3, windowMs: 60_000 } });
    const attempt = (password: string) => post(`${url}/api/login`, JSON.stringify({ username: 'bob', password }));
    // Successful logins do not count.
    expect((await attempt('bob-demo-pw')).status).toBe(200);
    for (let index = 0; index < 3; index++) expect((await attempt('wrong')).status).toBe(401);
    const throttled = await attempt('bob-demo-pw');
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await throttled.json()).error.code).toBe('TOO_MANY_REQUESTS');
  });

  // The window, parallel guesses, per-username limits and Redis mode: login-limits.test.ts.
});

describe('WebSocket upgrade', () => {
  let url: string;
  let cookie: string;
  beforeAll(async () => {
    ({ url } = await start());
    cookie = await login(url, 'alice', 'alice-demo-pw');
  });

  it('refuses an upgrade without a session cookie with 401 (an HTTP answer, no socket)', async () => {
    expect((await upgradeStatus(url, {})).status).toBe(401);
    expect((await upgradeStatus(url, { cookie: 'baton_session=unknown' })).status).toBe(401);
  });

  it('checks the session before the Origin: no session and a foreign Origin is 401', async () => {
    expect((await upgradeStatus(url, { origin: 'http://evil.example' })).status).toBe(401);
  });

  it('refuses a foreign Origin with 403', async () => {
    const refused = await upgradeStatus(url, { cookie, origin: 'http://evil.example' });
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body).error.code).toBe('FORBIDDEN_ORIGIN');
    // Same host, other scheme or port: still foreign.
    expect((await upgradeStatus(url, { cookie, origin: url.replace('http://', 'https://') })).status).toBe(403);
  });

  it('refuses a missing Origin with 403', async () => {
    expect((await upgradeStatus(url, { cookie, origin: null })).status).toBe(403);
  });

  it('accepts a valid session with its own Origin', async () => {
    expect((await upgradeStatus(url, { cookie })).status).toBe(101);
  });

  it('refuses an expired session with 401 (injected clock)', async () => {
    let now = 5_000_000;
    const { url: expiringUrl } = await start({ now: () => now, sessionTtlMs: 60_000 });
    const expiring = await login(expiringUrl, 'bob', 'bob-demo-pw');
    expect((await upgradeStatus(expiringUrl, { cookie: expiring })).status).toBe(101);
    now += 60_001;
    expect((await upgradeStatus(expiringUrl, { cookie: expiring })).status).toBe(401);
    expect((await fetch(`${expiringUrl}/api/me`, { headers: { cookie: expiring } })).status).toBe(401);
  });
});

describe('frames', () => {
  let url: string;
  let cookie: string;
  beforeAll(async () => {
    ({ url } = await start({ maxFramesPerSecond: 100 }));
    cookie = await login(url, 'alice', 'alice-demo-pw');
  });

  it('runs an ask: accepted first, then the run events with its runId, then the result', async () => {
    const client = await FrameClient.connect(url, { cookie });
    client.send({ type: 'ask', text: PARTIAL, clientRequestId: 'first' });
    const accepted = await client.answerTo('first');
    expect(accepted).toMatchObject({ type: 'accepted', clientRequestId: 'first' });
    const runId = accepted.type === 'accepted' ? accepted.runId : '';
    const result = await client.result(runId);
    expect(result.result.status).toBe('succeeded');
    expect(result.result.path).toBe('partial');
    const acceptedIndex = client.frames.indexOf(accepted);
    const events = client.events().filter((frame) => frame.event.runId === runId);
    expect(events.length).toBeGreaterThan(10);
    expect(client.frames.indexOf(events[0]!)).toBeGreaterThan(acceptedIndex);
    expect(events.every((frame) => frame.event.userId === 'alice')).toBe(true);
    expect(events[0]!.event.type).toBe('workflow_started');
    expect(events.at(-1)!.event.type).toBe('workflow_completed');
    expect(client.frames.indexOf(result)).toBeGreaterThan(client.frames.indexOf(events.at(-1)!));
    // Ids are increasing per user.
    const ids = events.map((frame) => frame.id);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    await client.close();
  });

  it('runs a full analysis up to its approval, then to the end once approved: two results, one card', async () => {
    const client = await FrameClient.connect(url, { cookie });
    const runId = await client.ask(SUFFICIENT);
    const suspended = await client.suspended(runId);
    expect(suspended.result).toMatchObject({ status: 'suspended', suspendedAt: 'actions', path: 'sufficient' });
    expect(suspended.result.stages.map((stage) => (stage as { agentName: string }).agentName)).toEqual(['triage', 'data', 'optimization']);
    const before = client.events().filter((frame) => frame.event.runId === runId);
    // The question is the run's last event until the decision, and comes before the suspended result.
    expect(before.at(-1)!.event).toMatchObject({ type: 'workflow_suspended', stage: 'actions', workflowId: suspended.result.workflowId });
    expect(client.frames.indexOf(suspended)).toBeGreaterThan(client.frames.indexOf(before.at(-1)!));
    client.decide(suspended.result.workflowId, true);
    const result = await client.result(runId);
    expect(result.result).toMatchObject({ workflowId: suspended.result.workflowId, status: 'succeeded', path: 'sufficient' });
    const after = client
      .events()
      .filter((frame) => frame.event.runId === runId)
      .slice(before.length);
    expect(after[0]!.event.type).toBe('workflow_resumed');
    expect(after.at(-1)!.event.type).toBe('workflow_completed');
    // The same runId, a new engine: its events count from 0 again.
    expect(after.map((frame) => frame.event.seq)).toEqual(after.map((_, index) => index));
    await client.close();
  });

  it.each([
    ['invalid JSON', '{"type":"ask",'],
    ['a wrong type', JSON.stringify({ type: 'shout', text: 'hi' })],
    ['a missing field', JSON.stringify({ type: 'ask' })],
    ['a missing runId', JSON.stringify({ type: 'cancel' })],
    ['an empty text', JSON.stringify({ type: 'ask', text: '' })],
    ['a text that is too long', JSON.stringify({ type: 'ask', text: 'x'.repeat(4001) })],
    ['a non-object', JSON.stringify('ask')],
    ['an unknown field', JSON.stringify({ type: 'ask', text: 'hi', userId: 'bob' })],
  ])('answers %s with an error frame and keeps the socket usable', async (_name, raw) => {
    const client = await FrameClient.connect(url, { cookie });
    const error = client.nextError();
    client.socket.send(raw);
    expect(await error).toMatchObject({ type: 'error', code: 'INVALID_REQUEST' });
    const runId = await client.ask(INSUFFICIENT);
    expect((await client.result(runId)).result.status).toBe('succeeded');
    await client.close();
  });

  it('echoes the clientRequestId of an invalid ask', async () => {
    const client = await FrameClient.connect(url, { cookie });
    client.send({ type: 'ask', text: '', clientRequestId: 'bad-one' });
    expect(await client.answerTo('bad-one')).toMatchObject({ type: 'error', code: 'INVALID_REQUEST', clientRequestId: 'bad-one' });
    await client.close();
  });

  it('answers a binary frame with an error frame', async () => {
    const client = await FrameClient.connect(url, { cookie });
    const error = client.nextError();
    client.socket.send(Buffer.from('{"type":"ask","text":"hi"}'), { binary: true });
    expect(await error).toMatchObject({ code: 'INVALID_REQUEST' });
    await client.close();
  });

  it('closes the socket with 1009 on a frame over 16 KiB, and only that socket', async () => {
    const bystander = await FrameClient.connect(url, { cookie });
    const client = await FrameClient.connect(url, { cookie });
    client.socket.send(JSON.stringify({ type: 'ask', text: 'x'.repeat(MAX_FRAME_BYTES) }));
    expect((await client.closed).code).toBe(1009);
    const runId = await bystander.ask(PARTIAL);
    expect((await bystander.result(runId)).result.status).toBe('succeeded');
    await bystander.close();
  });

  it('closes the socket with 1007 on invalid UTF-8', async () => {
    const client = await FrameClient.connect(url, { cookie });
    client.socket.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    expect((await client.closed).code).toBe(1007);
  });

  it('closes a flooding socket with 1008', async () => {
    // On a clock that stands still, so the frame budget never refills however slowly a loaded machine
    // reads the 150 frames: the 101st is over it.
    const frozen = Date.now();
    const { url: floodUrl } = await start({ maxFramesPerSecond: 100, now: () => frozen });
    const client = await FrameClient.connect(floodUrl, { cookie: await login(floodUrl, 'carol', 'carol-demo-pw') });
    for (let index = 0; index < 150; index++) client.send({ type: 'cancel', runId: `nope-${index}` });
    expect((await client.closed).code).toBe(1008);
  });

  it('answers a cancel of an unknown runId with an error frame', async () => {
    const client = await FrameClient.connect(url, { cookie });
    const error = client.nextError();
    client.send({ type: 'cancel', runId: 'no-such-run' });
    expect(await error).toMatchObject({ code: 'UNKNOWN_RUN' });
    await client.close();
  });
});

describe('runs in flight (slow agents)', () => {
  let url: string;
  beforeAll(async () => {
    // Slow enough that runs are still going when the test acts on them; every wait is on a frame.
    ({ url } = await start({ delayScale: 40 }));
  });

  it('cancels its own run: the result is cancelled', async () => {
    const client = await FrameClient.connect(url, { cookie: await login(url, 'alice', 'alice-demo-pw') });
    const runId = await client.ask(SUFFICIENT);
    await client.event(runId, (event) => event.type === 'agent_started');
    client.send({ type: 'cancel', runId });
    const result = await client.result(runId);
    expect(result.result.status).toBe('cancelled');
    const completed = await client.event(runId, (event) => event.type === 'workflow_completed');
    expect(completed.event).toMatchObject({ status: 'cancelled' });
    await client.close();
  });

  it("refuses to cancel another user's run, with the same answer as an unknown runId", async () => {
    const alice = await FrameClient.connect(url, { cookie: await login(url, 'alice', 'alice-demo-pw') });
    const bob = await FrameClient.connect(url, { cookie: await login(url, 'bob', 'bob-demo-pw') });
    const runId = await alice.ask(SUFFICIENT);
    await alice.event(runId, (event) => event.type === 'agent_started');
    const error = bob.nextError();
    bob.send({ type: 'cancel', runId });
    const foreign = await error;
    expect(foreign).toMatchObject({ type: 'error', code: 'UNKNOWN_RUN' });
    const unknownError = bob.nextError();
    bob.send({ type: 'cancel', runId: 'no-such-run' });
    expect((await unknownError).message).toBe(foreign.message);
    // Alice's run is untouched by bob's attempt; she cancels it herself.
    alice.send({ type: 'cancel', runId });
    expect((await alice.result(runId)).result.status).toBe('cancelled');
    expect(alice.events().some((frame) => frame.event.type === 'agent_completed' && frame.event.status === 'cancelled')).toBe(true);
    expect(bob.events()).toEqual([]);
    await Promise.all([alice.close(), bob.close()]);
  });

  it('refuses a 4th concurrent ask with USER_LIMIT_EXCEEDED and accepts again once a run ended', async () => {
    const client = await FrameClient.connect(url, { cookie: await login(url, 'carol', 'carol-demo-pw') });
    const runIds = [await client.ask(SUFFICIENT), await client.ask(PARTIAL), await client.ask(INSUFFICIENT)];
    client.send({ type: 'ask', text: SUFFICIENT, clientRequestId: 'fourth' });
    expect(await client.answerTo('fourth')).toMatchObject({ type: 'error', code: 'USER_LIMIT_EXCEEDED', clientRequestId: 'fourth' });
    client.send({ type: 'cancel', runId: runIds[0] });
    await client.result(runIds[0]!);
    // The engine is disposed before `result` is sent, so the slot is free now.
    const again = await client.ask(INSUFFICIENT);
    for (const runId of [...runIds.slice(1), again]) client.send({ type: 'cancel', runId });
    for (const runId of [...runIds.slice(1), again]) expect((await client.result(runId)).result.status).toBe('cancelled');
    await client.close();
  });

  it('closes the sockets of a session on logout, and only that session', async () => {
    const cookie = await login(url, 'bob', 'bob-demo-pw');
    const otherSession = await login(url, 'bob', 'bob-demo-pw');
    const first = await FrameClient.connect(url, { cookie });
    const second = await FrameClient.connect(url, { cookie });
    const other = await FrameClient.connect(url, { cookie: otherSession });
    const runId = await first.ask(SUFFICIENT);
    await first.event(runId, (event) => event.type === 'agent_started');
    const response = await post(`${url}/api/logout`, undefined, { cookie, origin: url });
    expect(response.status).toBe(200);
    expect((await first.closed).code).toBe(1000);
    expect((await second.closed).code).toBe(1000);
    // The logged-out session's run is cancelled; the other session of bob sees that, and stays open.
    expect((await other.result(runId)).result.status).toBe('cancelled');
    expect(other.socket.readyState).toBe(other.socket.OPEN);
    expect((await upgradeStatus(url, { cookie })).status).toBe(401);
    await other.close();
  });
});

describe('replay with ?since', () => {
  let url: string;
  let cookie: string;
  beforeAll(async () => {
    // Holds one insufficient run (about 190 events, most of them answer words), not a sufficient one (about 390).
    ({ url } = await start({ replayBufferSize: 300 }));
    cookie = await login(url, 'alice', 'alice-demo-pw');
  });

  it('replays the events after the id in order without duplicates, then follows live', async () => {
    const first = await FrameClient.connect(url, { cookie });
    const runId = await first.ask(INSUFFICIENT);
    await first.result(runId);
    const seen = first.events();
    const since = seen[4]!.id;
    await first.close();

    const second = await FrameClient.connect(url, { cookie, since });
    const next = await second.ask(INSUFFICIENT);
    await second.result(next);
    const replayed = second.events().filter((frame) => frame.event.runId === runId);
    expect(replayed.map((frame) => frame.id)).toEqual(seen.slice(5).map((frame) => frame.id));
    expect(replayed.map((frame) => frame.event)).toEqual(seen.slice(5).map((frame) => frame.event));
    const ids = second.events().map((frame) => frame.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    expect(second.frames.some((frame) => frame.type === 'error')).toBe(false);
    await second.close();
  });

  it('answers an unknown id with REPLAY_UNAVAILABLE, then live events', async () => {
    const client = await FrameClient.connect(url, { cookie, since: 'not-an-id' });
    const error = await client.waitFor((frame) => frame.type === 'error');
    expect(error).toMatchObject({ code: 'REPLAY_UNAVAILABLE' });
    expect(client.frames[0]).toBe(error);
    const runId = await client.ask(INSUFFICIENT);
    expect((await client.result(runId)).result.status).toBe('succeeded');
    await client.close();
  });

  it('answers an id that fell out of the bounded buffer with REPLAY_UNAVAILABLE', async () => {
    const client = await FrameClient.connect(url, { cookie });
    const runId = await client.ask(SUFFICIENT);
    await client.approveAndFinish(runId);
    const oldest = client.events()[0]!.id;
    // Its own later events, and a second run, push the first one's events out of the 300 kept.
    await client.approveAndFinish(await client.ask(SUFFICIENT));
    await client.close();
    const late = await FrameClient.connect(url, { cookie, since: oldest });
    expect(await late.waitFor((frame) => frame.type === 'error')).toMatchObject({ code: 'REPLAY_UNAVAILABLE' });
    await late.close();
  });

  it("never replays another user's events, whatever id is given", async () => {
    const aliceClient = await FrameClient.connect(url, { cookie });
    const runId = await aliceClient.ask(INSUFFICIENT);
    await aliceClient.result(runId);
    const aliceId = aliceClient.events()[0]!.id;
    await aliceClient.close();
    const bob = await FrameClient.connect(url, { cookie: await login(url, 'bob', 'bob-demo-pw'), since: aliceId });
    const own = await bob.ask(INSUFFICIENT);
    await bob.result(own);
    expect(bob.events().every((frame) => frame.event.userId === 'bob')).toBe(true);
    await bob.close();
  });
});

describe('graceful shutdown', () => {
  it('interrupts every run (recorded interrupted, an `interrupted` frame, no result), closes sockets with 1001 and shuts the factory down', async () => {
    const store = new InMemoryRunStore();
    const { server, url } = await start({ delayScale: 40, store });
    const alice = await FrameClient.connect(url, { cookie: await login(url, 'alice', 'alice-demo-pw') });
    const bob = await FrameClient.connect(url, { cookie: await login(url, 'bob', 'bob-demo-pw') });
    const aliceRuns = [await alice.ask(SUFFICIENT), await alice.ask(PARTIAL)];
    const bobRun = await bob.ask(INSUFFICIENT);
    await Promise.all([
      ...aliceRuns.map((runId) => alice.event(runId, (event) => event.type === 'agent_started')),
      bob.event(bobRun, (event) => event.type === 'agent_started'),
    ]);

    await server.close();

    for (const [client, runId, question] of [
      [alice, aliceRuns[0]!, SUFFICIENT],
      [alice, aliceRuns[1]!, PARTIAL],
      [bob, bobRun, INSUFFICIENT],
    ] as const) {
      const frame = await client.waitFor((candidate) => candidate.type === 'interrupted' && candidate.runId === runId);
      const [record] = (await store.listRuns(client === alice ? 'alice' : 'bob', { limit: 100 })).filter((run) => run.runId === runId);
      // Interrupted, not cancelled: no result, no workflow_completed; the store holds it resumable.
      expect(record).toMatchObject({ status: 'interrupted', input: question, runId });
      expect(frame).toEqual({ type: 'interrupted', runId, workflowId: record!.workflowId });
      expect(client.frames.some((candidate) => candidate.type === 'result' && candidate.runId === runId)).toBe(false);
      expect(client.events().some((candidate) => candidate.event.runId === runId && candidate.event.type === 'workflow_completed')).toBe(
        false,
      );
    }
    expect((await alice.closed).code).toBe(1001);
    expect((await bob.closed).code).toBe(1001);
    expect(server.factory.getMetrics().enginesActive).toBe(0);
    const context = createUserExecutionContext({ userId: 'alice', threadId: 'thread-1', runId: 'run-after-shutdown' });
    await expect(server.factory.createEngine(context)).rejects.toSatisfy((error) => FactoryShutdownError.isInstance(error));
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    // Idempotent.
    await server.close();
  });
});
