import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { LEGACY_ENGINE_NAMES } from './legacy-names.js';
import { getMigrationGuide } from './migration-guides.js';

// What an editor shows: a language service over a file that imports and uses every legacy name.
const sourceDir = dirname(fileURLToPath(import.meta.url));
const probeFile = join(sourceDir, '__deprecation-probe__.ts');
const probeText = `import { ${LEGACY_ENGINE_NAMES.join(', ')} } from './index.js';\n${LEGACY_ENGINE_NAMES.map((name) => `void ${name};`).join('\n')}\n`;
const options: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.Preserve,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  types: [],
};
let service: ts.LanguageService;
let struckThrough: string[];

beforeAll(() => {
  service = ts.createLanguageService({
    getScriptFileNames: () => [probeFile],
    getScriptVersion: () => '1',
    getScriptSnapshot: (fileName) => {
      if (fileName === probeFile) return ts.ScriptSnapshot.fromString(probeText);
      return existsSync(fileName) ? ts.ScriptSnapshot.fromString(readFileSync(fileName, 'utf8')) : undefined;
    },
    getCurrentDirectory: () => sourceDir,
    getCompilationSettings: () => options,
    getDefaultLibFileName: ts.getDefaultLibFilePath,
    fileExists: (fileName) => fileName === probeFile || ts.sys.fileExists(fileName),
    readFile: (fileName) => (fileName === probeFile ? probeText : ts.sys.readFile(fileName)),
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
  });
  // The first query type-checks the package: do it here, under the hook's longer timeout.
  struckThrough = service
    .getSuggestionDiagnostics(probeFile)
    .filter((diagnostic) => diagnostic.reportsDeprecated)
    .map((diagnostic) => probeText.slice(diagnostic.start, (diagnostic.start ?? 0) + (diagnostic.length ?? 0)));
}, 120_000);

describe('@deprecated on every legacy export', () => {
  it('makes the editor strike through every legacy name where it is used', () => {
    for (const name of LEGACY_ENGINE_NAMES) expect(struckThrough).toContain(name);
  });

  it.each(LEGACY_ENGINE_NAMES)('names the replacement of %s and its package in the @deprecated text', (name) => {
    const { importPath, replacement } = getMigrationGuide(name);
    const info = service.getQuickInfoAtPosition(probeFile, probeText.lastIndexOf(`void ${name};`) + 'void '.length);
    const deprecatedTag = info?.tags?.find((tag) => tag.name === 'deprecated');
    const text = ts.displayPartsToString(deprecatedTag?.text);
    expect(text).toContain(`\`${name}\` has been removed.`);
    expect(text).toContain(`\`${importPath}\``);
    const call = /createEngine\(userContext\)|createEngineFactory\(\{ agents, limits \}\)|new WorkflowOrchestrator\(\{ engine \}\)/.exec(
      replacement,
    )?.[0];
    expect(call).toBeDefined();
    expect(text).toContain(call);
  });
});
