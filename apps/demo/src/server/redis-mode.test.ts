import type { AgentEvent } from '@baton/engine-contract';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerToText } from '../shared/answer-text.js';
import { EXAMPLE_QUESTIONS } from '../shared/example-questions.js';
import { FrameClient, login } from '../test-support/demo-test-client.js';
import { deleteKeys, requireRedisUrl, uniqueKeyPrefix } from '../test-support/redis-test-env.js';
import { createTestDemoServer } from '../test-support/test-demo-server.js';
import type { DemoServer, DemoServerOptions } from './create-demo-server.js';
import type { ServerFrame } from './protocol.js';

// Two demo instances on one real Redis (REDIS_URL, or the private redis-server of the global setup).

const USERS = [
  { username: 'alice', password: 'alice-demo-pw' },
  { username: 'bob', password: 'bob-demo-pw' },
  { username: 'carol', password: 'carol-demo-pw' },
];
const [SUFFICIENT, PARTIAL, INSUFFICIENT] = EXAMPLE_QUESTIONS.map((example) => example.text) as [string, string, string];
const STREAM_ID = /^\d+-\d+$/;

type EventFrame = Extract<ServerFrame, { type: 'event' }>;

const servers: DemoServer[] = [];
const prefixes: string[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  for (const prefix of prefixes) await deleteKeys(requireRedisUrl(), prefix);
});

/** Two instances sharing one Redis and key prefix (a fresh prefix per pair, so tests never meet). */
async function startPair(
  options: DemoServerOptions = {},
): Promise<{ a: string; b: string; servers: [DemoServer, DemoServer]; keyPrefix: string }> {
  const redis = { url: requireRedisUrl(), keyPrefix: uniqueKeyPrefix(), retryDelayMs: { min: 50, max: 500 } };
  prefixes.push(redis.keyPrefix);
  const started = await Promise.all(
    [0, 1].map(async () => {
      const server = await createTestDemoServer({ users: USERS, scryptCost: 2 ** 10, delayScale: 0, redis, ...options });
      servers.push(server);
      return server;
    }),
  );
  const [first, second] = started as [DemoServer, DemoServer];
  return { a: await first.listen({ port: 0 }), b: await second.listen({ port: 0 }), servers: [first, second], keyPrefix: redis.keyPrefix };
}

function runEvents(client: FrameClient, runId: string): EventFrame[] {
  return client.events().filter((frame) => frame.event.runId === runId);
}

function completed(client: FrameClient, runId: string) {
  return client.event(runId, (event) => event.type === 'workflow_completed');
}

it('refuses to start when Redis cannot be reached, with a message naming it', async () => {
  // Port 1 (tcpmux) is not a Redis anywhere this runs; the connection is refused at once.
  await expect(createTestDemoServer({ users: USERS, scryptCost: 2 ** 10, redis: { url: 'redis://127.0.0.1:1' } })).rejects.toThrow(
    /^Cannot reach Redis at redis:\/\/127\.0\.0\.1:1\/? \(REDIS_URL\): /,
  );
});

describe('Redis mode: two instances, one Redis', () => {
  let a: string;
  let b: string;
  let pair: [DemoServer, DemoServer];
  let keyPrefix: string;
  beforeAll(async () => {
    ({ a, b, servers: pair, keyPrefix } = await startPair({ delayScale: 0.05 }));
  });

  it('reports the mode', () => {
    expect(pair.map((server) => server.mode)).toEqual(['redis', 'redis']);
  });

  it('shares sessions: a cookie from instance A works on instance B, and a logout on B closes the sockets on A', async () => {
    const cookie = await login(a, 'carol', 'carol-demo-pw');
    const me = await fetch(`${b}/api/me`, { headers: { cookie } });
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual({ userId: 'carol' });
    const onA = await FrameClient.connect(a, { cookie });
    const onB = await FrameClient.connect(b, { cookie });
    const logout = await fetch(`${b}/api/logout`, { method: 'POST', headers: { cookie, origin: b } });
    expect(logout.status).toBe(200);
    expect((await onB.closed).code).toBe(1000);
    expect((await onA.closed).code).toBe(1000);
    expect((await fetch(`${a}/api/me`, { headers: { cookie } })).status).toBe(401);
  });

  it("delivers a run executed on B to alice's socket on A, every event in seq order; bob sees nothing", async () => {
    const aliceCookie = await login(a, 'alice', 'alice-demo-pw');
    const bobCookie = await login(b, 'bob', 'bob-demo-pw');
    const aliceOnA = await FrameClient.connect(a, { cookie: aliceCookie });
    const aliceOnB = await FrameClient.connect(b, { cookie: aliceCookie });
    const bobOnA = await FrameClient.connect(a, { cookie: bobCookie });
    const bobOnB = await FrameClient.connect(b, { cookie: bobCookie });

    // The partial path: it runs to the end by itself (a full analysis would stop at its approval).
    aliceOnB.send({ type: 'ask', text: PARTIAL, clientRequestId: 'from-b' });
    const accepted = await aliceOnB.answerTo('from-b');
    expect(accepted.type).toBe('accepted');
    const runId = accepted.type === 'accepted' ? accepted.runId : '';

    // Whichever worker ran it, the sockets on both instances get the result after the run's events.
    const result = await aliceOnB.result(runId);
    expect(result.result.status).toBe('succeeded');
    const lastOnB = await completed(aliceOnB, runId);
    expect(aliceOnB.frames.indexOf(result)).toBeGreaterThan(aliceOnB.frames.indexOf(lastOnB));
    const resultOnA = await aliceOnA.result(runId);
    const lastOnA = await completed(aliceOnA, runId);
    expect(lastOnA.event).toMatchObject({ status: 'succeeded', path: 'partial' });
    expect(aliceOnA.frames.indexOf(resultOnA)).toBeGreaterThan(aliceOnA.frames.indexOf(lastOnA));
    expect(resultOnA.result).toEqual(result.result);

    const onB = runEvents(aliceOnB, runId);
    const onA = runEvents(aliceOnA, runId);
    expect(onB.length).toBeGreaterThan(10);
    expect(aliceOnB.frames.indexOf(onB[0]!)).toBeGreaterThan(aliceOnB.frames.indexOf(accepted));
    // One engine per run: seq is 0, 1, 2, ... without gaps on both sockets, and both got the same frames.
    expect(onB.map((frame) => frame.event.seq)).toEqual(onB.map((_, index) => index));
    expect(onA.map((frame) => frame.id)).toEqual(onB.map((frame) => frame.id));
    expect(onA.map((frame) => frame.event)).toEqual(onB.map((frame) => frame.event));
    expect(onB[0]!.event.type).toBe('workflow_started');
    // Frame ids are the Redis stream ids: increasing, unique.
    expect(onB.every((frame) => STREAM_ID.test(frame.id))).toBe(true);
    expect(new Set(onB.map((frame) => frame.id)).size).toBe(onB.length);
    // The streamed answer crossed the stream too (the bus validates every event with the contract):
    // on A, the reporting deltas add up to the answer of reporting's agent_completed.
    const deltasOnA = onA.flatMap(({ event }) => (event.type === 'agent_output_delta' && event.stage === 'reporting' ? [event.delta] : []));
    const reportingDone = onA.find(({ event }) => event.type === 'agent_completed' && event.agentName === 'reporting')!.event;
    expect(deltasOnA.length).toBeGreaterThan(100);
    expect(deltasOnA.join('')).toBe(
      answerToText((reportingDone as Extract<AgentEvent, { type: 'agent_completed' }>).output as { headline: string; answer: string }),
    );

    // Bob asks too, so "nothing of alice's" is checked against sockets that demonstrably receive events.
    const bobRun = await bobOnA.ask(INSUFFICIENT);
    await completed(bobOnB, bobRun);
    await bobOnA.result(bobRun);
    for (const bob of [bobOnA, bobOnB]) {
      expect(bob.events().length).toBeGreaterThan(0);
      expect(bob.events().every((frame) => frame.event.userId === 'bob' && frame.event.runId === bobRun)).toBe(true);
      expect(bob.frames.some((frame) => frame.type === 'result' && frame.runId === runId)).toBe(false);
    }
    expect([aliceOnA, aliceOnB].every((alice) => alice.events().every((frame: EventFrame) => frame.event.userId === 'alice'))).toBe(true);
    await Promise.all([aliceOnA, aliceOnB, bobOnA, bobOnB].map((client) => client.close()));
  });

  it('replays with ?since on the other instance after the run ended, then follows live', async () => {
    const cookie = await login(b, 'alice', 'alice-demo-pw');
    const first = await FrameClient.connect(b, { cookie });
    const runId = await first.ask(INSUFFICIENT);
    await first.result(runId);
    const seen = runEvents(first, runId);
    await first.close();

    const second = await FrameClient.connect(a, { cookie, since: seen[4]!.id });
    await completed(second, runId);
    const next = await second.ask(INSUFFICIENT);
    await second.result(next);
    expect(runEvents(second, runId).map((frame) => frame.id)).toEqual(seen.slice(5).map((frame) => frame.id));
    const ids = second.events().map((frame) => frame.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(runEvents(second, next).length).toBeGreaterThan(5);
    await second.close();
  });

  it.each([
    ['a malformed id', 'not-an-id'],
    ['an in-memory-mode id', '0a1b2c3d-0000000005'],
    ['an id ahead of the stream', '99999999999999-0'],
  ])('answers %s with REPLAY_UNAVAILABLE first, then live events', async (_name, since) => {
    const client = await FrameClient.connect(a, { cookie: await login(a, 'alice', 'alice-demo-pw'), since });
    const error = await client.waitFor((frame) => frame.type === 'error');
    expect(error).toMatchObject({ code: 'REPLAY_UNAVAILABLE' });
    const runId = await client.ask(INSUFFICIENT);
    expect((await client.result(runId)).result.status).toBe('succeeded');
    expect(client.frames.indexOf(error)).toBeLessThan(client.frames.indexOf(runEvents(client, runId)[0]!));
    await client.close();
  });

  it('answers REPLAY_UNAVAILABLE for an id from before the stream expired and started over', async () => {
    const cookie = await login(a, 'bob', 'bob-demo-pw');
    const first = await FrameClient.connect(a, { cookie });
    await first.result(await first.ask(INSUFFICIENT));
    const oldId = first.events().at(-1)!.id;
    // What the stream's idle TTL does: the key disappears; the next event starts a new stream.
    const redis = new Redis(requireRedisUrl());
    await redis.del(`${keyPrefix}events:bob`);
    redis.disconnect();
    const newRun = await first.ask(INSUFFICIENT);
    await first.result(newRun);
    await first.close();

    const back = await FrameClient.connect(b, { cookie, since: oldId });
    expect(await back.waitFor((frame) => frame.type === 'error')).toMatchObject({ code: 'REPLAY_UNAVAILABLE' });
    const live = await back.ask(INSUFFICIENT);
    await back.result(live);
    expect(back.events().every((frame) => frame.event.runId === live)).toBe(true);
    await back.close();
  });

  it('answers REPLAY_UNAVAILABLE for a user who has no stream yet', async () => {
    const client = await FrameClient.connect(b, { cookie: await login(b, 'carol', 'carol-demo-pw'), since: '1700000000000-0' });
    expect(await client.waitFor((frame) => frame.type === 'error')).toMatchObject({ code: 'REPLAY_UNAVAILABLE' });
    await client.close();
  });
});

describe('Redis mode: reconnecting mid-run', () => {
  let a: string;
  let b: string;
  beforeAll(async () => {
    // About a second per run: the socket is surely back before the run ends.
    ({ a, b } = await startPair({ delayScale: 0.5 }));
  });

  it('a socket dropped mid-run and reconnected with its last id misses nothing and gets no duplicates', async () => {
    const cookie = await login(a, 'alice', 'alice-demo-pw');
    const asker = await FrameClient.connect(a, { cookie });
    const watcher = await FrameClient.connect(b, { cookie });
    const runId = await asker.ask(PARTIAL);
    // Drop the watcher after a few events, while the run goes on.
    await watcher.event(runId, (event) => event.seq === 3);
    await watcher.close();
    const lastSeen = runEvents(watcher, runId).at(-1)!;
    // Reconnect while the run is still producing events (several more were delivered meanwhile).
    await asker.event(runId, (event) => event.seq === lastSeen.event.seq + 5);
    const back = await FrameClient.connect(b, { cookie, since: lastSeen.id });
    // The replay met live events: the run was still going when the socket came back.
    expect(
      asker.frames.some((frame) => frame.type === 'event' && frame.event.runId === runId && frame.event.type === 'workflow_completed'),
    ).toBe(false);
    await completed(back, runId);
    await asker.result(runId);

    const all = runEvents(asker, runId);
    const before = runEvents(watcher, runId);
    const after = runEvents(back, runId);
    // Exactly the events after the last one seen, in order, once each: together they are the whole run.
    expect([...before, ...after].map((frame) => frame.id)).toEqual(all.map((frame) => frame.id));
    expect(after.map((frame) => frame.event.seq)).toEqual(all.slice(before.length).map((frame) => frame.event.seq));
    expect(back.frames.some((frame) => frame.type === 'error')).toBe(false);
    await Promise.all([asker.close(), back.close()]);
  });
});

describe('Redis mode: runs in flight across instances (slow agents)', () => {
  let a: string;
  let b: string;
  beforeAll(async () => {
    ({ a, b } = await startPair({ delayScale: 40 }));
  });

  it('holds the per-user limit across instances: 3 asks on A run, the 4th on B waits in the queue until a cancel from B ends one', async () => {
    const cookie = await login(a, 'carol', 'carol-demo-pw');
    const onA = await FrameClient.connect(a, { cookie });
    const onB = await FrameClient.connect(b, { cookie });
    const runIds = [await onA.ask(SUFFICIENT), await onA.ask(PARTIAL), await onA.ask(INSUFFICIENT)];
    for (const runId of runIds) await onA.event(runId, (event) => event.type === 'workflow_started');
    const fourth = await onB.ask(INSUFFICIENT);

    // Cancel one of A's runs from B: the cancel reaches the worker running it; both sockets get the
    // cancelled result (every web instance reads it from the record).
    onB.send({ type: 'cancel', runId: runIds[0] });
    expect((await onA.result(runIds[0]!)).result.status).toBe('cancelled');
    const cancelled = await completed(onB, runIds[0]!);
    expect(cancelled.event).toMatchObject({ status: 'cancelled' });
    // The slot is free again: the queued 4th starts only now.
    const started = await onB.event(fourth, (event) => event.type === 'workflow_started');
    expect(onB.frames.indexOf(started)).toBeGreaterThan(onB.frames.indexOf(cancelled));
    for (const runId of [...runIds.slice(1), fourth]) onB.send({ type: 'cancel', runId });
    for (const runId of runIds.slice(1)) expect((await onA.result(runId)).result.status).toBe('cancelled');
    expect((await onB.result(fourth)).result.status).toBe('cancelled');
    await Promise.all([onA.close(), onB.close()]);
  });

  it("answers a cancel of another user's run on another instance with UNKNOWN_RUN, like an unknown runId", async () => {
    const alice = await FrameClient.connect(a, { cookie: await login(a, 'alice', 'alice-demo-pw') });
    const bob = await FrameClient.connect(b, { cookie: await login(b, 'bob', 'bob-demo-pw') });
    const runId = await alice.ask(SUFFICIENT);
    await alice.event(runId, (event: AgentEvent) => event.type === 'agent_started');
    const foreign = bob.nextError();
    bob.send({ type: 'cancel', runId });
    expect(await foreign).toMatchObject({ code: 'UNKNOWN_RUN' });
    const unknown = bob.nextError();
    bob.send({ type: 'cancel', runId: 'no-such-run' });
    expect((await unknown).message).toBe((await foreign).message);
    alice.send({ type: 'cancel', runId });
    expect((await alice.result(runId)).result.status).toBe('cancelled');
    expect(bob.events()).toEqual([]);
    await Promise.all([alice.close(), bob.close()]);
  });
});
