import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { findLegacyUses, type LegacyUse } from './find-legacy-uses.js';

/** The findings of one file, as `line:column kind legacyName`. */
function findingsIn(text: string, file = 'app.ts'): string[] {
  return findLegacyUses(ts, [{ file, text }]).map((use) => `${use.line}:${use.column} ${use.kind} ${use.legacyName}`);
}

describe('findLegacyUses', () => {
  it('reports a named import from @baton/legacy-engines and each use of it', () => {
    const text = [
      "import { ExecutionEngine, getMigrationGuide } from '@baton/legacy-engines';",
      'const engine = new ExecutionEngine({});',
      'const guide = getMigrationGuide("ExecutionEngine");',
    ].join('\n');
    expect(findingsIn(text)).toEqual(['1:10 import ExecutionEngine', '2:20 use ExecutionEngine']);
  });

  it('reports an aliased import at the import and at every use of the alias, with the legacy name', () => {
    const text = [
      "import { ExecutionEngine as EE } from '@baton/legacy-engines';",
      'export const a = new EE();',
      'export const b = { EE };',
      'export { EE as Engine };',
      'let c: EE;',
    ].join('\n');
    expect(findingsIn(text)).toEqual([
      '1:10 import ExecutionEngine',
      '2:22 use ExecutionEngine',
      '3:20 use ExecutionEngine',
      '4:10 use ExecutionEngine',
      '5:8 use ExecutionEngine',
    ]);
  });

  it('does not report a local that shadows an imported binding, nor a property of the same name', () => {
    const text = [
      "import { SupervisorAgent } from './agents/supervisor-agent';",
      'function run(SupervisorAgent: number) { return SupervisorAgent + 1; }',
      'const options = { SupervisorAgent: 1 };',
      'options.SupervisorAgent;',
    ].join('\n');
    expect(findingsIn(text)).toEqual(['1:10 import SupervisorAgent']);
  });

  it('ignores legacy names imported from modules that are not legacy, and other names from legacy modules', () => {
    const text = [
      "import { ExecutionEngine } from './engine';",
      "import { helper } from './execution-engine';",
      'new ExecutionEngine(); helper();',
      'class SupervisorAgent {}',
    ].join('\n');
    expect(findingsIn(text)).toEqual([]);
  });

  it('reports re-exports, default imports and type-only imports', () => {
    const text = [
      "export { ExecutionEngine, SupervisorAgent as Supervisor } from '@baton/legacy-engines';",
      "import ConsolidatedExecutionEngine from './consolidated-execution-engine';",
      "import type { RequestScopedExecutionEngine } from '@baton/legacy-engines';",
      'let engine: RequestScopedExecutionEngine = new ConsolidatedExecutionEngine();',
    ].join('\n');
    expect(findingsIn(text)).toEqual([
      '1:10 re-export ExecutionEngine',
      '1:27 re-export SupervisorAgent',
      '2:8 import ConsolidatedExecutionEngine',
      '3:15 import RequestScopedExecutionEngine',
      '4:13 use RequestScopedExecutionEngine',
      '4:48 use ConsolidatedExecutionEngine',
    ]);
  });

  it('reports CommonJS destructuring, property access on require and namespace objects', () => {
    const text = [
      "const { ExecutionEngine: Engine, helper } = require('./lib/execution-engine');",
      "const legacy = require('@baton/legacy-engines');",
      "require('@baton/legacy-engines').getExecutionEngine();",
      'new Engine(); helper(); legacy.createExecutionEngine(); legacy.somethingElse();',
    ].join('\n');
    expect(findingsIn(text, 'index.cjs')).toEqual([
      '1:9 require ExecutionEngine',
      '3:34 require getExecutionEngine',
      '4:5 use ExecutionEngine',
      '4:32 use createExecutionEngine',
    ]);
  });

  it('reports namespace imports when a legacy name is read from them, in values and types', () => {
    const text = [
      "import * as legacy from '@baton/legacy-engines';",
      'legacy.configureExecutionEngineFactory({});',
      "legacy['SupervisorAgent'];",
      'let factory: legacy.ExecutionEngineFactory;',
      'legacy.getMigrationGuide;',
    ].join('\n');
    expect(findingsIn(text)).toEqual([
      '2:8 use configureExecutionEngineFactory',
      '3:8 use SupervisorAgent',
      '4:21 use ExecutionEngineFactory',
    ]);
  });

  it('reports dynamic import() destructuring, .then callbacks and property access', () => {
    const text = [
      "const { createRequestScopedEngine } = await import('@baton/legacy-engines');",
      'createRequestScopedEngine({});',
      "import('./old/execution-engine.js').then(({ ExecutionEngine }) => new ExecutionEngine());",
      "new (await import('@baton/legacy-engines')).ConsolidatedExecutionEngine();",
      "const lazy = await import('@baton/legacy-engines'); lazy.getExecutionEngineFactory();",
    ].join('\n');
    expect(findingsIn(text, 'lazy.mjs')).toEqual([
      '1:9 dynamic-import createRequestScopedEngine',
      '2:1 use createRequestScopedEngine',
      '3:45 dynamic-import ExecutionEngine',
      '3:71 use ExecutionEngine',
      '4:45 dynamic-import ConsolidatedExecutionEngine',
      '5:58 use getExecutionEngineFactory',
    ]);
  });

  it('parses JSX in .tsx and .jsx files', () => {
    const text = [
      "import { getExecutionEngine } from '@baton/legacy-engines';",
      'export const View = () => <p>{String(getExecutionEngine())}</p>;',
    ].join('\n');
    expect(findingsIn(text, 'view.tsx')).toEqual(['1:10 import getExecutionEngine', '2:38 use getExecutionEngine']);
    expect(findingsIn(text, 'view.jsx')).toEqual(['1:10 import getExecutionEngine', '2:38 use getExecutionEngine']);
  });

  it('reports TODO(baton-migrate) markers nobody resolved, once per marked line', () => {
    const text = [
      '// TODO(baton-migrate): ExecutionEngine → createEngineFactory(...).createEngine(userContext) from @baton/engine-factory',
      'const engine = new ExecutionEngine();',
      '// TODO(baton-migrate): SupervisorAgent → new WorkflowOrchestrator({ engine }) from @baton/orchestrator',
      "export { SupervisorAgent } from '@baton/legacy-engines';",
    ].join('\n');
    expect(findingsIn(text)).toEqual(['1:4 todo ExecutionEngine', '4:10 re-export SupervisorAgent']);
  });

  it('returns the replacement and import path of each finding', () => {
    const [use] = findLegacyUses(ts, [{ file: 'src/a.ts', text: "import { SupervisorAgent } from '@baton/legacy-engines';" }]);
    expect(use).toEqual<LegacyUse>({
      file: 'src/a.ts',
      line: 1,
      column: 10,
      legacyName: 'SupervisorAgent',
      kind: 'import',
      replacement: 'new WorkflowOrchestrator({ engine })',
      importPath: '@baton/orchestrator',
    });
  });

  it('keeps the files apart: a binding of one file is not a use in another', () => {
    const uses = findLegacyUses(ts, [
      { file: 'a.ts', text: "import { ExecutionEngine } from '@baton/legacy-engines';" },
      { file: 'b.ts', text: 'declare const ExecutionEngine: any; new ExecutionEngine();' },
    ]);
    expect(uses.map((use) => `${use.file}:${use.kind}`)).toEqual(['a.ts:import']);
  });
});
