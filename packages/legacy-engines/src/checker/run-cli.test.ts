import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CheckReport } from './run-cli.js';
import {
  FIXTURES_DIR,
  PACKAGE_DIR,
  projectWithTypeScript7,
  removeTemporaryDirectories,
  runInProcess,
  temporaryDirectory,
} from './test-helpers.js';

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

  it('prints the version of @baton/legacy-engines with --version and exits 0', async () => {
    const { version } = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as { version: string };
    for (const argv of [['--version'], ['check', '--version'], ['check', 'src', '--version']]) {
      expect(await runInProcess(argv, cleanProject)).toEqual({ code: 0, stdout: `@baton/legacy-engines ${version}\n`, stderr: '' });
    }
  });
});

describe('legacy-engines check without a usable typescript', () => {
  it('exits 2 and says to install typescript@5 when none is installed', async () => {
    const result = await runInProcess(['check'], cleanProject, { typeScriptSearchPaths: [temporaryDirectory()] });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('needs the `typescript` package (>=5.0.0 <7, an optional peer dependency of @baton/legacy-engines)');
    expect(result.stderr).toContain('and none is installed');
    expect(result.stderr).toContain('Install typescript@5 next to it');
  });

  it('exits 2 naming the TypeScript 7 it found, instead of crashing on its missing compiler API', async () => {
    const project = projectWithTypeScript7();
    const result = await runInProcess(['check'], project, { typeScriptSearchPaths: [project] });
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toContain(
      'legacy-engines: found typescript 7.0.2 in node_modules/typescript (TypeScript 7 has no JavaScript compiler API to parse your code with), ' +
        'but the checker needs typescript >=5.0.0 <7.',
    );
    expect(result.stderr).toContain('Install typescript@5 next to it');
    expect(result.stderr).toContain('npx -p typescript@5 -p @baton/legacy-engines legacy-engines check');
    expect(result.stderr).not.toContain('Latest');
  });

  it('uses the typescript@5 next to the checker when the project has TypeScript 7', async () => {
    const project = projectWithTypeScript7();
    // The default search: the project, then the checker's own folder (which has the workspace's typescript 5).
    expect(await runInProcess(['check', 'src'], project)).toEqual({
      code: 0,
      stdout: 'No legacy engine names found in 1 file(s).\n',
      stderr: '',
    });
  });
});

describe('the legacy-engines bin', () => {
  const bin = join(PACKAGE_DIR, 'dist', 'cli.js');
  const node = (args: readonly string[], cwd: string) => spawnSync(process.execPath, [...args], { cwd, encoding: 'utf8' });

  it('runs from dist/cli.js with node and reports through its exit code', () => {
    expect(existsSync(bin), `${bin} is missing: build the package first (pnpm build)`).toBe(true);
    const found = node([bin, 'check', 'src/view.tsx'], esmProject);
    expect(found.status).toBe(1);
    expect(found.stdout).toContain('src/view.tsx:1:10 getExecutionEngine → createEngineFactory(...).createEngine(userContext)');
    expect(node([bin, 'check'], cleanProject).status).toBe(0);
    expect(node([bin, 'check', '--nope'], cleanProject).status).toBe(2);
    const version = node([bin, '--version'], cleanProject);
    expect(version.stdout).toMatch(/^@baton\/legacy-engines \d+\.\d+\.\d+/);
  }, 60_000); // four node processes, three loading typescript

  it('exits 2 with the install message when installed in a project whose only typescript is version 7, or none', () => {
    // An install as npm makes it: the package (package.json and dist) and its dependency in the project's node_modules.
    const project = projectWithTypeScript7();
    const installed = join(project, 'node_modules', '@baton', 'legacy-engines');
    mkdirSync(installed, { recursive: true });
    cpSync(join(PACKAGE_DIR, 'package.json'), join(installed, 'package.json'));
    cpSync(join(PACKAGE_DIR, 'dist'), join(installed, 'dist'), { recursive: true });
    symlinkSync(join(PACKAGE_DIR, '..', 'engine-contract'), join(project, 'node_modules', '@baton', 'engine-contract'), 'dir');
    const installedBin = join(installed, 'dist', 'cli.js');

    const withTypeScript7 = node([installedBin, 'check'], project);
    expect(withTypeScript7.status).toBe(2);
    expect(withTypeScript7.stdout).toBe('');
    expect(withTypeScript7.stderr).toContain('found typescript 7.0.2 in node_modules/typescript');
    expect(withTypeScript7.stderr).toContain('Install typescript@5 next to it');

    rmSync(join(project, 'node_modules', 'typescript'), { recursive: true });
    const without = node([installedBin, 'check'], project);
    expect(without.status).toBe(2);
    expect(without.stderr).toContain('and none is installed');
  }, 120_000);
});
