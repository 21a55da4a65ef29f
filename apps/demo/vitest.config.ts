import { defineProject } from 'vitest/config';

// Server, agent and browser tests all run under Node; the browser test drives a real Chromium itself.
export default defineProject({
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
    restoreMocks: true,
    // Tests wait for specific frames (10 s each at most), never for fixed sleeps; this is only the backstop.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Provides a Redis to the Redis-mode tests (REDIS_URL, else a private redis-server); never
    // required by the in-memory tests.
    globalSetup: ['./src/test-support/redis-global-setup.ts'],
  },
});
