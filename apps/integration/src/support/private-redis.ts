import { findRedisServerBinary, type RedisServerProcess, startRedisServer } from '@baton/test-redis';
import { afterAll, beforeAll } from 'vitest';

/** The Redis of one test file; `url` is set once its `beforeAll` has run. */
export interface PrivateRedis {
  readonly url: string;
}

/**
 * Gives the calling test file a private redis-server (loopback, no persistence), started before its
 * tests and stopped after them, so that nothing else touches its keys; `REDIS_URL` only when no
 * redis-server binary is installed. Without either the file fails at once, naming `what` needs it.
 */
export function usePrivateRedis(what: string): PrivateRedis {
  let server: RedisServerProcess | undefined;
  let url = '';
  beforeAll(async () => {
    const binary = findRedisServerBinary();
    if (binary !== undefined) {
      server = await startRedisServer(binary);
      url = server.url;
    } else if (process.env.REDIS_URL) url = process.env.REDIS_URL;
    else throw new Error(`${what} need(s) redis-server (apt-get install redis-server) or REDIS_URL`);
  });
  afterAll(async () => {
    await server?.stop();
  });
  return {
    get url() {
      return url;
    },
  };
}
