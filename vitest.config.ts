import { defineConfig } from 'vitest/config';

// One root run and one summary line for the README test command and CI; each workspace has its own config.
export default defineConfig({ test: { projects: ['packages/*', 'apps/*', 'scripts'] } });
