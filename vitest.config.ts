import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// One root run and one summary line for the README test command and CI; each workspace has its own config
// (@baton/redis has a second one: its behaviour suites on ioredis 6, the other major of its peer range;
// the demo's second one runs its module-mocking tests isolated).
// maxWorkers: vitest's default is one fewer than the cores, a single worker on a 2-core machine, while
// many of these files mostly wait (on redis-server, Chromium, child processes): four workers there
// halve the wall-clock time of the run (407 s to 224 s measured on 2 cores). No test depends on speed.
export default defineConfig({
  test: {
    projects: ['packages/*', 'packages/redis/vitest.ioredis6.config.ts', 'apps/*', 'apps/demo/vitest.isolated.config.ts', 'scripts'],
    maxWorkers: Math.max(4, availableParallelism()),
  },
});
