import { defineProject } from 'vitest/config';

// Stryker's vitest runner sets STRYKER_MUTATOR_WORKER in its workers. Under it, type tests are off (they
// mutate nothing at run time) and so are the memory tests: Stryker runs vitest in worker threads, where
// `--expose-gc` cannot be given, and heap figures mean nothing in an instrumented build.
const underStryker = process.env.STRYKER_MUTATOR_WORKER !== undefined;

// Time limits only catch a hang: no test's outcome depends on how fast this machine is (CI runs on busy 2-core machines).
export default defineProject({
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
    // Files share their worker's modules instead of importing them afresh (about half this project's
    // CPU on 2 cores); none of these tests mocks a module (scripts/test-isolation.test.ts checks it).
    // Under Stryker, vitest's default isolation, as the mutation scores were measured.
    isolate: underStryker,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    exclude: underStryker ? ['src/memory.test.ts', '**/node_modules/**'] : ['**/node_modules/**'],
    // The memory tests call global.gc(); forks (the default pool) pass this flag to the child process.
    // Not under Stryker: its worker threads refuse V8 flags ("Failed to start threads worker").
    execArgv: underStryker ? [] : ['--expose-gc'],
    // Off in `pnpm check`, whose `tsc -b` has already type-checked every *.test-d.ts (scripts/check.mjs).
    typecheck: { enabled: !underStryker && process.env.BATON_TYPE_TESTS_DONE !== '1', include: ['src/**/*.test-d.ts'] },
    restoreMocks: true,
  },
});
