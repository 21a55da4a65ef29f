import { InvalidConfigError } from '@baton/engine-contract';
import { describe, expect, it } from 'vitest';
import { planPath } from './stage-plan.js';
import { type StageState, readyStages, transitiveDependencies } from './stage-scheduler.js';

const names = (stages: ReadonlyArray<{ agent: string }>): string[] => stages.map((stage) => stage.agent);

describe('planPath', () => {
  it('makes each stage depend on the one before it by default', () => {
    const plan = planPath('p', [{ agent: 'a' }, { agent: 'b' }, { agent: 'c' }]);
    expect(plan.map((stage) => [stage.agent, stage.dependsOn])).toEqual([
      ['a', []],
      ['b', ['a']],
      ['c', ['b']],
    ]);
  });

  it('orders stages after their dependencies, stably', () => {
    const plan = planPath('p', [{ agent: 'c', dependsOn: ['a', 'b'] }, { agent: 'a', dependsOn: [] }, { agent: 'b', dependsOn: [] }]);
    expect(names(plan)).toEqual(['a', 'b', 'c']);
    expect(Object.isFrozen(plan)).toBe(true);
  });

  it('removes repeated dependencies', () => {
    expect(planPath('p', [{ agent: 'a' }, { agent: 'b', dependsOn: ['a', 'a'] }])[1]?.dependsOn).toEqual(['a']);
  });

  it.each([
    [[{ agent: 'a' }, { agent: 'a' }], /Path "p" lists stage "a" twice/],
    [[{ agent: 'a', dependsOn: ['z'] }], /stage "a" depends on unknown stage "z"/],
    [[{ agent: 'a', dependsOn: ['a'] }], /Path "p" has a dependency cycle: a → a/],
    [[{ agent: 'a', dependsOn: ['b'] }, { agent: 'b' }], /dependency cycle: (a → b → a|b → a → b)/],
    [[{ agent: 'x', dependsOn: [] }, { agent: 'a', dependsOn: ['c'] }, { agent: 'b', dependsOn: ['a'] }, { agent: 'c', dependsOn: ['b'] }], /dependency cycle: a → c → b → a/],
  ])('refuses %j', (specs, message) => {
    expect(() => planPath('p', specs)).toThrow(message);
    try {
      planPath('p', specs);
    } catch (error) {
      expect(InvalidConfigError.isInstance(error)).toBe(true);
    }
  });
});

describe('readyStages', () => {
  const plan = planPath('p', [
    { agent: 'a' },
    { agent: 'b', dependsOn: [] },
    { agent: 'c', dependsOn: ['a', 'b'] },
    { agent: 'd', dependsOn: ['c'], continueOnError: true },
    { agent: 'e', dependsOn: ['d'] },
  ]);
  const states = (entries: Record<string, StageState>): Map<string, StageState> => new Map(Object.entries(entries));

  it('starts every stage without pending dependencies at once', () => {
    expect(names(readyStages(plan, states({})))).toEqual(['a', 'b']);
  });

  it('waits for all dependencies to succeed', () => {
    expect(names(readyStages(plan, states({ a: 'succeeded', b: 'running' })))).toEqual([]);
    expect(names(readyStages(plan, states({ a: 'succeeded', b: 'succeeded' })))).toEqual(['c']);
  });

  it('never offers a running or finished stage again', () => {
    expect(names(readyStages(plan, states({ a: 'running', b: 'succeeded' })))).toEqual([]);
  });

  it('blocks dependents of a failed, timed-out or cancelled stage', () => {
    for (const status of ['failed', 'timed_out', 'cancelled'] as const) {
      expect(names(readyStages(plan, states({ a: status, b: 'succeeded' })))).toEqual([]);
    }
  });

  it('lets dependents of a failed continueOnError stage run, but not of a cancelled one', () => {
    const done = { a: 'succeeded', b: 'succeeded', c: 'succeeded' } as const;
    expect(names(readyStages(plan, states({ ...done, d: 'failed' })))).toEqual(['e']);
    expect(names(readyStages(plan, states({ ...done, d: 'timed_out' })))).toEqual(['e']);
    expect(names(readyStages(plan, states({ ...done, d: 'cancelled' })))).toEqual([]);
  });

  it('finds transitive dependencies', () => {
    expect([...transitiveDependencies(plan, 'e')].sort()).toEqual(['a', 'b', 'c', 'd']);
    expect([...transitiveDependencies(plan, 'b')]).toEqual([]);
  });
});
