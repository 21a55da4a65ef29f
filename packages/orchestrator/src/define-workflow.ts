import { globalWeakSet } from '@baton/engine-contract';
import { copyLinearStage, copyStage } from './copy-stage.js';
import { agentNameOf, checkAgentName, checkUnknownKeys, checkWorkflowId, fail, isPlainObject } from './definition-checks.js';
import { linearPlanLabel, planFor } from './execution-plan.js';
import type { AgentReference, LinearStage, LinearWorkflowDefinitionInput, LinearWorkflowOutput } from './linear-workflow-input.js';
import {
  LINEAR_WORKFLOW_PATH,
  type LinearWorkflowDefinition,
  type StageSpec,
  type TriageWorkflowDefinition,
  type WorkflowDefinition,
  type WorkflowDefinitionInput,
} from './workflow-definition.js';

const DEFAULT_TRIAGE = 'triage';
const TRIAGE_KEYS = new Set(['id', 'triage', 'classify', 'paths', 'fallback', 'finally']);
const LINEAR_KEYS = new Set(['id', 'stages', 'finally']);
const TRIAGE_ONLY_KEYS = ['triage', 'classify', 'paths', 'fallback'];

// Shared through globalThis so that a definition made by the ESM build is accepted by the CJS build.
const definitions = globalWeakSet('baton.orchestrator.workflow-definitions.v1');

/**
 * Checks where a path lists the `finally` stage: only last, as `{ agent }` alone (it runs after every
 * other stage, so `dependsOn` and `continueOnError` would mean nothing), and no stage may wait for it.
 */
function checkFinallyListing(stages: readonly StageSpec[], finallyStage: string | undefined, owner: string): void {
  if (finallyStage === undefined) return;
  stages.forEach((stage, index) => {
    if (stage.agent === finallyStage && index !== stages.length - 1) {
      fail(
        `${owner} lists the finally stage "${finallyStage}" as stage ${index} of ${stages.length}; ` +
          'list it last or not at all: it runs once, after every other stage',
      );
    }
    if (
      stage.agent === finallyStage &&
      (stage.dependsOn !== undefined || stage.continueOnError !== undefined || stage.approval !== undefined)
    ) {
      fail(
        `${owner} lists the finally stage "${finallyStage}" with dependsOn, continueOnError or approval; it always runs last, give it as { agent } only`,
      );
    }
    if (stage.dependsOn?.includes(finallyStage)) {
      fail(`${owner}: stage "${stage.agent}" depends on the finally stage "${finallyStage}", which runs after every other stage`);
    }
  });
}

function brand<T extends WorkflowDefinition>(definition: T): T {
  definitions.add(definition);
  return definition;
}

function defineTriageWorkflow(definition: Record<string, unknown>): TriageWorkflowDefinition {
  checkUnknownKeys(definition, TRIAGE_KEYS, 'Workflow definition');
  const { classify, paths, fallback } = definition;
  const id = checkWorkflowId(definition.id);
  const where = `Workflow "${id}"`;
  const triage = checkAgentName(definition.triage ?? DEFAULT_TRIAGE, `${where}: triage`);
  const finallyStage = definition.finally === undefined ? undefined : checkAgentName(definition.finally, `${where}: finally`);
  if (finallyStage === triage) fail(`${where}: finally must differ from the triage stage "${triage}"`);
  if (typeof classify !== 'function') fail(`${where}: classify must be a function (triageOutput) => path name`);
  if (!isPlainObject(paths) || Object.keys(paths).length === 0) fail(`${where}: paths must be an object with at least one path`);

  const copied: Record<string, readonly StageSpec[]> = {};
  for (const [pathName, specs] of Object.entries(paths)) {
    if (pathName === '') fail(`${where}: path names must not be empty`);
    if (!Array.isArray(specs)) fail(`${where}: path "${pathName}" must be an array of stages`);
    if (specs.length === 0) fail(`${where}: path "${pathName}" is empty; give it at least one stage`);
    const stages = Object.freeze(specs.map((spec: unknown, index) => copyStage(spec, `Path "${pathName}", stage ${index}`)));
    for (const stage of stages) {
      if (stage.agent === triage)
        fail(`${where}: path "${pathName}" lists the triage stage "${triage}"; triage always runs first and is not part of a path`);
    }
    checkFinallyListing(stages, finallyStage, `${where}: path "${pathName}"`);
    // Validates (duplicates, unknown dependencies, cycles) and caches the plan, so that a run never meets them.
    planFor(stages, { path: pathName, head: triage, finallyStage });
    // defineProperty: a path named "__proto__" stays an own key instead of replacing the prototype.
    Object.defineProperty(copied, pathName, { value: stages, enumerable: true, writable: false, configurable: false });
  }
  if (typeof fallback !== 'string' || !Object.hasOwn(copied, fallback)) {
    fail(`${where}: fallback must be the name of one of its paths (${Object.keys(copied).join(', ')})`);
  }
  return brand(
    Object.freeze({
      id,
      triage,
      classify: classify as TriageWorkflowDefinition['classify'],
      paths: Object.freeze(copied),
      fallback,
      ...(finallyStage === undefined ? {} : { finally: finallyStage }),
    }),
  );
}

function defineLinearWorkflow(definition: Record<string, unknown>): LinearWorkflowDefinition {
  const mixed = TRIAGE_ONLY_KEYS.filter((key) => Object.hasOwn(definition, key));
  if (mixed.length > 0) {
    fail(
      `Workflow definition mixes the linear form (stages) with the triage form (${mixed.join(', ')}): ` +
        'give either { id, stages, finally? } or { id, triage?, classify, paths, fallback, finally? }',
    );
  }
  checkUnknownKeys(definition, LINEAR_KEYS, 'Workflow definition');
  const id = checkWorkflowId(definition.id);
  const where = `Workflow "${id}"`;
  const finallyStage = definition.finally === undefined ? undefined : agentNameOf(definition.finally, `${where}: finally`);
  const { stages: specs } = definition;
  if (!Array.isArray(specs))
    fail(
      `${where}: stages must be an array of stages (agent names, agent definitions or { agent, continueOnError?, dependsOn?, approval? })`,
    );
  if (specs.length === 0) fail(`${where}: stages is empty; give it at least one stage`);
  const stages = Object.freeze(specs.map((spec: unknown, index) => copyLinearStage(spec, `${where}, stage ${index}`)));
  checkFinallyListing(stages, finallyStage, where);
  planFor(stages, { path: LINEAR_WORKFLOW_PATH, head: undefined, finallyStage, label: linearPlanLabel(id) });
  return brand(Object.freeze({ id, stages, ...(finallyStage === undefined ? {} : { finally: finallyStage }) }));
}

/**
 * Declares a workflow, in one of two forms. Validates everything up front (and plans every path once)
 * and returns a deeply frozen definition that `WorkflowOrchestrator` accepts.
 *
 * - Linear: `{ id, stages, finally? }`. The stages run in the listed order, or as their `dependsOn`
 *   allow (`dependsOn: []`: at once); `finally` runs after them, also after a failure. A stage is an
 *   agent name, an agent definition, or `{ agent, continueOnError?, dependsOn? }`; definitions are
 *   stored by name. Runs have the path `LINEAR_WORKFLOW_PATH` (`'main'`). With definitions made by
 *   `defineAgent`, the result is `WorkflowDefinition<Output>`, where `Output` is the output type of
 *   `finally`, else of the last stage: `orchestrator.run` then resolves a typed `output`.
 * - Triage: `{ id, triage?, classify, paths, fallback, finally? }`. `triage` runs first,
 *   `classify(triageOutput)` names the path, the path's stages run, then `finally` runs.
 *
 * A path, or the linear `stages`, may end with the `finally` stage; it still runs once, as `finally`.
 * @throws InvalidConfigError naming the problem: a bad `id` or agent name, unknown options, the two
 * forms mixed, a non-function `classify`, no paths, an empty path or `stages`, a stage listed twice,
 * an unknown dependency, a dependency cycle, triage listed inside a path, `finally` listed other than
 * last, `finally` equal to triage, or a `fallback` that is not a path.
 * @example
 * const article = defineWorkflow({ id: 'article', stages: [research, write] }); // research, then write
 * const review = defineWorkflow({
 *   id: 'review',
 *   classify: (output) => (output as { kind?: string }).kind,
 *   paths: { code: [{ agent: 'lint' }, { agent: 'test', dependsOn: [] }, { agent: 'summarise', dependsOn: ['lint', 'test'] }] },
 *   fallback: 'code',
 *   finally: 'reporting',
 * });
 */
export function defineWorkflow<const TStages extends readonly LinearStage[], const TFinally extends AgentReference | undefined = undefined>(
  definition: LinearWorkflowDefinitionInput<TStages, TFinally>,
): LinearWorkflowDefinition<LinearWorkflowOutput<TStages, TFinally>>;
export function defineWorkflow(definition: WorkflowDefinitionInput): TriageWorkflowDefinition;
export function defineWorkflow(definition: WorkflowDefinitionInput | LinearWorkflowDefinitionInput): WorkflowDefinition;
export function defineWorkflow(definition: unknown): WorkflowDefinition {
  if (!isPlainObject(definition)) {
    fail('defineWorkflow expects an object: { id, stages, finally? } (linear) or { id, triage?, classify, paths, fallback, finally? }');
  }
  return Object.hasOwn(definition, 'stages') ? defineLinearWorkflow(definition) : defineTriageWorkflow(definition);
}

/** True only for definitions returned by `defineWorkflow` (from any copy of this package). */
export function isWorkflowDefinition(value: unknown): value is WorkflowDefinition {
  return definitions.has(value);
}
