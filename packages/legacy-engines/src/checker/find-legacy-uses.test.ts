import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { LEGACY_ENGINE_NAMES } from '../legacy-names.js';
import { findLegacyUses, type LegacyUse } from './find-legacy-uses.js';

/** The findings of one file, as `line:column kind legacyName`. */
function findingsIn(text: string, file = 'app.ts'): string[] {
  return findLegacyUses(ts, [{ file, text }]).map((use) => `${use.line}:${use.column} ${use.kind} ${use.legacyName}`);
}

/** The findings of several files checked together, as `file:line:column kind legacyName`. */
function findingsAcross(files: Record<string, string>): string[] {
  return findLegacyUses(
    ts,
    Object.entries(files)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([file, text]) => ({ file, text })),
  ).map((use) => `${use.file}:${use.line}:${use.column} ${use.kind} ${use.legacyName}`);
}

const ALL_TWELVE = [...LEGACY_ENGINE_NAMES];

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

  it('reports a namespace destructured into locals, and each use of them', () => {
    const text = [
      "import * as legacy from '@baton/legacy-engines';",
      'const { ExecutionEngine: Engine, getMigrationGuide } = legacy;',
      'new Engine(); getMigrationGuide("ExecutionEngine");',
    ].join('\n');
    expect(findingsIn(text)).toEqual(['2:9 use ExecutionEngine', '3:5 use ExecutionEngine']);
  });

  it('reports type queries import("...").X, typeof import(...).X, and in JSDoc types of JavaScript files', () => {
    const text = [
      "type Agent = import('@baton/legacy-engines').SupervisorAgent;",
      "let make: typeof import('./services/execution-engine.js').createExecutionEngine;",
      "type Guide = import('@baton/legacy-engines').MigrationGuide;",
    ].join('\n');
    expect(findingsIn(text)).toEqual(['1:46 import-type SupervisorAgent', '2:59 import-type createExecutionEngine']);
    const script = [
      "/** @param {import('@baton/legacy-engines').SupervisorAgent} agent */",
      'export function run(agent) { return agent; }',
      "/** @type {typeof import('@baton/legacy-engines').ExecutionEngine | undefined} */",
      'let Engine;',
    ].join('\n');
    expect(findingsIn(script, 'run.mjs')).toEqual(['1:45 import-type SupervisorAgent', '3:51 import-type ExecutionEngine']);
  });

  it('reports each legacy name an `export * from` or `export * as ns from` a legacy module passes on', () => {
    const text = ["export * from '@baton/legacy-engines';", "export * as old from './services/execution-engine';"].join('\n');
    expect(findingsIn(text)).toEqual([
      ...ALL_TWELVE.map((name) => `1:1 re-export ${name}`),
      ...ALL_TWELVE.map((name) => `2:13 re-export ${name}`),
    ]);
    expect(findingsIn("export * from './widgets';\nexport * as helpers from './helpers';")).toEqual([]);
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

  it('reads a marker as covering the whole statement below it, and a block marker its own line', () => {
    const marker =
      '// TODO(baton-migrate): getExecutionEngine → createEngineFactory(...).createEngine(userContext) from @baton/engine-factory';
    const text = [
      "import { getExecutionEngine } from '@baton/legacy-engines';",
      marker,
      'export const view = [',
      "  'a',",
      '  getExecutionEngine(),',
      '];',
      `run(); /* ${marker.slice(3)} */ other();`,
    ].join('\n');
    expect(findingsIn(text)).toEqual(['1:10 import getExecutionEngine', '5:3 use getExecutionEngine', '7:11 todo getExecutionEngine']);
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

describe('findLegacyUses across files: re-exports are followed through the checked files', () => {
  it('reports importers of a name an `export *` barrel passes on, and their uses', () => {
    expect(
      findingsAcross({
        'src/engines.ts': "export * from '@baton/legacy-engines';\nexport const version = 2;",
        'src/app.ts': "import { ExecutionEngine, version } from './engines.js';\nnew ExecutionEngine(version);",
      }),
    ).toEqual([
      'src/app.ts:1:10 import ExecutionEngine',
      'src/app.ts:2:5 use ExecutionEngine',
      ...ALL_TWELVE.map((name) => `src/engines.ts:1:1 re-export ${name}`),
    ]);
  });

  it('reports the users of a renamed re-export, through an index file and a second barrel', () => {
    expect(
      findingsAcross({
        'src/agents/index.ts': "export { SupervisorAgent as Sup } from '@baton/legacy-engines';\nexport const label = 'agents';",
        'src/team.ts': "export { Sup as Boss, label } from './agents';",
        'src/run.ts': "import { Sup } from './agents/index.js';\nimport { Boss as B } from './team';\nnew Sup(); let b: B;",
      }),
    ).toEqual([
      'src/agents/index.ts:1:10 re-export SupervisorAgent',
      'src/run.ts:1:10 import SupervisorAgent',
      'src/run.ts:2:10 import SupervisorAgent',
      'src/run.ts:3:5 use SupervisorAgent',
      'src/run.ts:3:19 use SupervisorAgent',
      'src/team.ts:1:10 re-export SupervisorAgent',
    ]);
  });

  it('reports ns.ExecutionEngine through a re-exported namespace, in values and types', () => {
    expect(
      findingsAcross({
        'src/legacy.ts': "import * as legacy from '@baton/legacy-engines';\nexport { legacy as ns };",
        'src/star-as.ts': "export * as engines from './legacy.js';",
        'src/app.ts': [
          "import { ns } from './legacy.js';",
          "import * as all from './star-as.js';",
          'new ns.ExecutionEngine(); let f: ns.ExecutionEngineFactory; ns.getMigrationGuide;',
          'all.engines.ns.createExecutionEngine();',
        ].join('\n'),
      }),
    ).toEqual([
      'src/app.ts:3:8 use ExecutionEngine',
      'src/app.ts:3:37 use ExecutionEngineFactory',
      'src/app.ts:4:16 use createExecutionEngine',
      ...ALL_TWELVE.map((name) => `src/legacy.ts:2:10 re-export ${name}`),
    ]);
  });

  it('follows CommonJS exports: module.exports = { ... }, exports.x = ..., module.exports = require(...)', () => {
    expect(
      findingsAcross({
        'lib/agents.cjs': [
          "const legacy = require('@baton/legacy-engines');",
          'module.exports = { Sup: legacy.SupervisorAgent };',
          "exports.engine = require('@baton/legacy-engines').getExecutionEngine;",
        ].join('\n'),
        'lib/all.cjs': "module.exports = require('@baton/legacy-engines');",
        'index.cjs': [
          "const { Sup, engine } = require('./lib/agents.cjs');",
          "const all = require('./lib/all.cjs');",
          'new Sup(); engine(); all.createExecutionEngine();',
        ].join('\n'),
      }),
    ).toEqual([
      'index.cjs:1:9 require SupervisorAgent',
      'index.cjs:1:14 require getExecutionEngine',
      'index.cjs:3:5 use SupervisorAgent',
      'index.cjs:3:12 use getExecutionEngine',
      'index.cjs:3:26 use createExecutionEngine',
      'lib/agents.cjs:2:32 use SupervisorAgent',
      'lib/agents.cjs:3:51 require getExecutionEngine',
    ]);
  });

  it('follows a default export of a legacy binding, and a type query into a checked barrel', () => {
    expect(
      findingsAcross({
        'src/engine.ts': "import { ExecutionEngine } from '@baton/legacy-engines';\nexport default ExecutionEngine;",
        'src/app.ts': "import Engine from './engine.js';\ntype T = import('./engine.js').default;\nnew Engine();",
      }),
    ).toEqual([
      'src/app.ts:1:8 import ExecutionEngine',
      'src/app.ts:2:32 import-type ExecutionEngine',
      'src/app.ts:3:5 use ExecutionEngine',
      'src/engine.ts:1:10 import ExecutionEngine',
      'src/engine.ts:2:16 use ExecutionEngine',
    ]);
  });

  it('ends on a cycle of `export *` barrels', () => {
    expect(
      findingsAcross({
        'a.ts': "export * from './b';",
        'b.ts': "export * from './a';\nexport { ExecutionEngine } from '@baton/legacy-engines';",
        'c.ts': "import { ExecutionEngine, missing } from './a';\nmissing();",
      }),
    ).toEqual(['a.ts:1:1 re-export ExecutionEngine', 'b.ts:2:10 re-export ExecutionEngine', 'c.ts:1:10 import ExecutionEngine']);
  });

  it('does not follow a module that is neither checked nor legacy-named', () => {
    expect(findingsAcross({ 'src/run.ts': "import { Sup } from './agents';\nnew Sup();" })).toEqual([]);
  });
});
