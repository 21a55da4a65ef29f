import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { afterEach, describe, expect, it } from 'vitest';
import { analyzeFiles } from './find-legacy-uses.js';
import { fixFile, todoText } from './fix.js';
import { copyFixture, FIXTURES_DIR, listFiles, removeTemporaryDirectories, runInProcess } from './test-helpers.js';

afterEach(removeTemporaryDirectories);

/** Applies `--fix` to one in-memory file. */
function fixText(text: string, file = 'app.ts') {
  const [analysis] = analyzeFiles(ts, [{ file, text }]);
  if (analysis === undefined) throw new Error('no analysis');
  return fixFile(ts, analysis);
}

const ENGINE_TODO = `// ${todoText('ExecutionEngine')}`;

describe.each(['esm', 'cjs', 're-exports', 'aliased', 'dynamic-import'])('check --fix on the %s fixture', (fixture) => {
  it('rewrites the project into the expected output files and exits 1 while TODOs are left', async () => {
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
    expect(again.stdout).toContain('Fixed 0 file(s): rewrote 0 import(s), added 0 TODO(baton-migrate) comment(s).');
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
  it('replaces a legacy import by the replacement import, keeping quotes and semicolons', () => {
    expect(fixText("import { createExecutionEngine } from '@baton/legacy-engines';\n").text).toBe(
      "import { createEngineFactory } from '@baton/engine-factory';\n",
    );
    expect(fixText('import { SupervisorAgent } from "./agents/supervisor-agent"\n').text).toBe(
      'import { WorkflowOrchestrator } from "@baton/orchestrator"\n',
    );
  });

  it('keeps the other names of the statement, the default import included, where they were', () => {
    expect(fixText("import Legacy, { ExecutionEngine } from './execution-engine.js';\n").text).toBe(
      "import Legacy from './execution-engine.js';\nimport { createEngineFactory } from '@baton/engine-factory';\n",
    );
    expect(fixText("const { helper, ExecutionEngine, ...rest } = require('./execution-engine');\n", 'a.cjs').text).toBe(
      "const { helper, ...rest } = require('./execution-engine');\nconst { createEngineFactory } = require('@baton/engine-factory');\n",
    );
  });

  it('imports each replacement once per file, also when the file already imports it', () => {
    const text = [
      "import { createEngineFactory } from '@baton/engine-factory';",
      "import { ExecutionEngine, getExecutionEngineFactory } from '@baton/legacy-engines';",
      "import { RequestScopedExecutionEngine } from './request-scoped-engine';",
      '',
    ].join('\n');
    expect(fixText(text).text).toBe(
      [
        "import { createEngineFactory } from '@baton/engine-factory';",
        "import { createUserExecutionContext } from '@baton/engine-contract';",
        '',
      ].join('\n'),
    );
  });

  it('marks every use above its statement with the legacy name, the replacement and its package', () => {
    const text = [
      "import { ExecutionEngine as EE } from '@baton/legacy-engines';",
      '',
      'function start() {',
      '  return new EE({});',
      '}',
      '',
    ].join('\n');
    const result = fixText(text);
    expect(result.text).toBe(
      [
        "import { createEngineFactory } from '@baton/engine-factory';",
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
    expect(result).toMatchObject({ importsRewritten: 1, todosAdded: 1 });
  });

  it('leaves type-only imports, re-exports and namespace accesses in place, marked', () => {
    const text = [
      "import type { ExecutionEngine } from '@baton/legacy-engines';",
      "export { ExecutionEngine as Engine } from './execution-engine';",
      "import * as legacy from '@baton/legacy-engines';",
      'legacy.ExecutionEngine;',
      '',
    ].join('\n');
    expect(fixText(text).text).toBe(
      [
        ENGINE_TODO,
        "import type { ExecutionEngine } from '@baton/legacy-engines';",
        ENGINE_TODO,
        "export { ExecutionEngine as Engine } from './execution-engine';",
        "import * as legacy from '@baton/legacy-engines';",
        ENGINE_TODO,
        'legacy.ExecutionEngine;',
        '',
      ].join('\n'),
    );
  });

  it('uses an inline block comment when the statement does not start its line', () => {
    const text = "import { ExecutionEngine } from '@baton/legacy-engines';\nstart(); new ExecutionEngine();\n";
    const fixed = fixText(text).text;
    expect(fixed).toBe(
      `import { createEngineFactory } from '@baton/engine-factory';\nstart(); /* ${todoText('ExecutionEngine')} */ new ExecutionEngine();\n`,
    );
    const [analysis] = analyzeFiles(ts, [{ file: 'app.ts', text: fixed }]);
    expect(analysis && fixFile(ts, analysis).text).toBe(fixed);
  });

  it('does not rewrite a require that shares its statement with other declarations', () => {
    const text = "const a = 1, { ExecutionEngine } = require('./execution-engine');\n";
    expect(fixText(text, 'a.cjs')).toMatchObject({ text: `${ENGINE_TODO}\n${text}`, importsRewritten: 0, todosAdded: 1 });
  });

  it("writes the lines it adds with the file's own line endings", () => {
    const text = "import { ExecutionEngine } from '@baton/legacy-engines';\r\nexport const engine = new ExecutionEngine();\r\n";
    expect(fixText(text).text).toBe(
      `import { createEngineFactory } from '@baton/engine-factory';\r\n${ENGINE_TODO}\r\nexport const engine = new ExecutionEngine();\r\n`,
    );
  });

  it('leaves a file without legacy names byte for byte unchanged', () => {
    const text = "import { createEngineFactory } from '@baton/engine-factory';\r\nexport const f = createEngineFactory;\r\n";
    expect(fixText(text)).toEqual({ text, importsRewritten: 0, todosAdded: 0 });
  });
});
