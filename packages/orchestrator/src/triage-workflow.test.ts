import { describe, expect, it } from 'vitest';
import { isWorkflowDefinition } from './define-workflow.js';
import { planPath } from './stage-plan.js';
import type { TriageWorkflowDefinition } from './workflow-definition.js';

// Imported inside the tests, not at the top: a definition that cannot be built makes the module throw
// on import, and that must fail these tests instead of leaving the file without tests.
const load = async (): Promise<TriageWorkflowDefinition> => (await import('./triage-workflow.js')).triageWorkflow;

describe('triageWorkflow', () => {
  it('is a frozen definition made by defineWorkflow', async () => {
    const triageWorkflow = await load();
    expect(isWorkflowDefinition(triageWorkflow)).toBe(true);
    expect(Object.isFrozen(triageWorkflow)).toBe(true);
    expect(Object.isFrozen(triageWorkflow.paths)).toBe(true);
    expect(triageWorkflow).toMatchObject({ id: 'triage-workflow', triage: 'triage', fallback: 'fallback', finally: 'reporting' });
    expect(Object.keys(triageWorkflow.paths)).toEqual(['sufficient', 'partial', 'insufficient', 'fallback']);
    // Sequential stages: no stage carries options of its own.
    for (const stages of Object.values(triageWorkflow.paths)) for (const stage of stages) expect(Object.keys(stage)).toEqual(['agent']);
  });

  it('has exactly the paths of the spec table (finally appended by the run)', async () => {
    const triageWorkflow = await load();
    const table = Object.fromEntries(
      Object.entries(triageWorkflow.paths).map(([name, stages]) => [
        name,
        [...planPath(name, stages).map((stage) => stage.agent), 'reporting'],
      ]),
    );
    expect(table).toEqual({
      sufficient: ['data', 'optimization', 'actions', 'reporting'],
      partial: ['data_helper', 'data', 'reporting'],
      insufficient: ['data_helper', 'reporting'],
      fallback: ['data_helper', 'reporting'],
    });
  });

  it('classifies by the dataSufficiency field, anything else names no path', async () => {
    const triageWorkflow = await load();
    expect(triageWorkflow.classify({ dataSufficiency: 'partial' })).toBe('partial');
    expect(triageWorkflow.classify({ dataSufficiency: 0.9 })).toBeUndefined();
    expect(triageWorkflow.classify({})).toBeUndefined();
    expect(triageWorkflow.classify(null)).toBeUndefined();
    expect(triageWorkflow.classify(undefined)).toBeUndefined();
    expect(triageWorkflow.classify('sufficient')).toBeUndefined();
  });
});
