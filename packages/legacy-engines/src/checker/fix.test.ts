import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { afterEach, describe, expect, it } from 'vitest';
import { analyzeFiles } from './find-legacy-uses.js';
import { fixFile, todoText } from './fix.js';
import { copyFixture, FIXED_FIXTURES, FIXTURES_DIR, listFiles, removeTemporaryDirectories, runInProcess } from './test-helpers.js';

afterEach(removeTemporaryDirectories);

/** Applies `--fix` to one in-memory file. */
function fixText(text: string, file = 'app.ts') {
  const [analysis] = analyzeFiles(ts, [{ file, text }]);
  if (analysis === undefined) throw new Error('no analysis');
  return fixFile(ts, analysis);
}

const ENGINE_TODO = `// ${todoText('ExecutionEngine')}`;
const SUPERVISOR_TODO = `// ${todoText('SupervisorAgent')}`;

describe.each(FIXED_FIXTURES)('check --fix on the %s fixture', (fixture) => {
  it('rewrites the project into the expected output files and exits 1 while findings or TODOs are left', async () => {
    const project = copyFixture(fixture);
    const result = await runInProcess(['check', '--fix'], project);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    const expectedDir = join(FIXTURES_DIR, fixture, 'expected');
    const expectedFiles = listFiles(expectedDir);
    expect(listFiles(project)).toEqual(expectedFiles.map((file) => file.replace(/\.expected$/, '')));
    for (const file of expectedFiles) {
      const actual = readFileSync(join(project, file.replace(/\.expected$/, '')), 'utf8');
      expect(actual, file).toBe(readFileSync(join(expectedDir, file), 'utf8'));
    }
  });

  it('changes nothing when run a second time', async () => {
    const project = copyFixture(fixture);
    await runInProcess(['check', '--fix'], project);
    const once = listFiles(project).map((file) => readFileSync(join(project, file), 'utf8'));
    const again = await runInProcess(['check', '--fix'], project);
    expect(again.stdout).toContain('Fixed 0 file(s): added 0 TODO(baton-migrate) comment(s), removed 0 import(s)');
    expect(listFiles(project).map((file) => readFileSync(join(project, file), 'utf8'))).toEqual(once);
  });
});

describe('check --fix on the clean fixture', () => {
  it('leaves every file unchanged and exits 0', async () => {
    const project = copyFixture('clean');
    const before = listFiles(project).map((file) => [file, readFileSync(join(project, file), 'utf8')]);
    const result = await runInProcess(['check', '--fix', '.'], project);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Fixed 0 file(s)');
    expect(result.stdout).toContain('No legacy engine names found in 3 file(s).');
    expect(listFiles(project).map((file) => [file, readFileSync(join(project, file), 'utf8')])).toEqual(before);
  });
});

describe('fixFile', () => {
  it('keeps a legacy import that is still used, marked, and marks every use above its statement', () => {
    const text = [
      "import { ExecutionEngine as EE, getMigrationGuide } from '@baton/legacy-engines';",
      '',
      'function start() {',
      '  return new EE({});',
      '}',
      '',
    ].join('\n');
    const result = fixText(text);
    expect(result.text).toBe(
      [
        ENGINE_TODO,
        "import { ExecutionEngine as EE, getMigrationGuide } from '@baton/legacy-engines';",
        '',
        'function start() {',
        `  ${ENGINE_TODO}`,
        '  return new EE({});',
        '}',
        '',
      ].join('\n'),
    );
    expect(ENGINE_TODO).toBe(
      '// TODO(baton-migrate): ExecutionEngine → createEngineFactory(...).createEngine(userContext) from @baton/engine-factory',
    );
    expect(result).toMatchObject({ importsRemoved: 0, todosAdded: 2 });
  });

  it('deletes a legacy import nothing uses, keeping the other names, the default import and the quotes', () => {
    expect(fixText("import { createExecutionEngine } from '@baton/legacy-engines';\nexport const a = 1;\n")).toEqual({
      text: 'export const a = 1;\n',
      importsRemoved: 1,
      todosAdded: 0,
    });
    expect(fixText('import Legacy, { ExecutionEngine, helper } from "./execution-engine.js"\nLegacy(helper);\n').text).toBe(
      'import Legacy, { helper } from "./execution-engine.js"\nLegacy(helper);\n',
    );
    expect(fixText("import Legacy, { ExecutionEngine } from './execution-engine.js';\nLegacy();\n").text).toBe(
      "import Legacy from './execution-engine.js';\nLegacy();\n",
    );
    expect(fixText("import ExecutionEngine, { helper } from './execution-engine.js';\nhelper();\n").text).toBe(
      "import { helper } from './execution-engine.js';\nhelper();\n",
    );
  });

  it('keeps the layout of a multi-line import it deletes a name from', () => {
    const text = [
      'import {',
      '  ExecutionEngine,',
      '  getMigrationGuide,',
      '  type LegacyEngineName,',
      "} from '@baton/legacy-engines';",
      "export const name: LegacyEngineName = getMigrationGuide('SupervisorAgent').legacyName;",
      '',
    ].join('\n');
    expect(fixText(text).text).toBe(
      [
        'import {',
        '  getMigrationGuide,',
        '  type LegacyEngineName,',
        "} from '@baton/legacy-engines';",
        "export const name: LegacyEngineName = getMigrationGuide('SupervisorAgent').legacyName;",
        '',
      ].join('\n'),
    );
  });

  it('deletes unused names from a flat require, and leaves a require with a rest element marked instead', () => {
    expect(fixText("const { helper, ExecutionEngine } = require('./execution-engine');\nhelper();\n", 'a.cjs').text).toBe(
      "const { helper } = require('./execution-engine');\nhelper();\n",
    );
    // Deleting `ExecutionEngine` would put it into `rest`: not mechanical.
    const withRest = "const { ExecutionEngine, ...rest } = require('./execution-engine');\nrest.helper();\n";
    expect(fixText(withRest, 'a.cjs')).toEqual({ text: `${ENGINE_TODO}\n${withRest}`, importsRemoved: 0, todosAdded: 1 });
    const shared = "const a = 1, { ExecutionEngine } = require('./execution-engine');\n";
    expect(fixText(shared, 'a.cjs')).toMatchObject({ text: `${ENGINE_TODO}\n${shared}`, importsRemoved: 0, todosAdded: 1 });
  });

  it('deletes the TODO markers and directives above an import it deletes, and only the markers of deleted names', () => {
    const text = [
      ENGINE_TODO,
      '// @ts-expect-error the old module had no types',
      "import { ExecutionEngine } from './execution-engine';",
      ENGINE_TODO,
      SUPERVISOR_TODO,
      "import { ExecutionEngine as Old, SupervisorAgent } from '@baton/legacy-engines';",
      'new SupervisorAgent();',
      '',
    ].join('\n');
    expect(fixText(text).text).toBe(
      [SUPERVISOR_TODO, "import { SupervisorAgent } from '@baton/legacy-engines';", SUPERVISOR_TODO, 'new SupervisorAgent();', ''].join(
        '\n',
      ),
    );
  });

  it('puts a TODO above the directives and doc comment of its line, never between them', () => {
    const text = [
      "import { ExecutionEngine } from '@baton/legacy-engines';",
      '/** The engine. */',
      'export const engine = new ExecutionEngine();',
      'export function count(): number {',
      '  // @ts-expect-error an engine is not a number',
      '  return new ExecutionEngine();',
      '}',
      '',
    ].join('\n');
    expect(fixText(text).text).toBe(
      [
        ENGINE_TODO,
        "import { ExecutionEngine } from '@baton/legacy-engines';",
        ENGINE_TODO,
        '/** The engine. */',
        'export const engine = new ExecutionEngine();',
        'export function count(): number {',
        `  ${ENGINE_TODO}`,
        '  // @ts-expect-error an engine is not a number',
        '  return new ExecutionEngine();',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('uses an inline block comment when the statement does not start its line, once', () => {
    const text = "import { ExecutionEngine } from '@baton/legacy-engines';\nstart(); new ExecutionEngine();\n";
    const fixed = fixText(text).text;
    expect(fixed).toBe(`${ENGINE_TODO}\n${text.split('\n')[0]}\nstart(); /* ${todoText('ExecutionEngine')} */ new ExecutionEngine();\n`);
    const [analysis] = analyzeFiles(ts, [{ file: 'app.ts', text: fixed }]);
    expect(analysis && fixFile(ts, analysis).text).toBe(fixed);
  });

  it('marks each legacy name of an `export *` once above the statement', () => {
    const result = fixText("export * from './engines/execution-engine';\n");
    expect(result.todosAdded).toBe(12);
    expect(result.text.split('\n').slice(0, 2)).toEqual([ENGINE_TODO, `// ${todoText('ExecutionEngineConsolidated')}`]);
    expect(
      result.text.endsWith(
        "// TODO(baton-migrate): configureExecutionEngineFactory → createEngineFactory({ agents, limits }) from @baton/engine-factory\nexport * from './engines/execution-engine';\n",
      ),
    ).toBe(true);
  });

  it("writes the lines it adds with the file's own line endings", () => {
    const text = "import { ExecutionEngine } from '@baton/legacy-engines';\r\nexport const engine = new ExecutionEngine();\r\n";
    expect(fixText(text).text).toBe(
      `${ENGINE_TODO}\r\nimport { ExecutionEngine } from '@baton/legacy-engines';\r\n${ENGINE_TODO}\r\nexport const engine = new ExecutionEngine();\r\n`,
    );
  });

  it('leaves a file without legacy names byte for byte unchanged', () => {
    const text = "import { createEngineFactory } from '@baton/engine-factory';\r\nexport const f = createEngineFactory;\r\n";
    expect(fixText(text)).toEqual({ text, importsRemoved: 0, todosAdded: 0 });
  });
});
