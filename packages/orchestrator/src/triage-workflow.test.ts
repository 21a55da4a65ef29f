import { describe, expect, it } from 'vitest';
import { isWorkflowDefinition } from './define-workflow.js';
import { planPath } from './stage-plan.js';
import { triageWorkflow } from './triage-workflow.js';

describe('triageWorkflow', () => {
  it('is a frozen definition made by defineWorkflow', () => {
    expect(isWorkflowDefinition(triageWorkflow)).toBe(true);
    expect(Object.isFrozen(triageWorkflow)).toBe(true);
    expect(Object.isFrozen(triageWorkflow.paths)).toBe(true);
    expect(triageWorkflow).toMatchObject({ id: 'triage-workflow', triage: 'triage', fallback: 'fallback', finally: 'reporting' });
  });

  it('has exactly the paths of the spec table (finally appended by the run)', () => {
    const table = Object.fromEntries(
      Object.entries(triageWorkflow.paths).map(([name, stages]) => [name, [...planPath(name, stages).map((stage) => stage.agent), 'reporting']]),
    );
    expect(table).toEqual({
      sufficient: ['data', 'optimization', 'actions', 'reporting'],
      partial: ['data_helper', 'data', 'reporting'],
      insufficient: ['data_helper', 'reporting'],
      fallback: ['data_helper', 'reporting'],
    });
  });

  it('classifies by the dataSufficiency field, anything else names no path', () => {
    expect(triageWorkflow.classify({ dataSufficiency: 'partial' })).toBe('partial');
    expect(triageWorkflow.classify({ dataSufficiency: 0.9 })).toBeUndefined();
    expect(triageWorkflow.classify({})).toBeUndefined();
    expect(triageWorkflow.classify(null)).toBeUndefined();
    expect(triageWorkflow.classify('sufficient')).toBeUndefined();
  });
});
