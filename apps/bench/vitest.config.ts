import { defineProject } from 'vitest/config';

// The smoke test spawns the bench in a child process (it needs --expose-gc); it asserts only that it ran.
export default defineProject({ test: { environment: 'node', include: ['src/**/*.test.ts'] } });
