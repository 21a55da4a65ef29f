import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { runCli } from './run-cli.js';

/** The package folder (its `dist/` is what the child-process tests load). */
export const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The fixture projects: `<name>/input` is the project, `<name>/expected` what `--fix` makes of it. */
export const FIXTURES_DIR = join(PACKAGE_DIR, 'src', '__fixtures__');

/** The fixtures with an `expected/` folder: what `check --fix` makes of `input/`. */
export const FIXED_FIXTURES = [
  'esm',
  'cjs',
  're-exports',
  'aliased',
  'dynamic-import',
  'export-star',
  'export-star-as',
  'renamed-re-export',
  'namespace-re-export',
  'type-queries',
  'migrated',
] as const;

/** Runs the CLI in-process and collects what it printed. */
export async function runInProcess(argv: readonly string[], cwd: string, options: { typeScriptSearchPaths?: readonly string[] } = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    cwd,
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    ...options,
  });
  return { code, stdout, stderr };
}

const temporaryDirectories: string[] = [];

/** A fresh empty temporary directory (removed by {@link removeTemporaryDirectories}). */
export function temporaryDirectory(prefix = 'legacy-engines-'): string {
  const directory = mkdtempSync(join(tmpdir(), prefix));
  temporaryDirectories.push(directory);
  return directory;
}

/** Copies a fixture's input project to a fresh temporary directory (removed by {@link removeTemporaryDirectories}). */
export function copyFixture(name: string): string {
  const directory = temporaryDirectory(`legacy-engines-${name}-`);
  cpSync(join(FIXTURES_DIR, name, 'input'), directory, { recursive: true });
  return directory;
}

/** Removes every directory made by {@link copyFixture} and {@link temporaryDirectory}. */
export function removeTemporaryDirectories(): void {
  for (const directory of temporaryDirectories.splice(0)) rmSync(directory, { recursive: true, force: true });
}

/** Every file under `directory` (outside `node_modules`), as sorted relative paths with `/`. */
export function listFiles(directory: string): string[] {
  return readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(directory, join(entry.parentPath, entry.name)).split('\\').join('/'))
    .filter((file) => !file.startsWith('node_modules/'))
    .sort();
}

/**
 * Makes `@baton/legacy-engines` importable from `project` the way an install does: a `node_modules` link to this
 * package, whose built `dist/` is loaded (its own `@baton/engine-contract` resolves from the package folder).
 */
export function installLegacyEnginesInto(project: string): void {
  mkdirSync(join(project, 'node_modules', '@baton'), { recursive: true });
  symlinkSync(PACKAGE_DIR, join(project, 'node_modules', '@baton', 'legacy-engines'), 'dir');
}

/**
 * A project with one source file (`src/index.ts`) whose only `typescript` is a stand-in for TypeScript 7 (the fixture
 * `typescript-7`: like the real 7.0.2 package, its main export has only `version` and `versionMajorMinor`).
 */
export function projectWithTypeScript7(): string {
  const project = temporaryDirectory('legacy-engines-ts7-');
  cpSync(join(FIXTURES_DIR, 'typescript-7'), join(project, 'node_modules', 'typescript'), { recursive: true });
  mkdirSync(join(project, 'src'));
  writeFileSync(join(project, 'src', 'index.ts'), 'export const answer = 42;\n');
  writeFileSync(join(project, 'package.json'), '{ "name": "uses-typescript-7", "private": true }\n');
  return project;
}

/** A function to call in a child process: `file` (absolute) exports `name`. */
export interface ExportCall {
  readonly file: string;
  readonly name: string;
}

// Imports each file, calls the export with one argument and awaits it; prints one outcome per call: `returned <json>`,
// `EngineMigrationError(<legacyName>)` for the guided error, else `<error name>: <message>` (a ReferenceError, say).
const CALL_EXPORTS = `
import { pathToFileURL } from 'node:url';
const outcomes = [];
for (const { file, name } of JSON.parse(process.argv[2])) {
  try {
    const module = await import(pathToFileURL(file).href);
    const value = await (module[name] ?? module.default?.[name])('argument');
    outcomes.push('returned ' + JSON.stringify(value));
  } catch (error) {
    const guided = error?.name === 'EngineMigrationError' && error.code === 'ENGINE_MIGRATION';
    outcomes.push(guided ? 'EngineMigrationError(' + error.legacyName + ')' : String(error?.name) + ': ' + String(error?.message));
  }
}
process.stdout.write(JSON.stringify(outcomes));
`;

/** Calls exported functions in one child `node` process (real module loading, ESM and CommonJS) and returns the outcomes. */
export function callExportsInNode(calls: readonly ExportCall[]): string[] {
  const directory = temporaryDirectory('legacy-engines-harness-');
  const harness = join(directory, 'call-exports.mjs');
  writeFileSync(harness, CALL_EXPORTS);
  const child = spawnSync(process.execPath, [harness, JSON.stringify(calls)], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`the child node process failed (${child.status}): ${child.stderr}`);
  return JSON.parse(child.stdout) as string[];
}

/**
 * The repository's strict settings (tsconfig.base.json) as TypeScript compiler options, for the tests
 * that type-check code the way a demanding user project would; each test adds its module lookup.
 */
export const STRICT_COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  lib: ['lib.es2023.d.ts'],
  module: ts.ModuleKind.Preserve,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  strict: true,
  noUncheckedIndexedAccess: true,
  noImplicitOverride: true,
  noImplicitReturns: true,
  verbatimModuleSyntax: true,
  isolatedModules: true,
  skipLibCheck: true,
  noEmit: true,
};
