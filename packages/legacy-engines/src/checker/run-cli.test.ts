import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { CheckReport } from './run-cli.js';
import { FIXTURES_DIR, removeTemporaryDirectories, runInProcess, temporaryDirectory } from './test-helpers.js';

afterEach(removeTemporaryDirectories);

const esmProject = join(FIXTURES_DIR, 'esm', 'input');
const cleanProject = join(FIXTURES_DIR, 'clean', 'input');

describe('legacy-engines check', () => {
  it('prints file:line:col legacyName → replacement for every finding and exits 1', async () => {
    const result = await runInProcess(['check', 'src'], esmProject);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
    expect(result.stdout.split('\n')).toEqual([
      'src/app.ts:1:10 ExecutionEngine → createEngineFactory(...).createEngine(userContext) from @baton/engine-factory',
      'src/app.ts:2:10 SupervisorAgent → new WorkflowOrchestrator({ engine }) from @baton/orchestrator',
      'src/app.ts:3:15 ExecutionEngineFactory → createEngineFactory({ agents, limits }) from @baton/engine-factory',
      'src/app.ts:6:33 ExecutionEngine → createEngineFactory(...).createEngine(userContext) from @baton/engine-factory',
      'src/app.ts:8:41 ExecutionEngineFactory → createEngineFactory({ agents, limits }) from @baton/engine-factory',
      'src/app.ts:11:28 SupervisorAgent → new WorkflowOrchestrator({ engine }) from @baton/orchestrator',
      'src/view.tsx:1:10 getExecutionEngine → createEngineFactory(...).createEngine(userContext) from @baton/engine-factory',
      'src/view.tsx:7:18 getExecutionEngine → createEngineFactory(...).createEngine(userContext) from @baton/engine-factory',
      '8 use(s) of legacy engine names in 2 file(s). Each throws EngineMigrationError at run time; see the replacement above or getMigrationGuide(name).',
      '',
    ]);
  });

  it('checks the current directory when no path is given, and single files when they are named', async () => {
    const all = await runInProcess(['check'], esmProject);
    expect(all.stdout).toContain('src/app.ts:1:10 ExecutionEngine');
    expect(all.stdout).toContain('src/view.tsx:1:10 getExecutionEngine');
    const one = await runInProcess(['check', 'src/view.tsx'], esmProject);
    expect(one.stdout).not.toContain('src/app.ts');
    expect(one.stdout).toContain('2 use(s) of legacy engine names in 1 file(s).');
  });

  it('exits 0 and says so when the code is clean', async () => {
    const result = await runInProcess(['check', '.'], cleanProject);
    expect(result).toEqual({ code: 0, stdout: 'No legacy engine names found in 3 file(s).\n', stderr: '' });
  });

  it('prints machine-readable findings with --json', async () => {
    const result = await runInProcess(['check', '--json', 'src/view.tsx'], esmProject);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as CheckReport;
    expect(report).toEqual({
      filesChecked: 1,
      findings: [
        {
          file: 'src/view.tsx',
          line: 1,
          column: 10,
          legacyName: 'getExecutionEngine',
          kind: 'import',
          replacement: 'createEngineFactory(...).createEngine(userContext)',
          importPath: '@baton/engine-factory',
        },
        expect.objectContaining({ line: 7, column: 18, kind: 'use', legacyName: 'getExecutionEngine' }),
      ],
    });
    const clean = await runInProcess(['check', '--json'], cleanProject);
    expect(JSON.parse(clean.stdout)).toEqual({ filesChecked: 3, findings: [] });
  });

  it('skips node_modules, dist and dot-directories when it walks a folder', async () => {
    const project = temporaryDirectory();
    const legacyImport = "import { ExecutionEngine } from '@baton/legacy-engines';\n";
    for (const folder of ['node_modules/old', 'dist', '.cache', 'src']) mkdirSync(join(project, folder), { recursive: true });
    for (const file of ['node_modules/old/index.js', 'dist/index.js', '.cache/a.ts', 'src/types.d.ts', 'src/notes.md'])
      writeFileSync(join(project, file), legacyImport);
    writeFileSync(join(project, 'src/index.ts'), 'export {};\n');
    expect(await runInProcess(['check'], project)).toMatchObject({ code: 0, stdout: 'No legacy engine names found in 1 file(s).\n' });
  });

  it('prints the usage with --help and exits 0', async () => {
    for (const argv of [['--help'], ['-h'], ['check', '--help']]) {
      const result = await runInProcess(argv, cleanProject);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^Usage: legacy-engines check \[paths\.\.\.\] \[--json\] \[--fix\]/);
      expect(result.stdout).toContain('--fix');
    }
  });

  it.each([
    [['check', '--frobnicate'], 'unknown option --frobnicate'],
    [['check', 'no/such/dir'], 'no such file or directory: no/such/dir'],
    [['check', 'package.json'], 'not a source file'],
    [[], 'missing command'],
    [['lint'], 'unknown command "lint"'],
  ])('exits 2 on bad usage: %j', async (argv, message) => {
    const project = temporaryDirectory();
    writeFileSync(join(project, 'package.json'), '{}');
    const result = await runInProcess(argv, project);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`legacy-engines: ${message}`);
    expect(result.stderr).toContain('legacy-engines --help');
  });

  it('exits 2 with install instructions when typescript is not installed', async () => {
    const result = await runInProcess(['check'], cleanProject, { noTypeScript: true });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('needs the `typescript` package (an optional peer dependency of @baton/legacy-engines)');
    expect(result.stderr).toContain('npm install --save-dev typescript');
  });
});

describe('the legacy-engines bin', () => {
  it('runs from dist/cli.js with node and reports through its exit code', () => {
    const bin = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'cli.js');
    expect(existsSync(bin), `${bin} is missing: build the package first (pnpm build)`).toBe(true);
    const found = spawnSync(process.execPath, [bin, 'check', 'src/view.tsx'], { cwd: esmProject, encoding: 'utf8' });
    expect(found.status).toBe(1);
    expect(found.stdout).toContain('src/view.tsx:1:10 getExecutionEngine → createEngineFactory(...).createEngine(userContext)');
    const clean = spawnSync(process.execPath, [bin, 'check'], { cwd: cleanProject, encoding: 'utf8' });
    expect(clean.status).toBe(0);
    const usage = spawnSync(process.execPath, [bin, 'check', '--nope'], { cwd: cleanProject, encoding: 'utf8' });
    expect(usage.status).toBe(2);
  }, 60_000); // three node processes, each loading typescript
});
