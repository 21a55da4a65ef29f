import { defineProject } from 'vitest/config';

// Server, agent and browser tests all run under Node; the browser test drives a real Chromium itself.
// Time limits only catch a hang: no test's outcome depends on how fast this machine is (CI runs on busy 2-core machines).
export default defineProject({
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
    restoreMocks: true,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Provides a Redis to the Redis-mode tests (REDIS_URL, else a private redis-server); never
    // required by the in-memory tests.
    globalSetup: ['./src/test-support/redis-global-setup.ts'],
  },
});
