import { BatonError, InvalidConfigError } from '@baton/engine-contract';
import { describe, expect, it } from 'vitest';
import { isLegacyEngineName, LEGACY_ENGINE_NAMES } from './legacy-names.js';
import { getMigrationGuide } from './migration-guides.js';

const ENGINES = [
  'ExecutionEngine',
  'ExecutionEngineConsolidated',
  'ConsolidatedExecutionEngine',
  'createExecutionEngine',
  'getExecutionEngine',
];
const REQUEST_SCOPED = ['RequestScopedExecutionEngine', 'createRequestScopedEngine'];
const FACTORIES = [
  'UnifiedExecutionEngineFactory',
  'ExecutionEngineFactory',
  'getExecutionEngineFactory',
  'configureExecutionEngineFactory',
];

describe('LEGACY_ENGINE_NAMES', () => {
  it('lists the twelve removed names of api.md, each once', () => {
    expect(LEGACY_ENGINE_NAMES).toEqual([
      'ExecutionEngine',
      'ExecutionEngineConsolidated',
      'ConsolidatedExecutionEngine',
      'RequestScopedExecutionEngine',
      'UnifiedExecutionEngineFactory',
      'ExecutionEngineFactory',
      'SupervisorAgent',
      'createExecutionEngine',
      'getExecutionEngine',
      'createRequestScopedEngine',
      'getExecutionEngineFactory',
      'configureExecutionEngineFactory',
    ]);
    expect(new Set([...ENGINES, ...REQUEST_SCOPED, ...FACTORIES, 'SupervisorAgent'])).toEqual(new Set(LEGACY_ENGINE_NAMES));
    expect(Object.isFrozen(LEGACY_ENGINE_NAMES)).toBe(true);
  });

  it('is recognised by isLegacyEngineName, case-sensitively', () => {
    for (const name of LEGACY_ENGINE_NAMES) expect(isLegacyEngineName(name)).toBe(true);
    expect(isLegacyEngineName('executionengine')).toBe(false);
    expect(isLegacyEngineName('createEngineFactory')).toBe(false);
    expect(isLegacyEngineName(undefined)).toBe(false);
  });
});

describe('getMigrationGuide', () => {
  it.each(ENGINES)('sends %s to createEngineFactory(...).createEngine(userContext) from @baton/engine-factory', (name) => {
    expect(getMigrationGuide(name)).toMatchObject({
      legacyName: name,
      replacement: 'createEngineFactory(...).createEngine(userContext)',
      importPath: '@baton/engine-factory',
    });
  });

  it.each(REQUEST_SCOPED)('sends %s to createUserExecutionContext, then createEngine', (name) => {
    const guide = getMigrationGuide(name);
    expect(guide.importPath).toBe('@baton/engine-factory');
    expect(guide.replacement).toMatch(
      /^createUserExecutionContext\(.*\) from @baton\/engine-contract, then createEngineFactory\(\.\.\.\)\.createEngine\(userContext\)$/,
    );
    expect(guide.codeExample).toContain('createUserExecutionContext({');
  });

  it.each(FACTORIES)('sends %s to createEngineFactory({ agents, limits }) from @baton/engine-factory', (name) => {
    expect(getMigrationGuide(name)).toMatchObject({
      replacement: 'createEngineFactory({ agents, limits })',
      importPath: '@baton/engine-factory',
    });
  });

  it('sends SupervisorAgent to new WorkflowOrchestrator({ engine }) from @baton/orchestrator', () => {
    expect(getMigrationGuide('SupervisorAgent')).toMatchObject({
      replacement: 'new WorkflowOrchestrator({ engine })',
      importPath: '@baton/orchestrator',
    });
  });

  it.each(LEGACY_ENGINE_NAMES)('gives %s a frozen guide whose example names the old usage and imports the replacement package', (name) => {
    const guide = getMigrationGuide(name);
    expect(Object.isFrozen(guide)).toBe(true);
    expect(Object.keys(guide).sort()).toEqual(['codeExample', 'importPath', 'legacyName', 'replacement']);
    expect(guide.codeExample.split('\n')[0]).toMatch(new RegExp(`^// Replaces \`[^\`]*${name}[^\`]*\``));
    expect(guide.codeExample).toContain(`from '${guide.importPath}';`);
  });

  it('rejects an unknown name with an InvalidConfigError listing the known names', () => {
    let thrown: unknown;
    try {
      getMigrationGuide('LegacyEngine');
    } catch (error) {
      thrown = error;
    }
    expect(InvalidConfigError.isInstance(thrown)).toBe(true);
    expect(BatonError.isInstance(thrown) && thrown.code).toBe('INVALID_CONFIG');
    const message = (thrown as Error).message;
    expect(message).toContain('"LegacyEngine" is not a legacy engine name');
    for (const name of LEGACY_ENGINE_NAMES) expect(message).toContain(name);
  });
});
