import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { LEGACY_ENGINE_NAMES } from '../legacy-names.js';
import { collectModuleFacts } from './module-facts.js';
import { ModuleGraph } from './module-graph.js';

/** A graph of in-memory files. */
function graphOf(files: Record<string, string>): ModuleGraph {
  return new ModuleGraph(
    new Map(
      Object.entries(files).map(([file, text]) => [
        file,
        collectModuleFacts(ts, ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true)),
      ]),
    ),
  );
}

describe('ModuleGraph.resolveFile', () => {
  const graph = graphOf({
    'src/a.ts': '',
    'src/b.mts': '',
    'src/c.cts': '',
    'src/view.tsx': '',
    'src/lib/index.js': '',
    'src/plain.mjs': '',
    'other/x.ts': '',
  });

  it.each([
    ['./a.js', 'src/a.ts'],
    ['./a', 'src/a.ts'],
    ['./a.ts', 'src/a.ts'],
    ['./b.mjs', 'src/b.mts'],
    ['./c.cjs', 'src/c.cts'],
    ['./view.js', 'src/view.tsx'],
    ['./view.jsx', 'src/view.tsx'],
    ['./lib', 'src/lib/index.js'],
    ['./lib/index.js', 'src/lib/index.js'],
    ['./plain.mjs', 'src/plain.mjs'],
    ['../other/x.js', 'other/x.ts'],
  ])('resolves %s from src/app.ts to %s', (specifier, file) => {
    expect(graph.resolveFile('src/app.ts', specifier)).toBe(file);
  });

  it.each(['a', '@baton/legacy-engines', './missing', '/abs/a.ts'])('does not resolve %s (not relative, or not checked)', (specifier) => {
    expect(graph.resolveFile('src/app.ts', specifier)).toBeUndefined();
  });
});

describe('ModuleGraph.exportOf', () => {
  it('follows renamed re-exports, local exports of imports, namespaces and CommonJS members to the legacy name', () => {
    const graph = graphOf({
      'agents.ts': "export { SupervisorAgent as Sup } from '@baton/legacy-engines';",
      'local.ts': "import { ExecutionEngine as EE } from '@baton/legacy-engines';\nexport { EE as Engine };",
      'ns.ts': "export * as legacy from '@baton/legacy-engines';",
      'cjs.cjs': "const legacy = require('@baton/legacy-engines');\nmodule.exports = { Factory: legacy.ExecutionEngineFactory };",
    });
    const file = (name: string) => ({ file: name, legacyNamed: false });
    expect(graph.exportOf(file('agents.ts'), 'Sup')).toEqual({ kind: 'name', legacyName: 'SupervisorAgent' });
    expect(graph.exportOf(file('local.ts'), 'Engine')).toEqual({ kind: 'name', legacyName: 'ExecutionEngine' });
    expect(graph.exportOf(file('ns.ts'), 'legacy')).toEqual({ kind: 'namespace', target: { legacyNamed: true } });
    expect(graph.exportOf(file('cjs.cjs'), 'Factory')).toEqual({ kind: 'name', legacyName: 'ExecutionEngineFactory' });
    expect(graph.exportOf(file('cjs.cjs'), 'default')).toEqual({ kind: 'namespace', target: file('cjs.cjs') });
    expect(graph.exportOf(file('agents.ts'), 'SupervisorAgent')).toBeUndefined();
  });

  it("counts a legacy name exported by a legacy-named module whatever the module's own code", () => {
    const graph = graphOf({ 'legacy/supervisor-agent.ts': 'export class SupervisorAgent {}\nexport const helper = 1;' });
    const target = graph.resolve('app.ts', './legacy/supervisor-agent.js');
    expect(target).toEqual({ file: 'legacy/supervisor-agent.ts', legacyNamed: true });
    expect(target && graph.exportOf(target, 'SupervisorAgent')).toEqual({ kind: 'name', legacyName: 'SupervisorAgent' });
    expect(target && graph.exportOf(target, 'helper')).toBeUndefined();
  });

  it('returns undefined on a re-export cycle instead of looping', () => {
    const graph = graphOf({ 'a.ts': "export { X } from './b';", 'b.ts': "export { X } from './a';" });
    expect(graph.exportOf({ file: 'a.ts', legacyNamed: false }, 'X')).toBeUndefined();
  });
});

describe('ModuleGraph.legacyNamesOf', () => {
  it('gives all twelve names for a legacy module outside the checked files, none for another module', () => {
    const graph = graphOf({});
    expect(graph.legacyNamesOf({ legacyNamed: true })).toEqual([...LEGACY_ENGINE_NAMES]);
    expect(graph.resolve('app.ts', 'react')).toBeUndefined();
  });

  it('gives exactly the legacy names a checked barrel exports, in the canonical order, minus the ones a file shadows', () => {
    const graph = graphOf({
      'barrel.ts': [
        "export { SupervisorAgent as Sup, getMigrationGuide } from '@baton/legacy-engines';",
        "export * from './engines/execution-engine';",
        'export const version = 1;',
      ].join('\n'),
      'engines/execution-engine.ts': 'export class ExecutionEngine {}\nexport class Other {}',
      'shadowing.ts': "export * from './barrel';\nexport const Sup = 1;",
    });
    const barrel = { file: 'barrel.ts', legacyNamed: false };
    expect(graph.legacyNamesOf(barrel)).toEqual(['ExecutionEngine', 'SupervisorAgent']);
    expect(graph.legacyNamesOf(barrel, 'shadowing.ts')).toEqual(['ExecutionEngine']);
  });
});
