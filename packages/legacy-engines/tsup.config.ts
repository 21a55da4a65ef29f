import { defineConfig } from 'tsup';

// Two builds into one dist/: the library (dual ESM/CJS with types) and the `legacy-engines` bin (ESM only).
// Only the library build cleans dist/, and it spares the bin's files, so the parallel builds cannot race.
export default defineConfig([
  {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    // The tsconfig is a composite project for the root `tsc -b` (the one type-check); tsup's own program is not.
    dts: { compilerOptions: { composite: false } },
    sourcemap: true,
    clean: ['!cli.js', '!cli.js.map'],
    target: 'node20',
    platform: 'node',
  },
  {
    entry: ['src/cli.ts'],
    format: ['esm'],
    dts: false,
    sourcemap: true,
    clean: false,
    target: 'node20',
    platform: 'node',
    banner: { js: '#!/usr/bin/env node' },
  },
]);
