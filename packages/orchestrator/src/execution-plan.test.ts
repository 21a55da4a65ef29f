import { describe, expect, it } from 'vitest';
import { defineWorkflow } from './define-workflow.js';
import { compilePlan, planFor, planOf } from './execution-plan.js';
import type { StageSpec } from './workflow-definition.js';

const options = { path: 'p', head: 'triage', finallyStage: 'end' } as const;

describe('compilePlan', () => {
  it('indexes a diamond: dependencies, dependents, transitive sources, roots', () => {
    const plan = compilePlan(
      [
        { agent: 'a' },
        { agent: 'b', dependsOn: [] },
        { agent: 'c', dependsOn: ['a', 'b'] },
        { agent: 'd', dependsOn: ['c'], continueOnError: true },
        { agent: 'e', dependsOn: ['d'] },
      ],
      options,
    );
    expect(plan).toMatchObject({
      path: 'p',
      head: 'triage',
      finallyStage: 'end',
      names: ['a', 'b', 'c', 'd', 'e'],
      continueOnError: [false, false, false, true, false],
      dependencyCounts: [0, 0, 2, 1, 1],
      dependents: [[2], [2], [3], [4], []],
      sources: [[], [], [0, 1], [0, 1, 2], [0, 1, 2, 3]],
      roots: [0, 1],
      sequential: false,
      plannedStages: ['triage', 'a', 'b', 'c', 'd', 'e', 'end'],
    });
    expect(Object.isFrozen(plan)).toBe(true);
    expect(Object.isFrozen(plan.sources[4])).toBe(true);
    expect(Object.isFrozen(plan.plannedStages)).toBe(true);
  });

  it('indexes by plan order, not by listing order', () => {
    const plan = compilePlan(
      [
        { agent: 'c', dependsOn: ['a'] },
        { agent: 'a', dependsOn: [] },
      ],
      options,
    );
    expect(plan).toMatchObject({ names: ['a', 'c'], dependents: [[1], []], sources: [[], [0]], roots: [0], sequential: true });
  });

  it.each([
    ['the default chain', [{ agent: 'a' }, { agent: 'b' }, { agent: 'c' }], true],
    ['a chain with extra dependencies', [{ agent: 'a' }, { agent: 'b' }, { agent: 'c', dependsOn: ['a', 'b'] }], true],
    ['one stage', [{ agent: 'a' }], true],
    ['two independent stages', [{ agent: 'a' }, { agent: 'b', dependsOn: [] }], false],
    ['a fork', [{ agent: 'a' }, { agent: 'b' }, { agent: 'c', dependsOn: ['a'] }], false],
  ])('is sequential exactly when each stage waits for the one before it: %s', (_name, specs, sequential) => {
    expect(compilePlan(specs as StageSpec[], options).sequential).toBe(sequential);
  });

  it('drops a trailing finally stage from the path; it stays the finally stage', () => {
    const plan = compilePlan([{ agent: 'a' }, { agent: 'end' }], options);
    expect(plan.names).toEqual(['a']);
    expect(plan.plannedStages).toEqual(['triage', 'a', 'end']);
  });

  it('plans a linear workflow without a head; a path of only the finally stage has no stages', () => {
    expect(compilePlan([{ agent: 'a' }], { path: 'main', head: undefined, finallyStage: undefined }).plannedStages).toEqual(['a']);
    const onlyFinally = compilePlan([{ agent: 'end' }], { path: 'main', head: undefined, finallyStage: 'end' });
    expect(onlyFinally).toMatchObject({ names: [], roots: [], sequential: true, plannedStages: ['end'] });
  });
});

describe('planFor and planOf', () => {
  it('compiles a path once and serves the same plan afterwards', () => {
    const specs = Object.freeze([{ agent: 'a' }]);
    const first = planFor(specs, options);
    expect(planFor(specs, { ...options, finallyStage: undefined })).toBe(first);
    expect(planFor(Object.freeze([{ agent: 'a' }]), options)).not.toBe(first);
  });

  it('finds the plans defineWorkflow compiled, for both forms', () => {
    const triage = defineWorkflow({
      id: 't',
      classify: () => 'p',
      paths: { p: [{ agent: 'a' }], q: [{ agent: 'b' }] },
      fallback: 'p',
      finally: 'end',
    });
    expect(planOf(triage, 'q')).toBe(planOf(triage, 'q'));
    expect(planOf(triage, 'q').plannedStages).toEqual(['triage', 'b', 'end']);
    const linear = defineWorkflow({ id: 'l', stages: ['a', { agent: 'b', dependsOn: [] }] });
    expect(planOf(linear, 'main')).toMatchObject({
      path: 'main',
      head: undefined,
      names: ['a', 'b'],
      sequential: false,
      plannedStages: ['a', 'b'],
    });
  });
});
