import { InvalidConfigError } from '@baton/engine-contract';
import { describe, expect, it } from 'vitest';
import { planPath } from './stage-plan.js';

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
    const plan = planPath('p', [
      { agent: 'c', dependsOn: ['a', 'b'] },
      { agent: 'a', dependsOn: [] },
      { agent: 'b', dependsOn: [] },
    ]);
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
    [
      [
        { agent: 'x', dependsOn: [] },
        { agent: 'a', dependsOn: ['c'] },
        { agent: 'b', dependsOn: ['a'] },
        { agent: 'c', dependsOn: ['b'] },
      ],
      /dependency cycle: a → c → b → a/,
    ],
  ])('refuses %j', (specs, message) => {
    expect(() => planPath('p', specs)).toThrow(message);
    try {
      planPath('p', specs);
    } catch (error) {
      expect(InvalidConfigError.isInstance(error)).toBe(true);
    }
  });

  it('names a linear workflow instead of a path when given its label', () => {
    const label = { owner: 'Workflow "w"', scope: 'dependencies must be stages of the same workflow' };
    expect(() => planPath('main', [{ agent: 'a' }, { agent: 'a' }], label)).toThrow('Workflow "w" lists stage "a" twice');
    expect(() => planPath('main', [{ agent: 'a', dependsOn: ['z'] }], label)).toThrow(
      'Workflow "w": stage "a" depends on unknown stage "z" (dependencies must be stages of the same workflow)',
    );
    expect(() => planPath('main', [{ agent: 'a', dependsOn: ['a'] }], label)).toThrow('Workflow "w" has a dependency cycle: a → a');
  });
});
