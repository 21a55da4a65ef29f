import { provideRedisUrl } from '@baton/test-redis';
import type { TestProject } from 'vitest/node';

/** Provides `redisUrl` to the tests: `REDIS_URL` when set, else a private `redis-server` for the run. */
export default function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  return provideRedisUrl(project, '@baton/bullmq');
}
