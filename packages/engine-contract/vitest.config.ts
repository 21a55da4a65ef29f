import { defineProject } from 'vitest/config';

// Stryker's vitest runner sets STRYKER_MUTATOR_WORKER in its workers: type tests mutate nothing at run time.
const underStryker = process.env.STRYKER_MUTATOR_WORKER !== undefined;

export default defineProject({
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
    typecheck: { enabled: !underStryker, include: ['src/**/*.test-d.ts'] },
    restoreMocks: true,
  },
});
