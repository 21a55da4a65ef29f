import { describe, expect, it } from 'vitest';
import { contextFor } from './__fixtures__/test-helpers.js';

/**
 * The package is imported inside the tests, not at the top of the file: top-level code of a module
 * (constants used in messages) that breaks must fail a test. A file that fails to load has no tests,
 * which a test runner (and a mutation-testing tool) may not count as a failure.
 */
describe('module loading', () => {
  it('loads the entry point and lists every option when options are missing', async () => {
    const api = await import('./index.js');
    for (const [name, value] of Object.entries(api)) expect(value, name).toBeDefined();
    expect(() => api.createEngineFactory(undefined as never)).toThrow(
      'createEngineFactory expects options { agents, limits?, now?, timers?, logger?, admission?, onEvent?, validateEvents? }',
    );
  });

  it('tags engines as UserExecutionEngine for Object.prototype.toString', async () => {
    const { createEngineFactory } = await import('./index.js');
    const engine = await createEngineFactory({ agents: [] }).createEngine(contextFor('u_tag'));
    expect(Object.prototype.toString.call(engine)).toBe('[object UserExecutionEngine]');
  });
});
