import { defineConfig } from 'vitest/config';

// One root run and one summary line for the README test command and CI; each workspace has its own config
// (@baton/redis has a second one: its behaviour suites on ioredis 6, the other major of its peer range).
export default defineConfig({ test: { projects: ['packages/*', 'packages/redis/vitest.ioredis6.config.ts', 'apps/*', 'scripts'] } });
