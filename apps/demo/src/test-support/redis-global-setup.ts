import { findRedisServerBinary, startRedisServer } from '@baton/test-redis';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The Redis the Redis-mode tests use (REDIS_URL, or a private redis-server); '' when there is none. */
    redisUrl: string;
    /** Why there is no Redis ('' when there is one). */
    redisUnavailableReason: string;
  }
}

/**
 * Provides a Redis to the demo's Redis-mode tests: `REDIS_URL` when set, else a private `redis-server`
 * started here and stopped after the run. Without either, it does not fail the run (the in-memory
 * tests need no Redis); the Redis-mode tests fail with the reason instead (`requireRedisUrl`).
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const fromEnvironment = process.env.REDIS_URL;
  if (fromEnvironment) {
    project.provide('redisUrl', fromEnvironment);
    project.provide('redisUnavailableReason', '');
    return undefined;
  }
  const binary = findRedisServerBinary();
  if (!binary) {
    project.provide('redisUrl', '');
    project.provide(
      'redisUnavailableReason',
      'the Redis-mode tests of @baton/demo need a real Redis: set REDIS_URL, or install redis-server (apt-get install redis-server)',
    );
    return undefined;
  }
  try {
    const server = await startRedisServer(binary);
    project.provide('redisUrl', server.url);
    project.provide('redisUnavailableReason', '');
    return () => server.stop();
  } catch (error) {
    project.provide('redisUrl', '');
    project.provide(
      'redisUnavailableReason',
      `could not start a private redis-server for the Redis-mode tests of @baton/demo: ${error instanceof Error ? error.message : String(error)}`,
    );
    return undefined;
  }
}
