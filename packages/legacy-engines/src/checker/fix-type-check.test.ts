import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  copyFixture,
  installLegacyEnginesInto,
  listFiles,
  PACKAGE_DIR,
  removeTemporaryDirectories,
  runInProcess,
  STRICT_COMPILER_OPTIONS,
  temporaryDirectory,
} from './test-helpers.js';

// The TypeScript fixtures: each type-checks before `--fix`, and must still type-check after it.
const TYPESCRIPT_FIXTURES = ['esm', 're-exports', 'aliased', 'namespace-re-export', 'type-queries', 'migrated'] as const;

// The repository's strict settings (tsconfig.base.json); `@baton/legacy-engines` resolves through a node_modules link
// to this package's built types, as in a user's project.
const compilerOptions: ts.CompilerOptions = { ...STRICT_COMPILER_OPTIONS, jsx: ts.JsxEmit.Preserve, types: [] };

const projects = new Map<string, { original: string; fixed: string }>();
let diagnostics: readonly ts.Diagnostic[] = [];

function format(diagnostic: ts.Diagnostic): string {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
  if (diagnostic.file === undefined || diagnostic.start === undefined) return `TS${diagnostic.code}: ${message}`;
  const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  return `${diagnostic.file.fileName}:${line + 1}:${character + 1} TS${diagnostic.code}: ${message}`;
}

beforeAll(async () => {
  const built = join(PACKAGE_DIR, 'dist', 'index.d.ts');
  expect(existsSync(built), `${built} is missing: build the package first (pnpm build)`).toBe(true);
  const rootNames: string[] = [];
  // The view fixture renders JSX without React: declare the intrinsic elements.
  const jsx = join(temporaryDirectory(), 'jsx.d.ts');
  writeFileSync(jsx, 'declare namespace JSX { interface IntrinsicElements { [element: string]: unknown } }\n');
  rootNames.push(jsx);
  for (const fixture of TYPESCRIPT_FIXTURES) {
    const original = copyFixture(fixture);
    const fixed = copyFixture(fixture);
    const result = await runInProcess(['check', '--fix'], fixed);
    expect(result.stderr).toBe('');
    for (const project of [original, fixed]) {
      installLegacyEnginesInto(project);
      rootNames.push(
        ...listFiles(project)
          .filter((file) => /\.tsx?$/.test(file))
          .map((file) => join(project, file)),
      );
    }
    projects.set(fixture, { original, fixed });
  }
  // One program for every project (each file is a module), so the standard library is loaded once.
  diagnostics = ts.getPreEmitDiagnostics(ts.createProgram({ rootNames, options: compilerOptions }));
}, 120_000);

afterAll(removeTemporaryDirectories);

describe.each(TYPESCRIPT_FIXTURES)('the %s fixture type-checked with tsc', (fixture) => {
  const errorsUnder = (directory: string) =>
    diagnostics.filter((diagnostic) => diagnostic.file?.fileName.startsWith(`${directory}/`) ?? true).map(format);

  it('type-checks before --fix', () => {
    const project = projects.get(fixture);
    expect(project && errorsUnder(project.original)).toEqual([]);
  });

  it('still type-checks after --fix: the legacy imports it cannot replace stay, so no TS2304', () => {
    const project = projects.get(fixture);
    expect(project && errorsUnder(project.fixed)).toEqual([]);
  });
});
