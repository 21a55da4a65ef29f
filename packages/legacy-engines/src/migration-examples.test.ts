import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { STRICT_COMPILER_OPTIONS } from './checker/test-helpers.js';
import { LEGACY_ENGINE_NAMES, type LegacyEngineName } from './legacy-names.js';
import { getMigrationGuide } from './migration-guides.js';

// This package may not depend on the packages its examples use, so the compiler is pointed at the sibling
// folders' built types instead (`paths`), never through an import.
const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const packagesDir = resolve(packageDir, '..');
const builtTypes: Record<string, string> = {
  '@baton/engine-contract': join(packagesDir, 'engine-contract', 'dist', 'index.d.ts'),
  '@baton/engine-factory': join(packagesDir, 'engine-factory', 'dist', 'index.d.ts'),
  '@baton/orchestrator': join(packagesDir, 'orchestrator', 'dist', 'index.d.ts'),
};

// The repository's strict settings (tsconfig.base.json), so the examples hold under a demanding configuration.
const compilerOptions: ts.CompilerOptions = {
  ...STRICT_COMPILER_OPTIONS,
  types: ['node'],
  typeRoots: [join(packageDir, 'node_modules', '@types')],
  paths: Object.fromEntries(Object.entries(builtTypes).map(([name, file]) => [name, [file]])),
};

const exampleFile = (name: LegacyEngineName): string => join(packageDir, 'src', '__examples__', `${name}.ts`);
let diagnosticsByName: Map<LegacyEngineName, string[]>;

beforeAll(() => {
  const missing = Object.entries(builtTypes).filter(([, file]) => !existsSync(file));
  if (missing.length > 0) {
    throw new Error(
      `Build the packages first: the migration examples compile against the built types of ${missing
        .map(([name, file]) => `${name} (${file})`)
        .join(', ')}, which are missing. Run \`pnpm build\` (the root \`pnpm test\` builds every package before vitest runs).`,
    );
  }
  const sources = new Map(LEGACY_ENGINE_NAMES.map((name) => [exampleFile(name), getMigrationGuide(name).codeExample]));
  const host = ts.createCompilerHost(compilerOptions, true);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (fileName, languageVersion, ...rest) => {
    const text = sources.get(fileName);
    return text === undefined
      ? getSourceFile.call(host, fileName, languageVersion, ...rest)
      : ts.createSourceFile(fileName, text, languageVersion, true);
  };
  host.fileExists = (fileName) => sources.has(fileName) || fileExists.call(host, fileName);
  host.readFile = (fileName) => sources.get(fileName) ?? readFile.call(host, fileName);
  const program = ts.createProgram({ rootNames: [...sources.keys()], options: compilerOptions, host });
  const format = (diagnostic: ts.Diagnostic): string => {
    const where =
      diagnostic.file && diagnostic.start !== undefined ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start) : undefined;
    const location = where ? `${diagnostic.file?.fileName}:${where.line + 1}:${where.character + 1} ` : '';
    return `${location}TS${diagnostic.code}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
  };
  const global = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()].map(format);
  diagnosticsByName = new Map(
    LEGACY_ENGINE_NAMES.map((name) => {
      const sourceFile = program.getSourceFile(exampleFile(name));
      const own = sourceFile
        ? [...program.getSyntacticDiagnostics(sourceFile), ...program.getSemanticDiagnostics(sourceFile)].map(format)
        : ['not compiled'];
      return [name, [...global, ...own]];
    }),
  );
}, 120_000); // a full type-check of the examples, @types/node and zod's types

describe('migration code examples', () => {
  it.each(LEGACY_ENGINE_NAMES)('the example for %s compiles against the built @baton packages', (name) => {
    expect(diagnosticsByName.get(name)).toEqual([]);
  });

  it.each(LEGACY_ENGINE_NAMES)('the example for %s uses the replacement it names', (name) => {
    const { replacement, codeExample } = getMigrationGuide(name);
    const call = /createEngine\(|WorkflowOrchestrator\(|createEngineFactory\(/.exec(replacement)?.[0];
    expect(call).toBeDefined();
    expect(codeExample).toContain(call);
  });
});
