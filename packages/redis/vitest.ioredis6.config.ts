import { defineProject } from 'vitest/config';

// The behaviour suites again, with every `import ... from 'ioredis'` (this package's source and the
// test fixtures) resolved to ioredis 6 (the `ioredis6` dev dependency): the peer range is ^5 || ^6,
// and both majors must pass. The pure parsing tests and the type tests run once, in vitest.config.ts.
// Time limits only catch a hang: no test's outcome depends on how fast this machine is (CI runs on busy 2-core machines).
export default defineProject({
  resolve: { alias: [{ find: /^ioredis$/, replacement: 'ioredis6' }] },
  test: {
    name: '@baton/redis:ioredis6',
    environment: 'node',
    include: ['src/redis-*.test.ts', 'src/ioredis-majors.test.ts'],
    provide: { ioredisMajor: 6 },
    restoreMocks: true,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    globalSetup: ['./src/__fixtures__/global-setup.ts'],
  },
});
