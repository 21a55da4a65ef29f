import { defineProject } from 'vitest/config';

// Server, agent and browser tests all run under Node; the browser test drives a real Chromium itself.
// Time limits only catch a hang: no test's outcome depends on how fast this machine is (CI runs on busy 2-core machines).
export default defineProject({
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
    // Files share their worker's modules instead of importing everything afresh: half the CPU of this
    // project (156 s to 82 s on 2 cores), most of it spent loading the server's modules again for each
    // file. Tests that mock modules run isolated (vitest.isolated.config.ts).
    isolate: false,
    exclude: ['src/**/*.isolated.test.ts', '**/node_modules/**'],
    restoreMocks: true,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Provides a Redis to the Redis-mode tests (REDIS_URL, else a private redis-server); never
    // required by the in-memory tests.
    globalSetup: ['./src/test-support/redis-global-setup.ts'],
  },
});
