/**
 * Property-based tests of workflow definitions and runs against independent models:
 * - any random dependency graph (forward references and self-loops included) is accepted exactly when it is acyclic;
 * - a run on the fake engine, with random failures and random completion order, calls each stage at most once,
 *   never before its dependencies allow, stops starting stages after a failure, and always ends with `finally`.
 */
import { InvalidConfigError } from '@baton/engine-contract';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type FakeAgent, FakeEngine } from './__fixtures__/fake-engine.js';
import { defineWorkflow } from './define-workflow.js';
import { runWorkflow } from './run-workflow.js';
import type { StageInput } from './stage-input.js';
import type { StageSpec, WorkflowDefinitionInput } from './workflow-definition.js';

const NAMES = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];

/** A random directed graph over distinct stage names: explicit dependencies on any stage, itself and later ones included. */
const anyGraph: fc.Arbitrary<StageSpec[]> = fc
  .shuffledSubarray(NAMES, { minLength: 1 })
  .chain((agents) =>
    fc
      .tuple(
        ...agents.map((agent) =>
          fc.record({ agent: fc.constant(agent), dependsOn: fc.subarray(agents, { maxLength: Math.min(3, agents.length) }) }),
        ),
      )
      .map((stages) => stages as StageSpec[]),
  );

/** The effective dependencies of each stage (omitted `dependsOn`: the stage listed before). */
function dependencyMap(stages: readonly StageSpec[]): Map<string, readonly string[]> {
  return new Map(
    stages.map((stage, index) => [stage.agent, stage.dependsOn ?? (index === 0 ? [] : [(stages[index - 1] as StageSpec).agent])]),
  );
}

/** Model: a graph is acyclic when repeatedly removing stages without remaining dependencies empties it. */
function isAcyclic(stages: readonly StageSpec[]): boolean {
  const dependencies = dependencyMap(stages);
  const left = new Set(dependencies.keys());
  let progress = true;
  while (progress) {
    progress = false;
    for (const name of left) {
      if ((dependencies.get(name) ?? []).every((dependency) => !left.has(dependency))) {
        left.delete(name);
        progress = true;
      }
    }
  }
  return left.size === 0;
}

/** Model of the plan order: repeatedly the first listed stage whose dependencies are all placed. */
function modelPlanOrder(stages: readonly StageSpec[]): string[] {
  const dependencies = dependencyMap(stages);
  const placed: string[] = [];
  const left = stages.map((stage) => stage.agent);
  while (left.length > 0) {
    const next = left.findIndex((name) => (dependencies.get(name) ?? []).every((dependency) => placed.includes(dependency)));
    placed.push(...left.splice(next, 1));
  }
  return placed;
}

function define(stages: readonly StageSpec[], extra: Partial<WorkflowDefinitionInput> = {}) {
  return defineWorkflow({ id: 'random', classify: () => 'main', paths: { main: stages }, fallback: 'main', ...extra });
}

function refusalOf(run: () => unknown): InvalidConfigError | undefined {
  try {
    run();
  } catch (error) {
    if (InvalidConfigError.isInstance(error)) return error;
    throw error;
  }
  return undefined;
}

describe('defineWorkflow against a graph model (property-based)', () => {
  it('accepts a random dependency graph exactly when it is acyclic, and names a real cycle when it is not', () => {
    fc.assert(
      fc.property(anyGraph, (stages) => {
        const refusal = refusalOf(() => define(stages));
        if (isAcyclic(stages)) {
          expect(refusal).toBeUndefined();
          return;
        }
        expect(refusal?.code).toBe('INVALID_CONFIG');
        const match = /Path "main" has a dependency cycle: (.+)$/.exec(refusal?.message ?? '');
        expect(match).not.toBeNull();
        // The named cycle a → b → … → a is a real one: each stage depends on the next.
        const cycle = (match?.[1] ?? '').split(' → ');
        const dependencies = dependencyMap(stages);
        expect(cycle.length).toBeGreaterThanOrEqual(2);
        expect(cycle[0]).toBe(cycle.at(-1));
        for (let index = 0; index + 1 < cycle.length; index++) expect(dependencies.get(cycle[index] as string)).toContain(cycle[index + 1]);
      }),
      { numRuns: 500 },
    );
  });

  it('judges the linear form of the same stages alike: accepted exactly when acyclic, the cycle named for the workflow', () => {
    fc.assert(
      fc.property(anyGraph, (stages) => {
        const refusal = refusalOf(() => defineWorkflow({ id: 'random', stages }));
        if (isAcyclic(stages)) expect(refusal).toBeUndefined();
        else expect(refusal?.message).toMatch(/^Workflow "random" has a dependency cycle: /);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a dependency on any name that is not a stage of the same path, naming the stage and the dependency', () => {
    const ghost = fc.oneof(fc.constantFrom('triage', 'reporting', 'A', 'a ', 'z'), fc.stringMatching(/^[a-z]{2,6}$/));
    fc.assert(
      fc.property(anyGraph.filter(isAcyclic), ghost, fc.nat(), (stages, missing, at) => {
        fc.pre(!stages.some((stage) => stage.agent === missing));
        const index = at % stages.length;
        const target = stages[index] as StageSpec;
        const broken = stages.map((stage, position) =>
          position === index ? { ...stage, dependsOn: [...(stage.dependsOn ?? []), missing] } : stage,
        );
        const refusal = refusalOf(() => define(broken));
        expect(refusal?.message).toContain(`stage "${target.agent}" depends on unknown stage "${missing}"`);
      }),
    );
  });

  it('refuses a path listing any stage twice, and a definition with any empty path', () => {
    fc.assert(
      fc.property(anyGraph.filter(isAcyclic), fc.nat(), fc.constantFrom('p', 'q', 'other'), (stages, at, emptyName) => {
        const duplicate = stages[at % stages.length] as StageSpec;
        expect(refusalOf(() => define([...stages, { agent: duplicate.agent, dependsOn: [] }]))?.message).toContain(
          `lists stage "${duplicate.agent}" twice`,
        );
        expect(
          refusalOf(() =>
            defineWorkflow({ id: 'random', classify: () => 'main', paths: { main: stages, [emptyName]: [] }, fallback: 'main' }),
          )?.message,
        ).toContain(`path "${emptyName}" is empty`);
      }),
    );
  });
});

/** A random acyclic path with explicit dependencies and a random listing order (a dependency may be listed after its dependent). */
const dag: fc.Arbitrary<StageSpec[]> = fc
  .shuffledSubarray(NAMES, { minLength: 1 })
  .chain((agents) =>
    fc.tuple(
      fc.constant(agents),
      fc.array(fc.tuple(fc.option(fc.array(fc.nat(), { maxLength: 3 }), { nil: undefined }), fc.boolean()), {
        minLength: agents.length,
        maxLength: agents.length,
      }),
      fc.boolean(),
    ),
  )
  .map(([agents, choices, reverse]) => {
    const stages = agents.map((agent, index): StageSpec => {
      const [picks, continueOnError] = choices[index] as [number[] | undefined, boolean];
      const earlier = agents.slice(0, index);
      // Default dependencies (on the previous listed stage) only while the listing order is kept.
      const dependsOn =
        picks === undefined && !reverse
          ? undefined
          : earlier.length === 0
            ? []
            : (picks ?? []).map((pick) => earlier[pick % earlier.length] as string);
      return { agent, ...(dependsOn === undefined ? {} : { dependsOn }), ...(continueOnError ? { continueOnError } : {}) };
    });
    return reverse ? [...stages].reverse() : stages;
  });

describe('runWorkflow on the fake engine against a scheduling model (property-based)', () => {
  it('with random failures and completion order, in both forms: each stage at most once, only once its dependencies allow, nothing new after a stopping failure, finally last with failedStages', async () => {
    await fc.assert(
      fc.asyncProperty(dag, fc.subarray(NAMES), fc.boolean(), fc.scheduler(), async (stages, failing, linear, scheduler) => {
        // The linear form runs the same stages without triage.
        const workflow = linear ? defineWorkflow({ id: 'random', stages, finally: 'end' }) : define(stages, { finally: 'end' });
        const head = linear ? [] : ['triage'];
        const dependencies = dependencyMap(stages);
        const continues = new Set(stages.filter((stage) => stage.continueOnError === true).map((stage) => stage.agent));
        const outcome = new Map<string, 'succeeded' | 'failed'>();
        const log: string[] = [];
        const violations: string[] = [];
        let stopped = false;
        const agent =
          (name: string): FakeAgent =>
          async (input) => {
            log.push(name);
            if (name !== 'triage' && name !== 'end') {
              if (stopped) violations.push(`${name} started after a stopping failure`);
              for (const dependency of dependencies.get(name) ?? []) {
                const state = outcome.get(dependency);
                if (state !== 'succeeded' && !(state === 'failed' && continues.has(dependency)))
                  violations.push(`${name} started before ${dependency} allowed it`);
              }
            }
            await scheduler.schedule(Promise.resolve(), name);
            const fails = failing.includes(name);
            outcome.set(name, fails ? 'failed' : 'succeeded');
            if (fails && !continues.has(name)) stopped = true;
            if (fails) throw new Error(`${name} failed`);
            return name === 'end' ? (input as StageInput).failedStages : name;
          };
        const engine = new FakeEngine(Object.fromEntries(['triage', ...NAMES, 'end'].map((name) => [name, agent(name)])));
        const running = runWorkflow({ engine, workflow, input: 'q', now: () => 0, workflowId: 'wf' });
        await scheduler.waitFor(running);
        const result = await running;

        expect(violations).toEqual([]);
        expect(new Set(log).size).toBe(log.length);
        if (!linear) expect(log[0]).toBe('triage');
        expect(log.at(-1)).toBe('end');
        // Every stage ran unless a stopping failure came first; with no failure, all of them ran.
        const pathFailures = [...outcome].filter(([name, state]) => name !== 'end' && state === 'failed').map(([name]) => name);
        if (pathFailures.length === 0) expect(log).toHaveLength(stages.length + 1 + head.length);
        // finally receives the failed stages in the order they finished, and the status says failed.
        const end = result.stages.at(-1);
        expect(end?.agentName).toBe('end');
        const failedBeforeEnd = result.stages
          .slice(0, -1)
          .filter((stage) => stage.status === 'failed')
          .map((stage) => stage.agentName);
        expect(failedBeforeEnd.sort()).toEqual([...pathFailures].sort());
        // `outcome` was filled as the stages finished: pathFailures is in finishing order.
        if (end?.status === 'succeeded') expect(end.output).toEqual(pathFailures);
        expect(result.status).toBe(outcome.get('end') === 'failed' || pathFailures.length > 0 ? 'failed' : 'succeeded');
        // The result lists the stages that were called in plan order, whatever order they finished in.
        const called = new Set(log);
        expect(result.stages.map((stage) => stage.agentName)).toEqual([
          ...head,
          ...modelPlanOrder(stages).filter((name) => called.has(name)),
          'end',
        ]);
        expect(result.path).toBe('main');
        // `end` returns failedStages: its output is the run's whenever it succeeded.
        expect(result.output).toEqual(end?.status === 'succeeded' ? pathFailures : undefined);
      }),
      { numRuns: 200 },
    );
  });
});
