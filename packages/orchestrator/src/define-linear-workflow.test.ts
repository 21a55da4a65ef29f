import { createRequire } from 'node:module';
import { defineAgent, InvalidConfigError } from '@baton/engine-contract';
import { describe, expect, it } from 'vitest';
import { defineWorkflow, isWorkflowDefinition } from './define-workflow.js';
import { planOf } from './execution-plan.js';
import type { LinearWorkflowDefinitionInput } from './linear-workflow-input.js';

const research = defineAgent({ name: 'research', run: () => 'facts' });
const write = defineAgent({ name: 'write', run: () => 'text' });

function refusal(input: unknown): InvalidConfigError {
  try {
    defineWorkflow(input as LinearWorkflowDefinitionInput);
  } catch (error) {
    if (InvalidConfigError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('defineWorkflow accepted an invalid definition');
}

describe('defineWorkflow: the linear form', () => {
  it('returns a deeply frozen, branded copy that stores agents by name', () => {
    const stages = [research, { agent: write, dependsOn: [research], continueOnError: true }, 'publish'] as const;
    const workflow = defineWorkflow({ id: 'article', stages, finally: defineAgent({ name: 'report', run: () => 1 }) });
    expect(workflow).toEqual({
      id: 'article',
      stages: [{ agent: 'research' }, { agent: 'write', dependsOn: ['research'], continueOnError: true }, { agent: 'publish' }],
      finally: 'report',
    });
    expect(isWorkflowDefinition(workflow)).toBe(true);
    expect(Object.isFrozen(workflow)).toBe(true);
    expect(Object.isFrozen(workflow.stages)).toBe(true);
    expect(Object.isFrozen(workflow.stages[1])).toBe(true);
    expect(Object.isFrozen(workflow.stages[1]?.dependsOn)).toBe(true);
    expect(Object.keys(workflow)).toEqual(['id', 'stages', 'finally']);
  });

  it("omits finally when none is given, and copies the caller's array", () => {
    const stages = ['a', 'b'];
    const workflow = defineWorkflow({ id: 'w', stages });
    stages.push('late');
    expect(workflow).toEqual({ id: 'w', stages: [{ agent: 'a' }, { agent: 'b' }] });
    expect('finally' in workflow).toBe(false);
  });

  it('plans it once, on the path "main", without triage', () => {
    const workflow = defineWorkflow({ id: 'w', stages: ['a', { agent: 'b', dependsOn: [] }], finally: 'end' });
    expect(planOf(workflow, 'main')).toMatchObject({ path: 'main', head: undefined, names: ['a', 'b'], plannedStages: ['a', 'b', 'end'] });
  });

  it('accepts the finally stage listed last, once', () => {
    const workflow = defineWorkflow({ id: 'w', stages: ['a', 'end'], finally: 'end' });
    expect(workflow.stages).toEqual([{ agent: 'a' }, { agent: 'end' }]);
    expect(planOf(workflow, 'main').plannedStages).toEqual(['a', 'end']);
  });

  it('is recognised across the built CJS copy of the package, both ways', () => {
    const cjs = createRequire(import.meta.url)('../dist/index.cjs') as typeof import('./index.js');
    expect(isWorkflowDefinition(cjs.defineWorkflow({ id: 'cjs', stages: ['a'] }))).toBe(true);
    expect(cjs.isWorkflowDefinition(defineWorkflow({ id: 'esm', stages: ['a'] }))).toBe(true);
  });

  const cases: Array<[string, unknown, string | RegExp]> = [
    [
      'stages that are not an array',
      { id: 'w', stages: 'a' },
      'Workflow "w": stages must be an array of stages (agent names, agent definitions or { agent, continueOnError?, dependsOn?, approval? })',
    ],
    ['empty stages', { id: 'w', stages: [] }, 'Workflow "w": stages is empty; give it at least one stage'],
    ['a stage listed twice', { id: 'w', stages: ['a', 'b', 'a'] }, 'Workflow "w" lists stage "a" twice'],
    [
      'a stage listed twice, by name and by definition',
      { id: 'w', stages: ['research', { agent: research, dependsOn: [] }] },
      'Workflow "w" lists stage "research" twice',
    ],
    [
      'an unknown dependency',
      { id: 'w', stages: ['a', { agent: 'b', dependsOn: ['ghost'] }] },
      'Workflow "w": stage "b" depends on unknown stage "ghost" (dependencies must be stages of the same workflow)',
    ],
    ['a cycle', { id: 'w', stages: [{ agent: 'a', dependsOn: ['b'] }, 'b'] }, 'Workflow "w" has a dependency cycle: a → b → a'],
    ['a self-dependency', { id: 'w', stages: [{ agent: 'a', dependsOn: ['a'] }] }, 'Workflow "w" has a dependency cycle: a → a'],
    ...['paths', 'classify', 'fallback', 'triage'].map((key): [string, unknown, RegExp] => [
      `stages mixed with ${key}`,
      { id: 'w', stages: ['a'], [key]: key === 'classify' ? () => 'p' : key === 'paths' ? { p: [{ agent: 'a' }] } : 'p' },
      new RegExp(
        `^Workflow definition mixes the linear form \\(stages\\) with the triage form \\(${key}\\): give either \\{ id, stages, finally\\? \\} or`,
      ),
    ]),
    [
      'stages mixed with several triage options',
      { id: 'w', stages: ['a'], classify: () => 'p', paths: {}, fallback: 'p' },
      /\(classify, paths, fallback\)/,
    ],
    [
      'an unknown key',
      { id: 'w', stages: ['a'], finaly: 'end' },
      'Workflow definition has an unknown option "finaly" (allowed: id, stages, finally)',
    ],
    ['a bad id', { id: 'my workflow', stages: ['a'] }, 'Workflow id must be 1 to 128 characters of letters, digits, "_", ".", ":" or "-"'],
    [
      'a stage that is neither a name, a definition nor a spec',
      { id: 'w', stages: [42] },
      /^Workflow "w", stage 0 must be an agent name: 1 to 128/,
    ],
    ['a bad agent name', { id: 'w', stages: ['has space'] }, /^Workflow "w", stage 0 must be an agent name/],
    [
      'the reserved name',
      { id: 'w', stages: ['workflow'] },
      'Workflow "w", stage 0 must not be "workflow", which is reserved for workflow events',
    ],
    [
      'a definition-like object with a bad name',
      { id: 'w', stages: [{ name: 'a b', run: () => 1 }] },
      /^Workflow "w", stage 0: the agent definition's name must be an agent name/,
    ],
    [
      'a stage spec with an unknown key',
      { id: 'w', stages: [{ agent: 'a', depends: [] }] },
      'Workflow "w", stage 0 has an unknown option "depends" (allowed: agent, continueOnError, dependsOn, approval)',
    ],
    ['a stage spec without agent', { id: 'w', stages: [{ dependsOn: [] }] }, /^Workflow "w", stage 0: agent must be an agent name/],
    [
      'a non-boolean continueOnError',
      { id: 'w', stages: [{ agent: 'a', continueOnError: 1 }] },
      'Workflow "w", stage 0 ("a"): continueOnError must be a boolean',
    ],
    [
      'dependsOn not an array',
      { id: 'w', stages: [{ agent: 'a', dependsOn: 'b' }] },
      'Workflow "w", stage 0 ("a"): dependsOn must be an array of stage names or agent definitions',
    ],
    [
      'a bad dependency name',
      { id: 'w', stages: ['b', { agent: 'a', dependsOn: [7] }] },
      /^Workflow "w", stage 1 \("a"\): dependsOn must be an agent name/,
    ],
    ['a bad finally', { id: 'w', stages: ['a'], finally: 'x y' }, /^Workflow "w": finally must be an agent name/],
    [
      'finally listed before the last stage',
      { id: 'w', stages: ['end', 'a'], finally: 'end' },
      'Workflow "w" lists the finally stage "end" as stage 0 of 2; list it last or not at all: it runs once, after every other stage',
    ],
    [
      'finally listed last with dependsOn',
      { id: 'w', stages: ['a', { agent: 'end', dependsOn: ['a'] }], finally: 'end' },
      /lists the finally stage "end" with dependsOn, continueOnError or approval/,
    ],
    [
      'a stage depending on finally',
      { id: 'w', stages: [{ agent: 'a', dependsOn: ['end'] }], finally: 'end' },
      'Workflow "w": stage "a" depends on the finally stage "end", which runs after every other stage',
    ],
  ];

  it.each(cases)('refuses %s with InvalidConfigError naming the problem', (_name, input, message) => {
    const error = refusal(input);
    expect(error.code).toBe('INVALID_CONFIG');
    if (typeof message === 'string') expect(error.message).toBe(message);
    else expect(error.message).toMatch(message);
  });

  it('brands nothing it refused', () => {
    expect(() => defineWorkflow({ id: 'w', stages: [] })).toThrow(InvalidConfigError);
    expect(isWorkflowDefinition({ id: 'w', stages: [{ agent: 'a' }] })).toBe(false);
  });
});

describe('defineWorkflow: the finally stage listed last in a path', () => {
  it('is accepted, stays in the path as given, and is planned once, as finally', () => {
    const workflow = defineWorkflow({
      id: 'table',
      classify: () => 'sufficient',
      paths: { sufficient: [{ agent: 'data' }, { agent: 'reporting' }], insufficient: [{ agent: 'reporting' }] },
      fallback: 'insufficient',
      finally: 'reporting',
    });
    expect(workflow.paths.sufficient).toEqual([{ agent: 'data' }, { agent: 'reporting' }]);
    expect(planOf(workflow, 'sufficient').plannedStages).toEqual(['triage', 'data', 'reporting']);
    expect(planOf(workflow, 'insufficient')).toMatchObject({ names: [], plannedStages: ['triage', 'reporting'] });
  });

  it('is refused anywhere but last, naming the path and the position', () => {
    expect(() =>
      defineWorkflow({
        id: 'w',
        classify: () => 'p',
        paths: { p: [{ agent: 'a' }, { agent: 'reporting' }, { agent: 'b' }] },
        fallback: 'p',
        finally: 'reporting',
      }),
    ).toThrow(
      'Workflow "w": path "p" lists the finally stage "reporting" as stage 1 of 3; list it last or not at all: it runs once, after every other stage',
    );
  });
});
