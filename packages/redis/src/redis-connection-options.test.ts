import { Redis, type RedisOptions } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { expectedIoredisMajor, onCleanup } from './__fixtures__/test-redis.js';
import { DEFAULT_COMMAND_TIMEOUT_MS, duplicateForBlockingReads, KEEP_ALIVE_MS, openRedisConnection } from './redis-connection.js';

// The timeouts and keep-alive of the connections this package makes (no Redis needed: every client
// here is lazy, or pointed at a closed port and disconnected at once).

function lazyClient(options: RedisOptions = {}): Redis {
  const client = new Redis('redis://127.0.0.1:1', { lazyConnect: true, ...options });
  onCleanup(() => client.disconnect());
  return client;
}

describe('openRedisConnection', () => {
  it('gives a client made from a URL a command timeout and TCP keep-alive', () => {
    const connection = openRedisConnection('redis://127.0.0.1:1', 'test:owned');
    onCleanup(() => connection.client.disconnect());
    expect(connection.owned).toBe(true);
    expect(connection.client.options).toMatchObject({ commandTimeout: DEFAULT_COMMAND_TIMEOUT_MS, keepAlive: KEEP_ALIVE_MS });
  });
});

describe('duplicateForBlockingReads', () => {
  it("covers the blocked XREAD with blockMs on top of the parent's command timeout, keeps its keep-alive and drops its socketTimeout", () => {
    const parent = lazyClient({ commandTimeout: 700, keepAlive: 3000, socketTimeout: 700, maxRetriesPerRequest: null });
    const { connection, readTimeoutMs } = duplicateForBlockingReads(parent, 5000);
    onCleanup(() => connection.disconnect());
    expect(readTimeoutMs).toBe(700);
    expect(connection.options).toMatchObject({ commandTimeout: 5700, keepAlive: 3000, maxRetriesPerRequest: 2, enableOfflineQueue: true });
    expect(connection.options.socketTimeout).toBeUndefined();
  });

  it('uses the default command timeout and keep-alive for a parent that sets neither', () => {
    const { connection, readTimeoutMs } = duplicateForBlockingReads(lazyClient(), 5000);
    onCleanup(() => connection.disconnect());
    expect(readTimeoutMs).toBe(DEFAULT_COMMAND_TIMEOUT_MS);
    // ioredis 6 (vitest.ioredis6.config.ts) gives every client keepAlive 30000 by default, which the
    // duplicate keeps as the parent's own; ioredis 5's default is 0 (off), replaced by KEEP_ALIVE_MS.
    const keepAlive = expectedIoredisMajor() === 6 ? 30_000 : KEEP_ALIVE_MS;
    expect(connection.options).toMatchObject({ commandTimeout: 5000 + DEFAULT_COMMAND_TIMEOUT_MS, keepAlive });
  });
});
