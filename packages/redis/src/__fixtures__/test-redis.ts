import { randomUUID } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import { afterEach, inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The ioredis major the suite runs on, provided by vitest.ioredis6.config.ts (absent: 5, vitest.config.ts). */
    ioredisMajor?: 5 | 6;
  }
}

/** The ioredis major this project's `import ... from 'ioredis'` is meant to resolve to. */
export function expectedIoredisMajor(): 5 | 6 {
  return inject('ioredisMajor') ?? 5;
}

/** The Redis URL provided by the global setup. */
export function redisUrl(): string {
  return inject('redisUrl');
}

/** A key prefix no other test uses. */
export function uniquePrefix(): string {
  return `test:${randomUUID()}:`;
}

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  const pending = cleanups.splice(0).reverse();
  for (const cleanup of pending) await cleanup();
});

/** Runs `cleanup` after the current test (last registered first). */
export function onCleanup(cleanup: () => Promise<void> | void): void {
  cleanups.push(cleanup);
}

/** A connected client, disconnected after the test. */
export function newClient(options: RedisOptions = {}, url = redisUrl()): Redis {
  const client = new Redis(url, options);
  client.on('error', () => {});
  onCleanup(() => client.disconnect());
  return client;
}

/** Deletes every key under `prefix` after the test (politeness towards a shared REDIS_URL server). */
export function deleteKeysAfter(prefix: string): void {
  onCleanup(async () => {
    const client = new Redis(redisUrl());
    try {
      const keys = await client.keys(`${prefix}*`);
      if (keys.length > 0) await client.del(...keys);
    } finally {
      client.disconnect();
    }
  });
}

/**
 * Polls `check` every `intervalMs` until it returns true or `timeoutMs` passes. For state in Redis,
 * which sends no event; the time limit only catches a hang (far above what a busy machine needs).
 */
export async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs = 60_000, intervalMs = 20): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Number of connections named `name` in CLIENT LIST. */
export async function countConnections(client: Redis, name: string): Promise<number> {
  const list = (await client.client('LIST')) as string;
  return list.split('\n').filter((line) => line.split(' ').includes(`name=${name}`)).length;
}

/** Number of connections named `name` blocked in a command (flag `b` in CLIENT LIST: a waiting XREAD BLOCK). */
export async function countBlockedConnections(client: Redis, name: string): Promise<number> {
  const list = (await client.client('LIST')) as string;
  return list.split('\n').filter((line) => {
    const fields = line.split(' ');
    return fields.includes(`name=${name}`) && fields.some((field) => field.startsWith('flags=') && field.includes('b'));
  }).length;
}

/** The next `count` values of `iterator`, failing after `timeoutMs`. */
export async function take<T>(iterator: AsyncIterator<T>, count: number, timeoutMs = 10_000): Promise<T[]> {
  const values: T[] = [];
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`take: got ${values.length} of ${count} within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    while (values.length < count) {
      const next = await Promise.race([iterator.next(), timeout]);
      if (next.done) break;
      values.push(next.value);
    }
  } finally {
    clearTimeout(timer);
  }
  return values;
}
