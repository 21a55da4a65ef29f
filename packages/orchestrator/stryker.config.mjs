// Mutation testing for @baton/orchestrator (run: `pnpm mutation` at the root, or `stryker run` here).
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'pnpm',
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'vitest.config.ts' },
  mutate: ['src/**/*.ts', '!src/**/*.test.ts', '!src/**/*.test-d.ts', '!src/**/__fixtures__/**', '!src/**/index.ts'],
  coverageAnalysis: 'perTest',
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: '../../reports/mutation/orchestrator/mutation.json' },
  htmlReporter: { fileName: '../../reports/mutation/orchestrator/index.html' },
  concurrency: 2,
  timeoutMS: 10000,
  // Only a hang detector: on a busy machine the initial test run alone can take more than Stryker's default 5 minutes.
  dryRunTimeoutMinutes: 30,
  // Iterate with `stryker run --incremental`; a plain run is a full run.
  incrementalFile: '../../reports/mutation/orchestrator/stryker-incremental.json',
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
