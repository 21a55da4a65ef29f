import { Redis } from 'ioredis';

/**
 * One Redis command over a fresh connection, for tests that look at what a store left on Redis
 * (PTTL, EXISTS, …) or change it behind the store's back (PEXPIREAT).
 */
export async function redisCommand(url: string, command: string, ...args: Array<string | number>): Promise<unknown> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await client.connect();
    return await client.call(command, ...args);
  } finally {
    client.disconnect();
  }
}
