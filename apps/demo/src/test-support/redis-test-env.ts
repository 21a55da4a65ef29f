import { randomUUID } from 'node:crypto';
import { findRedisServerBinary } from '@baton/test-redis';
import { Redis } from 'ioredis';
import { inject } from 'vitest';

/** The Redis URL from the global setup; throws a clear error when no Redis is available. */
export function requireRedisUrl(): string {
  const url = inject('redisUrl');
  if (!url) throw new Error(inject('redisUnavailableReason') || 'no Redis is available for the Redis-mode tests');
  return url;
}

/** The redis-server executable (for tests that stop and restart their own server); throws clearly without one. */
export function requireRedisServerBinary(): string {
  const binary = findRedisServerBinary();
  if (!binary) throw new Error('this test stops and restarts its own Redis: install redis-server (apt-get install redis-server)');
  return binary;
}

/** A key prefix no other test (or a concurrent run on a shared REDIS_URL) uses. */
export function uniqueKeyPrefix(): string {
  return `test:demo:${randomUUID()}:`;
}

/**
 * Polls `check` every `intervalMs` until it returns true; fails after `timeoutMs` with `what`. For
 * state that sends no event (Redis keys); the time limit only catches a hang.
 */
export async function waitUntil(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 60_000, intervalMs = 25): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Deletes every key under `prefix` (politeness towards a shared REDIS_URL server). */
export async function deleteKeys(url: string, prefix: string): Promise<void> {
  const client = new Redis(url, { maxRetriesPerRequest: 2 });
  client.on('error', () => undefined);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await client.del(...keys);
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}

/**
 * Collects the process's unhandled rejections until the returned `stop` runs (push it to the test's
 * cleanups): a Redis outage must not leave a promise rejected with nobody listening.
 */
export function recordUnhandledRejections(): { unhandled: unknown[]; stop: () => Promise<void> } {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  return { unhandled, stop: async () => void process.off('unhandledRejection', onUnhandled) };
}
