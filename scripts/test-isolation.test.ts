import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

// Some workspaces run their test files without vitest's per-file isolation (`isolate: false`: files
// share their worker's modules, half the CPU). There, `vi.mock` of a module another file already
// imported silently does nothing, and a stubbed global or env leaks into the next file. Such tests
// belong in `*.isolated.test.ts`, run by the workspace's vitest.isolated.config.ts with isolation.

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Calls that need a file's own module graph and globals. */
const NEEDS_ISOLATION = /\bvi\s*\.\s*(mock|doMock|unmock|stubGlobal|stubEnv)\s*\(/;

/** Whether a workspace's vitest.config.ts turns isolation off (always, or outside Stryker). */
function sharesModules(workspace: string): boolean {
  const config = join(workspace, 'vitest.config.ts');
  return existsSync(config) && /^\s*isolate: (false|underStryker),/m.test(readFileSync(config, 'utf8'));
}

/** The problems of a workspace that shares modules between its test files, as `path: why`. */
function isolationProblems(workspace: string): string[] {
  if (!sharesModules(workspace)) return [];
  const problems: string[] = [];
  const needing: string[] = [];
  const walk = (directory: string): void => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') walk(path);
      } else if (entry.name.endsWith('.test.ts') && NEEDS_ISOLATION.test(readFileSync(path, 'utf8'))) {
        needing.push(path);
        if (!entry.name.endsWith('.isolated.test.ts')) {
          problems.push(`${relative(workspace, path)}: mocks a module or stubs a global; name it *.isolated.test.ts`);
        }
      }
    }
  };
  walk(join(workspace, 'src'));
  if (needing.length === 0) return problems;
  const isolated = join(workspace, 'vitest.isolated.config.ts');
  if (!existsSync(isolated)) {
    problems.push('vitest.isolated.config.ts: missing, so its *.isolated.test.ts files run nowhere isolated');
  } else if (!readFileSync(isolated, 'utf8').includes("include: ['src/**/*.isolated.test.ts']")) {
    problems.push("vitest.isolated.config.ts: does not include 'src/**/*.isolated.test.ts'");
  }
  if (!readFileSync(join(workspace, 'vitest.config.ts'), 'utf8').includes("'src/**/*.isolated.test.ts'")) {
    problems.push('vitest.config.ts: does not exclude the *.isolated.test.ts files');
  }
  return problems;
}

/** The workspaces: every directory of packages/ and apps/. */
function workspaces(): string[] {
  return ['packages', 'apps'].flatMap((folder) =>
    readdirSync(join(root, folder), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => join(root, folder, entry.name)),
  );
}

const scratch: string[] = [];
afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A workspace in a scratch directory, with `files` (path relative to it: content). */
function fakeWorkspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'baton-isolation-'));
  scratch.push(dir);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

const SHARED_CONFIG = "test: {\n    include: ['src/**/*.test.ts'],\n    isolate: false,\n    exclude: ['src/**/*.isolated.test.ts'],\n";
const ISOLATED_CONFIG = "test: {\n    include: ['src/**/*.isolated.test.ts'],\n";

describe('test files and module isolation', () => {
  it('every workspace that shares modules between its test files keeps its module mocks and global stubs in isolated files', () => {
    const sharing = workspaces().filter(sharesModules);
    expect(sharing.map((workspace) => relative(root, workspace)).sort()).toEqual(
      ['apps/demo', 'packages/engine-factory', 'packages/legacy-engines', 'packages/orchestrator', 'packages/testing'].sort(),
    );
    expect(
      sharing.flatMap((workspace) => isolationProblems(workspace).map((problem) => `${relative(root, workspace)}/${problem}`)),
    ).toEqual([]);
  });

  it('the root config runs every isolated config as a project of its own', () => {
    const rootConfig = readFileSync(join(root, 'vitest.config.ts'), 'utf8');
    for (const workspace of workspaces().filter((dir) => existsSync(join(dir, 'vitest.isolated.config.ts')))) {
      expect(rootConfig).toContain(`'${relative(root, workspace)}/vitest.isolated.config.ts'`);
    }
  });

  it.each([
    ["vi.mock('./x.js')", 'mocks a module'],
    ['vi.stubGlobal("fetch", f)', 'stubs a global'],
    ["vi.stubEnv('A', 'b')", 'stubs an env variable'],
    ['vi . doMock("x")', 'mocks a module lazily'],
  ])('finds a test that %s (%s) outside an isolated file', (call) => {
    const workspace = fakeWorkspace({
      'vitest.config.ts': SHARED_CONFIG,
      'vitest.isolated.config.ts': ISOLATED_CONFIG,
      'src/server/a.test.ts': `${call};\n`,
    });
    expect(isolationProblems(workspace)).toEqual(['src/server/a.test.ts: mocks a module or stubs a global; name it *.isolated.test.ts']);
  });

  it('accepts the mock in an isolated file, and asks for the isolated config and the exclude when either is missing', () => {
    const files = {
      'vitest.config.ts': SHARED_CONFIG,
      'vitest.isolated.config.ts': ISOLATED_CONFIG,
      'src/a.isolated.test.ts': "vi.mock('./x.js');\n",
    };
    expect(isolationProblems(fakeWorkspace(files))).toEqual([]);
    expect(isolationProblems(fakeWorkspace({ ...files, 'vitest.isolated.config.ts': 'test: {}' }))).toEqual([
      "vitest.isolated.config.ts: does not include 'src/**/*.isolated.test.ts'",
    ]);
    const { 'vitest.isolated.config.ts': _, ...withoutIsolated } = files;
    expect(isolationProblems(fakeWorkspace(withoutIsolated))).toEqual([
      'vitest.isolated.config.ts: missing, so its *.isolated.test.ts files run nowhere isolated',
    ]);
    expect(isolationProblems(fakeWorkspace({ ...files, 'vitest.config.ts': 'isolate: false,\n' }))).toEqual([
      'vitest.config.ts: does not exclude the *.isolated.test.ts files',
    ]);
  });

  it('leaves workspaces with vitest isolation alone, and tests without mocks anywhere', () => {
    expect(isolationProblems(fakeWorkspace({ 'vitest.config.ts': 'test: {}', 'src/a.test.ts': "vi.mock('./x.js');\n" }))).toEqual([]);
    expect(isolationProblems(fakeWorkspace({ 'vitest.config.ts': SHARED_CONFIG, 'src/a.test.ts': 'vi.fn();\n' }))).toEqual([]);
  });
});
