import { describe, expect, it } from 'vitest';
import { isLegacyModuleSpecifier } from './legacy-modules.js';

describe('isLegacyModuleSpecifier', () => {
  it.each([
    '@baton/legacy-engines',
    '@baton/legacy-engines/anything',
    './execution-engine',
    '../services/execution-engine.js',
    './ExecutionEngine',
    './execution_engine.ts',
    '@acme/agents/executionEngineFactory',
    './unified-execution-engine-factory.mjs',
    './request-scoped-engine',
    './agents/supervisor-agent',
    '../supervisor/index.js',
    'legacy\\execution-engine.cjs',
  ])('treats %s as a legacy module', (specifier) => {
    expect(isLegacyModuleSpecifier(specifier)).toBe(true);
  });

  it.each([
    '@baton/engine-factory',
    '@baton/orchestrator',
    '@baton/engine-contract',
    './engine',
    './engine-runner.js',
    './execution/engine',
    './execution-engine/helpers',
    'react',
    '../index.js',
  ])('does not treat %s as a legacy module', (specifier) => {
    expect(isLegacyModuleSpecifier(specifier)).toBe(false);
  });
});
