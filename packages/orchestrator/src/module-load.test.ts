import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { GenuineFakeEngine } from './__fixtures__/genuine-fake-engine.js';

/**
 * The package is imported inside the tests, not at the top of the file: top-level code of a module
 * (constants, the default workflow) that breaks must fail a test. A file that fails to load has no
 * tests, which a test runner (and a mutation-testing tool) may not count as a failure.
 */
describe('module loading', () => {
  it('loads the entry point; its orchestrator accepts every documented option', async () => {
    const api = await import('./index.js');
    for (const [name, value] of Object.entries(api)) expect(value, name).toBeDefined();
    const engine = new GenuineFakeEngine({ triage: () => ({}), data_helper: () => 1, reporting: () => 2 }).asEngine();
    const orchestrator = new api.WorkflowOrchestrator({ engine, workflow: api.triageWorkflow, now: () => 0 });
    expect((await orchestrator.run({ input: 'q' })).path).toBe('fallback');
  });

  it('states the agent-name rule when refusing a workflow id', async () => {
    const { defineWorkflow } = await import('./index.js');
    expect(() => defineWorkflow({ id: 'has space', classify: () => 'a', paths: { a: [{ agent: 'a' }] }, fallback: 'a' })).toThrow(
      'Workflow id must be 1 to 128 characters of letters, digits, "_", ".", ":" or "-"',
    );
  });

  it('shares the definition brand with the built CJS copy', async () => {
    const { defineWorkflow, isWorkflowDefinition } = await import('./index.js');
    const cjs = createRequire(import.meta.url)('../dist/index.cjs') as typeof import('./index.js');
    const input = { id: 'shared', classify: () => 'a', paths: { a: [{ agent: 'a' }] }, fallback: 'a' };
    expect(isWorkflowDefinition(cjs.defineWorkflow(input))).toBe(true);
    expect(cjs.isWorkflowDefinition(defineWorkflow(input))).toBe(true);
  });
});
