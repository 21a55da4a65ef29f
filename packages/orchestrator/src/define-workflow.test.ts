import { createRequire } from 'node:module';
import { InvalidConfigError } from '@baton/engine-contract';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defineWorkflow, isWorkflowDefinition } from './define-workflow.js';
import { planPath } from './stage-plan.js';
import type { StageSpec, WorkflowDefinitionInput } from './workflow-definition.js';

const valid = (): WorkflowDefinitionInput => ({
  id: 'review',
  classify: () => 'main',
  paths: {
    main: [{ agent: 'a' }, { agent: 'b', dependsOn: [] }, { agent: 'c', dependsOn: ['a', 'b'], continueOnError: true }],
    other: [{ agent: 'a' }],
  },
  fallback: 'other',
  finally: 'reporting',
});

function refusal(input: unknown): InvalidConfigError {
  try {
    defineWorkflow(input as WorkflowDefinitionInput);
  } catch (error) {
    if (InvalidConfigError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('defineWorkflow accepted an invalid definition');
}

describe('defineWorkflow', () => {
  it('returns a deeply frozen, branded copy with defaults applied', () => {
    const input = valid();
    const workflow = defineWorkflow(input);
    expect(workflow).not.toBe(input);
    expect(workflow).toMatchObject({ id: 'review', triage: 'triage', fallback: 'other', finally: 'reporting' });
    expect(isWorkflowDefinition(workflow)).toBe(true);
    expect(Object.isFrozen(workflow)).toBe(true);
    expect(Object.isFrozen(workflow.paths)).toBe(true);
    expect(Object.isFrozen(workflow.paths.main)).toBe(true);
    expect(Object.isFrozen(workflow.paths.main?.[2])).toBe(true);
    expect(Object.isFrozen(workflow.paths.main?.[2]?.dependsOn)).toBe(true);
    // The caller's objects stay theirs: changing them later cannot change the definition.
    (input.paths.main as StageSpec[]).push({ agent: 'late' });
    expect(workflow.paths.main).toHaveLength(3);
  });

  it('omits finally when none is given and accepts a custom triage', () => {
    const workflow = defineWorkflow({ id: 'w', triage: 'router', classify: () => 'p', paths: { p: [{ agent: 'x' }] }, fallback: 'p' });
    expect(workflow.triage).toBe('router');
    expect('finally' in workflow).toBe(false);
  });

  it('keeps a path named __proto__ as an ordinary path', () => {
    const paths = JSON.parse('{"__proto__": [{"agent": "x"}]}') as Record<string, StageSpec[]>;
    const workflow = defineWorkflow({ id: 'w', classify: () => '__proto__', paths, fallback: '__proto__' });
    expect(Object.hasOwn(workflow.paths, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(workflow.paths)).toBe(Object.prototype);
  });

  it('does not brand look-alike objects', () => {
    expect(isWorkflowDefinition({ ...defineWorkflow(valid()) })).toBe(false);
    expect(isWorkflowDefinition(null)).toBe(false);
    expect(isWorkflowDefinition('review')).toBe(false);
  });

  const cases: Array<[string, unknown, RegExp]> = [
    ['not an object', 'review', /defineWorkflow expects an object/],
    ['null', null, /defineWorkflow expects an object/],
    ['undefined', undefined, /defineWorkflow expects an object/],
    ['a class instance', Object.assign(new (class Options {})(), valid()), /defineWorkflow expects an object/],
    [
      'an object with an inherited prototype',
      Object.assign(Object.create({ inherited: true }) as object, valid()),
      /defineWorkflow expects an object/,
    ],
    ['paths as a Map', { ...valid(), paths: new Map([['main', [{ agent: 'a' }]]]) }, /paths must be an object with at least one path/],
    [
      'a stage that is a class instance',
      { ...valid(), paths: { other: [Object.assign(new (class Stage {})(), { agent: 'a' })] } },
      /Path "other", stage 0 must be an object/,
    ],
    [
      'a non-string dependency',
      { ...valid(), paths: { other: [{ agent: 'a' }, { agent: 'b', dependsOn: ['a', 1] }] } },
      /Path "other", stage 1 \("b"\): dependsOn must be an array of stage names/,
    ],
    [
      'a non-string fallback that converts to a path name',
      { ...valid(), paths: { '0': [{ agent: 'a' }] }, fallback: 0 },
      /fallback must be the name of one of its paths \(0\)/,
    ],
    ['an unknown key', { ...valid(), finaly: 'reporting' }, /unknown option "finaly"/],
    ['a missing id', { ...valid(), id: undefined }, /Workflow id must be/],
    ['an id with spaces', { ...valid(), id: 'my workflow' }, /Workflow id must be/],
    ['an empty id', { ...valid(), id: '' }, /Workflow id must be/],
    ['a bad triage name', { ...valid(), triage: 'tri age' }, /triage must be an agent name/],
    ['the reserved name as triage', { ...valid(), triage: 'workflow' }, /reserved for workflow events/],
    ['a bad finally name', { ...valid(), finally: 42 }, /finally must be an agent name/],
    ['finally equal to triage', { ...valid(), finally: 'triage' }, /finally must differ from the triage stage/],
    ['a non-function classify', { ...valid(), classify: 'main' }, /classify must be a function/],
    ['no paths', { ...valid(), paths: {} }, /paths must be an object with at least one path/],
    ['paths as an array', { ...valid(), paths: [[{ agent: 'a' }]] }, /paths must be an object/],
    ['an empty path', { ...valid(), paths: { ...valid().paths, main: [] } }, /path "main" is empty/],
    [
      'a path that is not an array',
      { ...valid(), paths: { ...valid().paths, main: { agent: 'a' } } },
      /path "main" must be an array of stages/,
    ],
    ['an empty path name', { ...valid(), paths: { ...valid().paths, '': [{ agent: 'a' }] } }, /path names must not be empty/],
    ['a stage that is not an object', { ...valid(), paths: { other: ['a'] } }, /Path "other", stage 0 must be an object/],
    ['a stage without agent', { ...valid(), paths: { other: [{}] } }, /Path "other", stage 0: agent must be an agent name/],
    ['a stage with an unknown key', { ...valid(), paths: { other: [{ agent: 'a', depends: [] }] } }, /unknown option "depends"/],
    [
      'a non-boolean continueOnError',
      { ...valid(), paths: { other: [{ agent: 'a', continueOnError: 'yes' }] } },
      /continueOnError must be a boolean/,
    ],
    [
      'dependsOn not an array',
      { ...valid(), paths: { other: [{ agent: 'a', dependsOn: 'b' }] } },
      /dependsOn must be an array of stage names/,
    ],
    ['a duplicate stage', { ...valid(), paths: { other: [{ agent: 'a' }, { agent: 'a' }] } }, /Path "other" lists stage "a" twice/],
    [
      'an unknown dependency',
      { ...valid(), paths: { other: [{ agent: 'a', dependsOn: ['ghost'] }] } },
      /stage "a" depends on unknown stage "ghost"/,
    ],
    [
      'triage as a dependency',
      { ...valid(), paths: { other: [{ agent: 'a', dependsOn: ['triage'] }] } },
      /unknown stage "triage".*triage is implicit/,
    ],
    [
      'a cycle',
      { ...valid(), paths: { other: [{ agent: 'a', dependsOn: ['b'] }, { agent: 'b' }] } },
      /Path "other" has a dependency cycle/,
    ],
    ['triage listed in a path', { ...valid(), paths: { other: [{ agent: 'triage' }] } }, /path "other" lists the triage stage "triage"/],
    [
      'finally listed in a path before its last stage',
      { ...valid(), paths: { other: [{ agent: 'reporting' }, { agent: 'a' }] } },
      /path "other" lists the finally stage "reporting" as stage 0 of 2; list it last or not at all/,
    ],
    [
      'finally listed last with dependsOn',
      { ...valid(), paths: { other: [{ agent: 'a' }, { agent: 'reporting', dependsOn: ['a'] }] } },
      /lists the finally stage "reporting" with dependsOn, continueOnError or approval/,
    ],
    [
      'finally listed last with continueOnError',
      { ...valid(), paths: { other: [{ agent: 'a' }, { agent: 'reporting', continueOnError: true }] } },
      /with dependsOn, continueOnError or approval/,
    ],
    [
      'a stage depending on finally',
      { ...valid(), paths: { other: [{ agent: 'a', dependsOn: ['reporting'] }] } },
      /stage "a" depends on the finally stage "reporting", which runs after every other stage/,
    ],
    ['a fallback that is not a path', { ...valid(), fallback: 'missing' }, /fallback must be the name of one of its paths \(main, other\)/],
    ['a missing fallback', { ...valid(), fallback: undefined }, /fallback must be the name of one of its paths/],
  ];

  it('names the workflow, the allowed options and the name rule in its messages', () => {
    expect(refusal({ ...valid(), finaly: 'x' }).message).toBe(
      'Workflow definition has an unknown option "finaly" (allowed: id, triage, classify, paths, fallback, finally)',
    );
    expect(refusal({ ...valid(), paths: { other: [{ agent: 'a', depends: [] }] } }).message).toBe(
      'Path "other", stage 0 has an unknown option "depends" (allowed: agent, continueOnError, dependsOn, approval)',
    );
    expect(refusal({ ...valid(), id: 'my workflow' }).message).toBe(
      'Workflow id must be 1 to 128 characters of letters, digits, "_", ".", ":" or "-"',
    );
    expect(refusal({ ...valid(), triage: 'tri age' }).message).toBe(
      'Workflow "review": triage must be an agent name: 1 to 128 characters of letters, digits, "_", ".", ":" or "-"',
    );
  });

  it('copies a stage without continueOnError or dependsOn as { agent } only', () => {
    const workflow = defineWorkflow({ ...valid(), paths: { main: [{ agent: 'a' }] }, fallback: 'main' });
    expect(Object.keys(workflow.paths.main?.[0] ?? {})).toEqual(['agent']);
  });

  it('recognises definitions made by the built CJS copy of the package (shared brand), and the CJS copy recognises ours', () => {
    const cjs = createRequire(import.meta.url)('../dist/index.cjs') as typeof import('./index.js');
    expect(isWorkflowDefinition(cjs.defineWorkflow(valid()))).toBe(true);
    expect(cjs.isWorkflowDefinition(defineWorkflow(valid()))).toBe(true);
  });

  it.each(cases)('refuses %s with InvalidConfigError naming the problem', (_name, input, message) => {
    const error = refusal(input);
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.message).toMatch(message);
  });
});

// ---- property-based ---------------------------------------------------------------------------

const AGENTS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];

/** A random acyclic path: a random order of distinct agents; each stage depends on a random subset of earlier ones (or by default on its predecessor). */
const pathArbitrary: fc.Arbitrary<StageSpec[]> = fc
  .shuffledSubarray(AGENTS, { minLength: 1, maxLength: AGENTS.length })
  .chain((agents) =>
    fc.tuple(
      fc.constant(agents),
      fc.array(fc.tuple(fc.boolean(), fc.array(fc.nat(), { maxLength: 3 }), fc.boolean()), {
        minLength: agents.length,
        maxLength: agents.length,
      }),
      fc.boolean(),
    ),
  )
  .map(([agents, choices, shuffleListing]) => {
    const stages = agents.map((agent, index): StageSpec => {
      const [useDefault, picks, continueOnError] = choices[index] as [boolean, number[], boolean];
      const earlier = agents.slice(0, index);
      const dependsOn = earlier.length === 0 ? [] : picks.map((pick) => earlier[pick % earlier.length] as string);
      return { agent, ...(useDefault && !shuffleListing ? {} : { dependsOn }), ...(continueOnError ? { continueOnError } : {}) };
    });
    // With explicit dependencies everywhere the listing order is free: a dependency may be listed after its dependent.
    return shuffleListing ? [...stages].reverse() : stages;
  });

const workflowArbitrary = fc
  .dictionary(fc.constantFrom('p1', 'p2', 'p3', 'fallback', 'x-y'), pathArbitrary, { minKeys: 1, maxKeys: 4 })
  .chain((paths) =>
    fc.tuple(
      fc.constant(paths),
      fc.constantFrom(...Object.keys(paths)),
      fc.option(fc.constantFrom('reporting', 'summary'), { nil: undefined }),
    ),
  )
  .map(
    ([paths, fallback, finallyStage]): WorkflowDefinitionInput => ({
      id: 'random',
      classify: () => fallback,
      paths,
      fallback,
      ...(finallyStage === undefined ? {} : { finally: finallyStage }),
    }),
  );

type Mutation = (input: WorkflowDefinitionInput) => WorkflowDefinitionInput;
const firstPath = (input: WorkflowDefinitionInput): [string, readonly StageSpec[]] =>
  Object.entries(input.paths)[0] as [string, readonly StageSpec[]];
const withPath = (input: WorkflowDefinitionInput, name: string, stages: readonly StageSpec[]): WorkflowDefinitionInput => ({
  ...input,
  paths: { ...input.paths, [name]: stages },
});
const MUTATIONS: Array<[string, Mutation, RegExp]> = [
  ['empty path', (input) => withPath(input, firstPath(input)[0], []), /is empty/],
  [
    'duplicate stage',
    (input) => {
      const [name, stages] = firstPath(input);
      return withPath(input, name, [...stages, { agent: (stages[0] as StageSpec).agent, dependsOn: [] }]);
    },
    /twice/,
  ],
  [
    'unknown dependency',
    (input) => {
      const [name, stages] = firstPath(input);
      return withPath(input, name, [...stages, { agent: 'z', dependsOn: ['ghost'] }]);
    },
    /unknown stage "ghost"/,
  ],
  [
    'cycle',
    (input) => {
      const [name, stages] = firstPath(input);
      return withPath(input, name, [...stages, { agent: 'y', dependsOn: ['z'] }, { agent: 'z', dependsOn: ['y'] }]);
    },
    /dependency cycle/,
  ],
  [
    'self-dependency',
    (input) => {
      const [name, stages] = firstPath(input);
      return withPath(input, name, [...stages, { agent: 'z', dependsOn: ['z'] }]);
    },
    /dependency cycle: z → z/,
  ],
  ['fallback not a path', (input) => ({ ...input, fallback: 'nowhere' }), /fallback must be the name/],
  [
    'finally in a path, not last',
    (input) => {
      const [name, stages] = firstPath(input);
      return withPath({ ...input, finally: 'reporting' }, name, [{ agent: 'reporting', dependsOn: [] }, ...stages]);
    },
    /lists the finally stage "reporting" as stage 0/,
  ],
  [
    'triage in a path',
    (input) => {
      const [name, stages] = firstPath(input);
      return withPath(input, name, [{ agent: 'triage', dependsOn: [] }, ...stages]);
    },
    /lists the triage stage/,
  ],
  [
    'classify not a function',
    (input) => ({ ...input, classify: 'p1' as unknown as WorkflowDefinitionInput['classify'] }),
    /classify must be a function/,
  ],
  ['bad id', (input) => ({ ...input, id: 'has space' }), /Workflow id must be/],
];

describe('defineWorkflow (property-based)', () => {
  it('accepts every random valid definition and keeps its paths', () => {
    fc.assert(
      fc.property(workflowArbitrary, (input) => {
        const workflow = defineWorkflow(input);
        expect(isWorkflowDefinition(workflow)).toBe(true);
        expect(Object.keys(workflow.paths).sort()).toEqual(Object.keys(input.paths).sort());
        for (const [name, stages] of Object.entries(workflow.paths)) {
          const plan = planPath(name, stages);
          // Every stage once, after all of its dependencies.
          expect(plan.map((stage) => stage.agent).sort()).toEqual(stages.map((stage) => stage.agent).sort());
          const position = new Map(plan.map((stage, index) => [stage.agent, index]));
          for (const stage of plan)
            for (const dependency of stage.dependsOn) expect(position.get(dependency)).toBeLessThan(position.get(stage.agent) as number);
        }
      }),
    );
  });

  it('refuses every random definition with one defect, naming it', () => {
    fc.assert(
      fc.property(workflowArbitrary, fc.constantFrom(...MUTATIONS), (input, [, mutate, message]) => {
        const error = refusal(mutate(input));
        expect(error.message).toMatch(message);
      }),
    );
  });
});
