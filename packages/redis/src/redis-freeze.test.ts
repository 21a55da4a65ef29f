import { type BatonError, TransportError } from '@baton/engine-contract';
import { findRedisServerBinary, type RedisServerProcess, startRedisServer } from '@baton/test-redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { thinkingEvent } from './__fixtures__/agent-events.js';
import { newClient, onCleanup, uniquePrefix } from './__fixtures__/test-redis.js';
import { createRedisAdmission } from './redis-admission.js';
import { createRedisEventBus } from './redis-event-bus.js';
import { createRedisRunStore } from './redis-run-store.js';

// A Redis that hangs instead of refusing (a network partition, a stopped host): each test owns a
// redis-server and freezes it with SIGSTOP, so connections stay open and nothing is answered. The
// tests wait for outcomes (a rejection, close() resolving); their timeout is only the backstop that
// turns a hang (the behaviour before commands had timeouts) into a failure.

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
  expect(unhandled).toEqual([]);
});

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

async function privateServer(): Promise<RedisServerProcess> {
  const server = await startRedisServer(findRedisServerBinary()!);
  onCleanup(() => server.stop());
  return server;
}

describe.skipIf(!findRedisServerBinary())('a Redis that stops answering (SIGSTOP)', () => {
  it('clients made from a URL give TransportError (publish reports it, a subscription step, a run store read and an acquire reject) and close() finishes', {
    timeout: 120_000,
  }, async () => {
    const server = await privateServer();
    const keyPrefix = uniquePrefix();
    const errors: BatonError[] = [];
    const bus = createRedisEventBus({ redis: server.url, keyPrefix, onError: (error) => errors.push(error) });
    const store = createRedisRunStore({ redis: server.url, keyPrefix });
    const admission = createRedisAdmission({ redis: server.url, keyPrefix, onError: () => undefined });
    // Connected and answering before the freeze.
    expect(await bus.publish(thinkingEvent('u_1', 0))).toMatch(/^\d+-\d+$/);
    expect(await store.get('wf-none')).toBeNull();
    const iterator = bus.subscribe('u_1', { fromId: '0' })[Symbol.asyncIterator]();
    expect((await iterator.next()).value?.event.seq).toBe(0);
    const blocked = iterator.next(); // caught up: waiting in XREAD BLOCK

    server.freeze();
    const [published, read, acquired, step] = await Promise.all([
      bus.publish(thinkingEvent('u_1', 1)),
      rejectionOf(store.get('wf-none')),
      rejectionOf(admission.acquire('u_1', 3)),
      rejectionOf(blocked),
    ]);
    expect(published).toBeNull();
    expect(errors.some((error) => TransportError.isInstance(error))).toBe(true);
    for (const error of [read, acquired, step]) expect(TransportError.isInstance(error)).toBe(true);
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
    await Promise.all([bus.close(), store.close(), admission.close()]);
    server.thaw();
  });

  it("a subscriber on a passed-in client fails a read that gets no reply within that client's commandTimeout", {
    timeout: 120_000,
  }, async () => {
    const server = await privateServer();
    const client = newClient({ commandTimeout: 300, maxRetriesPerRequest: 2 }, server.url);
    const bus = createRedisEventBus({ redis: client, keyPrefix: uniquePrefix(), onError: () => undefined });
    onCleanup(() => bus.close());
    await client.ping();

    server.freeze();
    // A new subscriber's connection is accepted by the kernel and never answered: its first read
    // (MULTI of XINFO and XRANGE) is bounded by the parent's 300 ms, not by the XREAD's longer bound.
    const error = await rejectionOf(bus.subscribe('u_1', { fromId: '0' })[Symbol.asyncIterator]().next());
    expect(TransportError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('no reply within 300 ms');
    server.thaw();
  });
});
