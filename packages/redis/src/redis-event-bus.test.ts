import {
  type AgentEvent,
  type BatonError,
  InvalidConfigError,
  InvalidEventError,
  InvalidUserContextError,
  ReplayUnavailableError,
  TransportError,
} from '@baton/engine-contract';
import { findRedisServerBinary, startRedisServer } from '@baton/test-redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { thinkingEvent } from './__fixtures__/agent-events.js';
import {
  countBlockedConnections,
  countConnections,
  deleteKeysAfter,
  newClient,
  onCleanup,
  redisUrl,
  take,
  uniquePrefix,
  waitFor,
} from './__fixtures__/test-redis.js';
import type { AgentEventEntry } from './agent-event-entry.js';
import { createRedisEventBus, type RedisEventBusOptions } from './redis-event-bus.js';
import { compareStreamIds, parseStreamId } from './stream-id.js';

/** A bus closed after the test, with its own prefix (keys deleted after the test) and collected errors. */
function bus(options: Partial<RedisEventBusOptions> = {}) {
  const keyPrefix = options.keyPrefix ?? uniquePrefix();
  deleteKeysAfter(keyPrefix);
  const errors: BatonError[] = [];
  const created = createRedisEventBus({ redis: newClient(), keyPrefix, onError: (error) => errors.push(error), ...options });
  onCleanup(() => created.close());
  return { bus: created, errors, keyPrefix };
}

/** An iterator of `subscribe(...)`, ended after the test. */
function iterate(iterable: AsyncIterable<AgentEventEntry>): AsyncIterator<AgentEventEntry> {
  const iterator = iterable[Symbol.asyncIterator]();
  onCleanup(async () => {
    await iterator.return?.();
  });
  return iterator;
}

async function publishAll(
  publish: (event: AgentEvent) => Promise<string | null>,
  userId: string,
  from: number,
  to: number,
): Promise<string[]> {
  const ids = await Promise.all(Array.from({ length: to - from }, (_, index) => publish(thinkingEvent(userId, from + index))));
  expect(ids.every((id) => typeof id === 'string')).toBe(true);
  return ids as string[];
}

const seqs = (entries: AgentEventEntry[]) => entries.map((entry) => entry.event.seq);
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, index) => from + index);

/** Resolves to what the next step gives within `ms`, or 'pending'. */
async function nextWithin(iterator: AsyncIterator<AgentEventEntry>, ms: number): Promise<IteratorResult<AgentEventEntry> | 'pending'> {
  return Promise.race([iterator.next(), new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), ms))]);
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
  expect(unhandled).toEqual([]);
});

describe('createRedisEventBus: publish and replay', () => {
  it('replays in order from any id, then follows live', async () => {
    const { bus: events } = bus();
    const ids = await publishAll(events.publish, 'u_1', 0, 20);
    // Ids grow with the order of the calls.
    for (let index = 1; index < ids.length; index += 1) {
      expect(compareStreamIds(parseStreamId(ids[index])!, parseStreamId(ids[index - 1])!)).toBeGreaterThan(0);
    }
    for (const position of [0, 7, 18, 19]) {
      const iterator = iterate(events.subscribe('u_1', { fromId: ids[position] }));
      const replayed = await take(iterator, 19 - position);
      expect(seqs(replayed)).toEqual(range(position + 1, 20));
      expect(replayed.map((entry) => entry.id)).toEqual(ids.slice(position + 1));
      await iterator.return?.();
    }
    // Nothing more than the replay, then the next live event.
    const iterator = iterate(events.subscribe('u_1', { fromId: ids[19] }));
    expect(await nextWithin(iterator, 100)).toBe('pending');
  });

  it("replays every retained event from '0'", async () => {
    const { bus: events } = bus();
    const ids = await publishAll(events.publish, 'u_1', 0, 25);
    const entries = await take(iterate(events.subscribe('u_1', { fromId: '0' })), 25);
    expect(seqs(entries)).toEqual(range(0, 25));
    expect(entries.map((entry) => entry.id)).toEqual(ids);
  });

  it('delivers events exactly as published (validated, all fields)', async () => {
    const { bus: events } = bus();
    const event = { ...thinkingEvent('u_1', 0), stage: 'triage' } as AgentEvent;
    await events.publish(event);
    const [entry] = await take(iterate(events.subscribe('u_1', { fromId: '0' })), 1);
    expect(entry!.event).toEqual(event);
  });

  it('without fromId delivers only events published after subscribe()', async () => {
    const { bus: events } = bus();
    await publishAll(events.publish, 'u_1', 0, 5);
    const iterator = iterate(events.subscribe('u_1'));
    await publishAll(events.publish, 'u_1', 5, 8);
    expect(seqs(await take(iterator, 3))).toEqual([5, 6, 7]);
  });

  it("a user without a stream replays nothing and follows live (fromId '0', an id, or none)", async () => {
    const keyPrefix = uniquePrefix();
    const { bus: events } = bus({ redis: newClient({ connectionName: `${keyPrefix}app` }), keyPrefix });
    const iterators = [
      iterate(events.subscribe('u_new', { fromId: '0' })),
      iterate(events.subscribe('u_new', { fromId: '1-0' })),
      iterate(events.subscribe('u_new')),
    ];
    const firsts = iterators.map((iterator) => iterator.next());
    // Publish only once all three found no stream and wait live (blocked in XREAD on their duplicated
    // connections): a stream created before the '1-0' subscriber's first read would be one whose
    // events after 1-0 it cannot know it saw, which is ReplayUnavailableError by design.
    const check = newClient();
    expect(await waitFor(async () => (await countBlockedConnections(check, `${keyPrefix}app`)) === 3)).toBe(true);
    await publishAll(events.publish, 'u_new', 0, 2);
    for (const [index, iterator] of iterators.entries()) {
      const first = await firsts[index]!;
      expect(first.done).toBe(false);
      expect(seqs([first.value as AgentEventEntry, ...(await take(iterator, 1))])).toEqual([0, 1]);
    }
  });

  it('has no duplicates or gaps across the replay/live boundary while publishing concurrently', async () => {
    const { bus: events } = bus();
    await publishAll(events.publish, 'u_1', 0, 2500);
    const iterator = iterate(events.subscribe('u_1', { fromId: '0' }));
    const received = take(iterator, 4000, 20_000);
    // Keep publishing while the subscriber replays (batches of 1,000) and switches to live reads.
    for (let seq = 2500; seq < 4000; seq += 50) {
      await publishAll(events.publish, 'u_1', seq, seq + 50);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(seqs(await received)).toEqual(range(0, 4000));
    expect(await nextWithin(iterator, 50)).toBe('pending');
  });

  it('keeps users apart: 50 users publishing concurrently, each subscriber gets exactly its events in order', async () => {
    const { bus: events, errors } = bus();
    const users = Array.from({ length: 50 }, (_, index) => `user_${index}`);
    const perUser = 40;
    const iterators = users.map((userId) => iterate(events.subscribe(userId, { fromId: '0' })));
    const received = iterators.map((iterator) => take(iterator, perUser, 20_000));
    // Interleaved, unawaited: per-user order must come from the call order alone.
    const writes: Promise<string | null>[] = [];
    for (let seq = 0; seq < perUser; seq += 1) for (const userId of users) writes.push(events.publish(thinkingEvent(userId, seq)));
    expect((await Promise.all(writes)).every((id) => typeof id === 'string')).toBe(true);
    const results = await Promise.all(received);
    results.forEach((entries, index) => {
      expect(entries.every((entry) => entry.event.userId === users[index])).toBe(true);
      expect(seqs(entries)).toEqual(range(0, perUser));
    });
    for (const iterator of iterators.slice(0, 5)) expect(await nextWithin(iterator, 20)).toBe('pending');
    expect(errors).toEqual([]);
  });

  it('never delivers an entry that names another user or is corrupt; skips it and reports InvalidEventError', async () => {
    const { bus: events, errors, keyPrefix } = bus();
    const writer = newClient();
    const key = `${keyPrefix}events:u_1`;
    await events.publish(thinkingEvent('u_1', 0));
    await writer.xadd(key, '*', 'event', JSON.stringify(thinkingEvent('u_2', 99)));
    await writer.xadd(key, '*', 'event', '{not json');
    await writer.xadd(key, '*', 'event', JSON.stringify({ type: 'agent_thinking' }));
    await writer.xadd(key, '*', 'other', 'x');
    await events.publish(thinkingEvent('u_1', 1));
    const entries = await take(iterate(events.subscribe('u_1', { fromId: '0' })), 2);
    expect(seqs(entries)).toEqual([0, 1]);
    expect(errors).toHaveLength(4);
    expect(errors.every((error) => InvalidEventError.isInstance(error))).toBe(true);
    expect(errors[0]!.message).not.toContain('u_2');
  });

  it('caps each stream near maxLenPerUser (MAXLEN ~) and sets its TTL', async () => {
    const { bus: events, keyPrefix } = bus({ maxLenPerUser: 50, ttlMs: 60_000 });
    await publishAll(events.publish, 'u_1', 0, 1000);
    const check = newClient();
    const length = await check.xlen(`${keyPrefix}events:u_1`);
    expect(length).toBeGreaterThanOrEqual(50);
    // Approximate trimming removes whole radix-tree nodes (100 entries by default).
    expect(length).toBeLessThanOrEqual(50 + 100);
    const ttl = await check.pttl(`${keyPrefix}events:u_1`);
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('lets an idle stream expire after ttlMs', async () => {
    // Long enough that the key is surely still there when read back right after the publish.
    const { bus: events, keyPrefix } = bus({ ttlMs: 1000 });
    await events.publish(thinkingEvent('u_1', 0));
    const check = newClient();
    const ttl = await check.pttl(`${keyPrefix}events:u_1`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(1000);
    expect(await waitFor(async () => (await check.exists(`${keyPrefix}events:u_1`)) === 0)).toBe(true);
  });
});

describe('createRedisEventBus: replay errors', () => {
  it.each(['abc', '1-', '-1', '1-2-3', '', ' 1-0', '1', '99999999999999999999999-0', 42, null])(
    'throws ReplayUnavailableError for the malformed fromId %j from the first step',
    async (fromId) => {
      const { bus: events } = bus();
      const iterable = events.subscribe('u_1', { fromId: fromId as string });
      const error = await rejectionOf(iterate(iterable).next());
      expect(ReplayUnavailableError.isInstance(error)).toBe(true);
      expect((error as ReplayUnavailableError).code).toBe('REPLAY_UNAVAILABLE');
    },
  );

  it('throws ReplayUnavailableError for an id trimmed away, or ahead of the stream; a retained id still works', async () => {
    const { bus: events } = bus({ maxLenPerUser: 10 });
    const ids: string[] = [];
    for (let seq = 0; seq < 500; seq += 100) ids.push(...(await publishAll(events.publish, 'u_1', seq, seq + 100)));
    const trimmedAway = await rejectionOf(iterate(events.subscribe('u_1', { fromId: ids[0] })).next());
    expect(ReplayUnavailableError.isInstance(trimmedAway)).toBe(true);
    const ahead = await rejectionOf(iterate(events.subscribe('u_1', { fromId: '99999999999999-0' })).next());
    expect(ReplayUnavailableError.isInstance(ahead)).toBe(true);

    const retained = await take(iterate(events.subscribe('u_1', { fromId: '0' })), 1);
    const firstRetained = retained[0]!.event.seq;
    expect(firstRetained).toBeGreaterThan(0);
    // Resuming from the last id of a client that is up to date works.
    const fromRetained = iterate(events.subscribe('u_1', { fromId: ids[firstRetained] }));
    expect((await fromRetained.next()).value?.event.seq).toBe(firstRetained + 1);
  });

  it('throws ReplayUnavailableError for an id from before the stream expired and was created anew', async () => {
    const { bus: events, keyPrefix } = bus();
    const [firstId] = await publishAll(events.publish, 'u_1', 0, 2);
    await newClient().del(`${keyPrefix}events:u_1`); // what the idle TTL does
    await publishAll(events.publish, 'u_1', 2, 3);
    const error = await rejectionOf(iterate(events.subscribe('u_1', { fromId: firstId })).next());
    expect(ReplayUnavailableError.isInstance(error)).toBe(true);
  });

  it('throws ReplayUnavailableError when a slow subscriber falls behind what is retained', async () => {
    const { bus: events } = bus({ maxLenPerUser: 100 });
    await publishAll(events.publish, 'u_1', 0, 100); // not above the cap: nothing trimmed yet
    const iterator = iterate(events.subscribe('u_1', { fromId: '0' }));
    expect((await iterator.next()).value?.event.seq).toBe(0); // the other 99 are buffered
    for (let seq = 100; seq < 1100; seq += 250) await publishAll(events.publish, 'u_1', seq, seq + 250);
    expect(seqs(await take(iterator, 99))).toEqual(range(1, 100));
    const error = await rejectionOf(iterator.next());
    expect(ReplayUnavailableError.isInstance(error)).toBe(true);
  });
});

describe('createRedisEventBus: lifecycle', () => {
  it('ends promptly when the signal aborts, also while waiting, and drops its connection', async () => {
    const keyPrefix = uniquePrefix();
    const client = newClient({ connectionName: `${keyPrefix}app` });
    const { bus: events } = bus({ redis: client, keyPrefix });
    const check = newClient();
    const controller = new AbortController();
    const iterator = iterate(events.subscribe('u_1', { signal: controller.signal }));
    const pending = iterator.next();
    // The subscriber's duplicated connection (same name as the passed-in client) is up.
    expect(await waitFor(async () => (await countConnections(check, `${keyPrefix}app`)) === 2)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const abortedAt = Date.now();
    controller.abort();
    expect(await pending).toEqual({ done: true, value: undefined });
    // Without the abort it would wait for the 5 s XREAD BLOCK to end on the server: a margin no busy machine eats.
    expect(Date.now() - abortedAt).toBeLessThan(4000);
    expect(await waitFor(async () => (await countConnections(check, `${keyPrefix}app`)) === 1)).toBe(true);

    const already = new AbortController();
    already.abort();
    expect(await iterate(events.subscribe('u_1', { signal: already.signal })).next()).toEqual({ done: true, value: undefined });
  });

  it('close() ends every subscription, keeps a passed-in client open and refuses later publishes', async () => {
    const client = newClient();
    const { bus: events, errors } = bus({ redis: client });
    const pending = [iterate(events.subscribe('u_1')).next(), iterate(events.subscribe('u_2', { fromId: '0' })).next()];
    await new Promise((resolve) => setTimeout(resolve, 50));
    await events.close();
    await events.close(); // idempotent
    expect(await Promise.all(pending)).toEqual([
      { done: true, value: undefined },
      { done: true, value: undefined },
    ]);
    expect(await client.ping()).toBe('PONG');
    expect(await iterate(events.subscribe('u_1', { fromId: '0' })).next()).toEqual({ done: true, value: undefined });
    await expect(events.publish(thinkingEvent('u_1', 0))).resolves.toBeNull();
    expect(errors.some((error) => TransportError.isInstance(error))).toBe(true);
  });

  it('close() quits a client it made from a URL, after pending publishes are written', async () => {
    const keyPrefix = uniquePrefix();
    const { bus: events } = bus({ redis: redisUrl(), keyPrefix });
    const check = newClient();
    await events.publish(thinkingEvent('u_1', 0));
    expect(await countConnections(check, `${keyPrefix}event-bus`)).toBe(1);
    const writes = Array.from({ length: 100 }, (_, seq) => events.publish(thinkingEvent('u_1', seq + 1)));
    await events.close();
    expect((await Promise.all(writes)).every((id) => typeof id === 'string')).toBe(true);
    expect(await check.xlen(`${keyPrefix}events:u_1`)).toBe(101);
    expect(await waitFor(async () => (await countConnections(check, `${keyPrefix}event-bus`)) === 0)).toBe(true);
  });

  it('publish never throws or rejects: invalid events are reported as InvalidEventError', async () => {
    const { bus: events, errors } = bus();
    const bad = [
      undefined,
      { type: 'nope' },
      { ...thinkingEvent('u_1', 0), seq: -1 },
      { ...thinkingEvent('u 1', 0) },
      { ...thinkingEvent('u_1', 0), type: 'agent_started', input: { big: 1n } },
    ] as unknown as AgentEvent[];
    for (const event of bad) await expect(events.publish(event)).resolves.toBeNull();
    expect(errors).toHaveLength(bad.length);
    expect(errors.every((error) => InvalidEventError.isInstance(error) || InvalidUserContextError.isInstance(error))).toBe(true);
  });

  it('validates options and user ids', () => {
    for (const options of [
      undefined,
      {},
      { redis: 1 },
      { redis: redisUrl(), maxLenPerUser: 0 },
      { redis: redisUrl(), ttlMs: 1.5 },
      { redis: redisUrl(), unknown: 1 },
    ]) {
      expect(() => createRedisEventBus(options as unknown as RedisEventBusOptions)).toThrow(
        expect.toSatisfy((error) => InvalidConfigError.isInstance(error)),
      );
    }
    const { bus: events } = bus();
    for (const userId of ['', 'a b', 'tab\tid', 7 as unknown as string]) {
      expect(() => events.subscribe(userId)).toThrow(expect.toSatisfy((error) => InvalidUserContextError.isInstance(error)));
    }
    expect(() => events.subscribe('u_1', { signal: {} as AbortSignal })).toThrow(
      expect.toSatisfy((error) => InvalidConfigError.isInstance(error)),
    );
  });

  it.skipIf(!findRedisServerBinary())(
    'rejects a pending step with TransportError when Redis goes away, with no unhandled rejection',
    async () => {
      const server = await startRedisServer(findRedisServerBinary()!);
      onCleanup(() => server.stop());
      // A passed-in client with ioredis defaults (20 retries per request): the subscriber still fails fast.
      const subscriberSide = bus({ redis: newClient({}, server.url) });
      const publisherSide = bus({ redis: server.url, keyPrefix: subscriberSide.keyPrefix });
      await publisherSide.bus.publish(thinkingEvent('u_1', 0));
      const iterator = iterate(subscriberSide.bus.subscribe('u_1', { fromId: '0' }));
      expect((await iterator.next()).value?.event.seq).toBe(0);
      const pending = iterator.next(); // now blocked in XREAD
      await new Promise((resolve) => setTimeout(resolve, 50));
      const stoppedAt = Date.now();
      await server.stop();
      const error = await rejectionOf(pending);
      expect(TransportError.isInstance(error)).toBe(true);
      expect((error as TransportError).cause).toBeInstanceOf(Error);
      // ioredis's default retries would take over 10 s before failing the request.
      expect(Date.now() - stoppedAt).toBeLessThan(8000);
      expect(await iterator.next()).toEqual({ done: true, value: undefined });
      // Publishing while Redis is down resolves to null and reports a TransportError.
      await expect(publisherSide.bus.publish(thinkingEvent('u_1', 1))).resolves.toBeNull();
      expect(publisherSide.errors.some((reported) => TransportError.isInstance(reported))).toBe(true);
      // A subscription started while Redis is down fails on its first step, also without fromId.
      const late = await rejectionOf(iterate(publisherSide.bus.subscribe('u_1')).next());
      expect(TransportError.isInstance(late)).toBe(true);
    },
  );
});

describe('createRedisEventBus: throughput', () => {
  it('measures replay throughput for 10,000 events', async () => {
    const { bus: events } = bus();
    for (let seq = 0; seq < 10_000; seq += 1000) await publishAll(events.publish, 'u_1', seq, seq + 1000);
    const startedAt = performance.now();
    const entries = await take(iterate(events.subscribe('u_1', { fromId: '0' })), 10_000, 60_000);
    const seconds = (performance.now() - startedAt) / 1000;
    expect(seqs(entries)).toEqual(range(0, 10_000));
    const perSecond = Math.round(10_000 / seconds);
    console.log(`@baton/redis replay throughput: ${perSecond} events/s (10,000 events in ${(seconds * 1000).toFixed(0)} ms)`);
    expect(perSecond).toBeGreaterThan(0);
  }, 120_000);
});
