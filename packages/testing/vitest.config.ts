import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
    // Off in `pnpm check`, whose `tsc -b` has already type-checked every *.test-d.ts (scripts/check.mjs).
    typecheck: { enabled: process.env.BATON_TYPE_TESTS_DONE !== '1', include: ['src/**/*.test-d.ts'] },
    restoreMocks: true,
  },
});
