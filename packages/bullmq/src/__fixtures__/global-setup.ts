import { findRedisServerBinary, startRedisServer } from '@baton/test-redis';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The Redis every test of this package talks to (REDIS_URL, or a private redis-server). */
    redisUrl: string;
  }
}

/**
 * Provides `redisUrl` to the tests: `REDIS_URL` when set, else a private `redis-server` started here
 * and stopped after the run. The tests need a real Redis; without one the run fails right away.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const fromEnvironment = process.env.REDIS_URL;
  if (fromEnvironment) {
    project.provide('redisUrl', fromEnvironment);
    return undefined;
  }
  const binary = findRedisServerBinary();
  if (!binary) {
    throw new Error('@baton/bullmq tests need a real Redis: install redis-server (apt-get install redis-server) or set REDIS_URL');
  }
  const server = await startRedisServer(binary);
  project.provide('redisUrl', server.url);
  return () => server.stop();
}
