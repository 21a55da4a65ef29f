import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import ts from 'typescript';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error -- plain .mjs script without type declarations
import { CHECK_PLAN, formatPhaseTable, readTimings, TIMINGS_VARIABLE, TYPE_CHECK_COMPILER } from './check-plan.mjs';
// @ts-expect-error -- plain .mjs script without type declarations
import { runCheck } from './check-runner.mjs';

type Phase = { name: string; command: string; args: string[]; env?: Record<string, string>; printsTimings?: boolean };

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const plan = CHECK_PLAN as Phase[][];
const workspaces = ['packages', 'apps'].flatMap((folder) =>
  readdirSync(join(root, folder))
    .filter((name) => existsSync(join(root, folder, name, 'tsconfig.json')))
    .map((name) => `${folder}/${name}`),
);
const scratch: string[] = [];
afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the check plan', () => {
  it('runs every check once and vitest last and alone, and each phase is a root script of the same name', () => {
    const names = plan.flat().map((phase) => phase.name);
    expect(names).toEqual(['lint', 'build', 'type-check', 'lint:packages', 'boundaries', 'deps:check', 'test']);
    expect(plan.at(-1)).toHaveLength(1);
    const { scripts } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    for (const name of names) expect(scripts[name], name).toBeDefined();
    expect(scripts.check).toBe('node scripts/check.mjs');
    expect(scripts['type-check']).toBe(`node ${TYPE_CHECK_COMPILER} -b`);
    expect(plan.flat().find((phase) => phase.name === 'type-check')).toMatchObject({ command: 'node', args: [TYPE_CHECK_COMPILER, '-b'] });
  });

  it('type-checks with TypeScript 7, while the packages build (and users compile) with TypeScript 5', () => {
    const version = (dir: string) => (JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as { version: string }).version;
    expect(existsSync(join(root, TYPE_CHECK_COMPILER))).toBe(true);
    expect(version(dirname(dirname(TYPE_CHECK_COMPILER)))).toMatch(/^7\./);
    expect(version('packages/engine-contract/node_modules/typescript')).toMatch(/^5\./);
  });

  it('turns vitest typecheck off in the test phase only, and every package config that has one obeys', () => {
    const test = plan.at(-1)![0]!;
    expect(test.env).toEqual({ BATON_TYPE_TESTS_DONE: '1' });
    expect(plan.flat().filter((phase) => phase.env !== undefined)).toEqual([test]);
    for (const dir of readdirSync(join(root, 'packages'))) {
      for (const file of readdirSync(join(root, 'packages', dir)).filter((name) => /^vitest.*\.config\.ts$/.test(name))) {
        const text = readFileSync(join(root, 'packages', dir, file), 'utf8');
        if (text.includes('typecheck:'))
          expect(text, `packages/${dir}/${file}`).toMatch(/typecheck: \{ enabled: [^}]*BATON_TYPE_TESTS_DONE !== '1'/);
      }
    }
  });

  it('type-checks every workspace in the one tsc -b: the root tsconfig references each, composite', () => {
    const solution = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile).config as {
      files: string[];
      references: { path: string }[];
    };
    expect(solution.files).toEqual([]);
    expect(solution.references.map((reference) => reference.path).sort()).toEqual([...workspaces].sort());
    for (const workspace of workspaces) {
      const parsed = ts.getParsedCommandLineOfConfigFile(
        join(root, workspace, 'tsconfig.json'),
        {},
        { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
      );
      expect({ workspace, composite: parsed?.options.composite, noEmit: parsed?.options.noEmit }).toEqual({
        workspace,
        composite: true,
        noEmit: true,
      });
    }
  });

  it('so every type test (*.test-d.ts) is in the file list of its workspace project', () => {
    for (const workspace of workspaces) {
      const parsed = ts.getParsedCommandLineOfConfigFile(
        join(root, workspace, 'tsconfig.json'),
        {},
        { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
      );
      const files = new Set(parsed?.fileNames.map((file) => resolve(file)));
      const typeTests = ts.sys.readDirectory(join(root, workspace, 'src'), ['.ts'], ['**/node_modules'], ['**/*.test-d.ts']);
      for (const file of typeTests) expect(files.has(resolve(file)), file).toBe(true);
    }
  });
});

describe('formatPhaseTable', () => {
  it('lines up the phases, marks the parallel ones, and ends with the total', () => {
    const lines = formatPhaseTable(
      [
        { name: 'lint', seconds: 7.06, status: 'passed' },
        { name: 'type-check', seconds: 55, status: 'passed', parallel: true },
        { name: 'lint:packages', seconds: 48.25, status: 'failed (exit 1)', parallel: true },
      ],
      110.3,
      'v24.0.0',
    );
    expect(lines).toEqual([
      'check phases (wall-clock seconds, Node v24.0.0; ‖ = at the same time as the other ‖ phases next to it):',
      '  lint              7.1    passed',
      '  type-check       55.0  ‖ passed',
      '  lint:packages    48.3  ‖ failed (exit 1)',
      '  total           110.3',
    ]);
  });
});

describe('readTimings', () => {
  it('reads what the check runner hands on, and nothing else', () => {
    const timings = { startedAt: 1, testStartedAt: 2, phases: [{ name: 'lint', seconds: 1.5, status: 'passed' }] };
    expect(readTimings({ [TIMINGS_VARIABLE]: JSON.stringify(timings) })).toEqual(timings);
    expect(readTimings({})).toBeUndefined();
    for (const bad of [
      'not json',
      'null',
      '{"startedAt":1,"testStartedAt":2}',
      '{"startedAt":1,"testStartedAt":2,"phases":[{"name":"x"}]}',
    ]) {
      expect(readTimings({ [TIMINGS_VARIABLE]: bad }), bad).toBeUndefined();
    }
  });
});

describe('runCheck', () => {
  const node = (name: string, script: string): Phase => ({ name, command: 'node', args: ['-e', script] });

  async function run(planToRun: Phase[][]) {
    let output = '';
    const code = await runCheck(planToRun, { root, write: (text: string) => (output += text) });
    return { code, output };
  }

  it('runs the groups in order, the phases of a group at the same time, and prints their outputs whole', async () => {
    // a waits for b's file: it only finishes if both run at once (no clock involved).
    const dir = mkdtempSync(join(tmpdir(), 'baton-check-'));
    scratch.push(dir);
    const flag = JSON.stringify(join(dir, 'b-ran'));
    const { code, output } = await run([
      [node('first', 'console.log("first out")')],
      [
        node('a', `const fs=require('fs');(function wait(){fs.existsSync(${flag})?console.log('a saw b'):setImmediate(wait)})()`),
        node('b', `require('fs').writeFileSync(${flag}, ''); console.log('b out')`),
      ],
      [node('last', '')],
    ]);
    expect(code).toBe(0);
    expect(output).toMatch(/── a: passed in [\d.]+ s ──\na saw b\n\n── b: passed in [\d.]+ s ──\nb out\n/);
    expect(output).toContain('▶ a ‖ b (at the same time)');
    expect(output).toMatch(
      / {2}first +[\d.]+ {4}passed\n {2}a +[\d.]+ {2}‖ passed\n {2}b +[\d.]+ {2}‖ passed\n {2}last +[\d.]+ {4}passed\n {2}total +[\d.]+\n$/,
    );
  });

  it('stops after the group with a failure, with its exit code, and prints the table', async () => {
    const { code, output } = await run([[node('ok', ''), node('broken', 'process.exit(3)')], [node('never', 'console.log("ran anyway")')]]);
    expect(code).toBe(3);
    expect(output).not.toContain('ran anyway');
    expect(output).toMatch(/ {2}broken +[\d.]+ {2}‖ failed \(exit 3\)\n {2}total +[\d.]+\ncheck failed: broken\n$/);
  });

  it('leaves the table to a last phase that prints it (passed, or failed tests), and prints it when that phase crashed', async () => {
    const reporting = (script: string): Phase => ({ ...node('test', script), printsTimings: true });
    expect(await run([[node('first', '')], [reporting('')]])).toEqual({ code: 0, output: '\n▶ first\n\n▶ test\n' });
    expect((await run([[reporting('process.exit(1)')]])).output).not.toContain('total');
    const crashed = await run([[reporting('process.exit(2)')]]);
    expect(crashed.code).toBe(2);
    expect(crashed.output).toMatch(/test +[\d.]+ {4}failed \(exit 2\)\n {2}total/);
  });

  it('hands every phase the timings so far, as the vitest reporter reads them', async () => {
    const { output } = await run([
      [node('first', '')],
      [
        node(
          'second',
          `process.stdout.write('got ' + JSON.stringify(JSON.parse(process.env.${TIMINGS_VARIABLE}).phases.map((p) => p.name)))`,
        ),
        node('other', ''),
      ],
    ]);
    expect(output).toContain('got ["first"]');
  });
});

describe('the timing reporter', () => {
  it('prints the phase table just before vitest summary, which stays the last thing printed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-reporter-'));
    scratch.push(dir);
    writeFileSync(join(dir, 'vitest.config.mjs'), 'export default { test: { include: ["*.test.mjs"] } };\n');
    writeFileSync(join(dir, 'one.test.mjs'), 'import { it } from "vitest";\nit("passes", () => {});\n');
    const timings = { startedAt: Date.now() - 5_000, testStartedAt: Date.now(), phases: [{ name: 'lint', seconds: 4, status: 'passed' }] };
    const result = spawnSync(
      process.execPath,
      [
        join(root, 'node_modules/vitest/vitest.mjs'),
        'run',
        '--root',
        dir,
        `--reporter=${join(root, 'scripts/check-timing-reporter.mjs')}`,
        '--reporter=default',
      ],
      { cwd: dir, encoding: 'utf8', env: { ...process.env, [TIMINGS_VARIABLE]: JSON.stringify(timings), NO_COLOR: '1', FORCE_COLOR: '0' } },
    );
    const lines = stripVTControlCharacters(result.stdout).trimEnd().split('\n');
    const table = lines.findIndex((line) => line.startsWith('check phases'));
    expect(result.status).toBe(0);
    expect(lines.slice(table + 1, table + 4).map((line) => line.trim().split(/\s+/)[0])).toEqual(['lint', 'test', 'total']);
    expect(lines.findIndex((line) => line.includes('Test Files'))).toBeGreaterThan(table);
    expect(lines.at(-1)).toMatch(/^\s*Duration /);
  });

  it('is silent outside pnpm check', () => {
    const output = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `
      const { default: Reporter } = await import(${JSON.stringify(join(root, 'scripts/check-timing-reporter.mjs'))});
      new Reporter().onTestRunEnd([], [], 'passed');
      process.stdout.write('done');`,
      ],
      { encoding: 'utf8', env: { ...process.env, [TIMINGS_VARIABLE]: '' } },
    );
    expect(output).toBe('done');
  });
});
