import { defineProject } from 'vitest/config';

// The demo's tests that replace modules (`vi.mock`), named `*.isolated.test.ts`: each file gets fresh
// modules, as vitest's default isolation gives. The rest of the demo's tests share their workers'
// modules (vitest.config.ts, `isolate: false`), where a module another file already imported cannot
// be mocked any more. scripts/test-isolation.test.ts checks the naming.
// Time limits only catch a hang: no test's outcome depends on how fast this machine is (CI runs on busy 2-core machines).
export default defineProject({
  test: {
    name: '@baton/demo:isolated',
    environment: 'node',
    include: ['src/**/*.isolated.test.ts'],
    restoreMocks: true,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
