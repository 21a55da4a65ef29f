import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  callExportsInNode,
  copyFixture,
  installLegacyEnginesInto,
  PACKAGE_DIR,
  removeTemporaryDirectories,
  runInProcess,
} from './test-helpers.js';

afterEach(removeTemporaryDirectories);

beforeAll(() => {
  const built = join(PACKAGE_DIR, 'dist', 'index.js');
  expect(existsSync(built), `${built} is missing: build the package first (pnpm build)`).toBe(true);
});

const guided = (legacyName: string) => `EngineMigrationError(${legacyName})`;

// Per JavaScript fixture: the exported functions to call (file, export) and what each must do, before and after
// `--fix`: throw the guided EngineMigrationError where legacy code runs, return where it does not.
const RUNS: ReadonlyArray<readonly [fixture: string, calls: ReadonlyArray<readonly [file: string, name: string, outcome: string]>]> = [
  [
    'cjs',
    [
      ['index.cjs', 'start', guided('createExecutionEngine')],
      ['index.cjs', 'factory', guided('getExecutionEngineFactory')],
    ],
  ],
  [
    'dynamic-import',
    [
      ['src/lazy.mjs', 'handle', guided('createRequestScopedEngine')],
      ['src/lazy.mjs', 'later', 'returned {}'],
      ['src/lazy.mjs', 'property', guided('ConsolidatedExecutionEngine')],
    ],
  ],
  [
    'export-star',
    [
      ['src/app.js', 'start', guided('ExecutionEngine')],
      ['src/app.js', 'create', guided('createExecutionEngine')],
      ['src/app.js', 'version', 'returned 2'],
    ],
  ],
  [
    'export-star-as',
    [
      ['src/app.mjs', 'start', guided('ExecutionEngine')],
      ['src/app.mjs', 'supervise', guided('SupervisorAgent')],
      ['src/app.mjs', 'guide', 'returned "@baton/engine-factory"'],
    ],
  ],
  [
    'renamed-re-export',
    [
      ['src/run.cjs', 'supervise', guided('SupervisorAgent')],
      ['src/run.cjs', 'currentEngine', guided('getExecutionEngine')],
      ['src/use-esm.mjs', 'supervise', guided('SupervisorAgent')],
      ['src/use-esm.mjs', 'currentEngine', guided('getExecutionEngine')],
    ],
  ],
  ['migrated', [['src/worker.cjs', 'guide', 'returned "@baton/engine-factory"']]],
];

describe.each(RUNS)('the %s fixture run by node', (fixture, calls) => {
  it('behaves the same after --fix: the guided EngineMigrationError where legacy code runs, never a ReferenceError', async () => {
    const original = copyFixture(fixture);
    const fixed = copyFixture(fixture);
    const result = await runInProcess(['check', '--fix'], fixed);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^Fixed [1-9]\d* file\(s\)/);
    for (const project of [original, fixed]) installLegacyEnginesInto(project);

    const toCall = (project: string) => calls.map(([file, name]) => ({ file: join(project, file), name }));
    const outcomes = callExportsInNode([...toCall(original), ...toCall(fixed)]);
    const expected = calls.map(([, , outcome]) => outcome);
    expect(outcomes.slice(0, calls.length), 'before --fix').toEqual(expected);
    expect(outcomes.slice(calls.length), 'after --fix').toEqual(expected);
  }, 60_000); // one child node process loading the built package, on a busy machine
});
