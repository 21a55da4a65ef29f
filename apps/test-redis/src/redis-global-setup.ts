import type { TestProject } from 'vitest/node';
import { findRedisServerBinary, startRedisServer } from './redis-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The Redis the tests talk to (REDIS_URL, or a private redis-server); `inject('redisUrl')`. */
    redisUrl: string;
  }
}

/**
 * The body of a vitest `globalSetup` for a package whose tests all need Redis: provides `redisUrl`
 * (`REDIS_URL` when set, else a private `redis-server` started here) and returns the teardown that
 * stops it. Without either it throws at once, naming `packageName`: the run fails right away rather
 * than test by test.
 */
export async function provideRedisUrl(project: TestProject, packageName: string): Promise<(() => Promise<void>) | undefined> {
  const fromEnvironment = process.env.REDIS_URL;
  if (fromEnvironment) {
    project.provide('redisUrl', fromEnvironment);
    return undefined;
  }
  const binary = findRedisServerBinary();
  if (!binary) {
    throw new Error(`${packageName} tests need a real Redis: install redis-server (apt-get install redis-server) or set REDIS_URL`);
  }
  const server = await startRedisServer(binary);
  project.provide('redisUrl', server.url);
  return () => server.stop();
}
