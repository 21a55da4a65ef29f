import { defineProject } from 'vitest/config';

// Time limits only catch a hang: no test's outcome depends on how fast this machine is (CI runs on busy 2-core machines).
export default defineProject({
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
    // Files share their worker's modules instead of importing them afresh (about half this project's
    // CPU on 2 cores); none of these tests mocks a module (scripts/test-isolation.test.ts checks it).
    isolate: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Off in `pnpm check`, whose `tsc -b` has already type-checked every *.test-d.ts (scripts/check.mjs).
    typecheck: { enabled: process.env.BATON_TYPE_TESTS_DONE !== '1', include: ['src/**/*.test-d.ts'] },
    restoreMocks: true,
  },
});
