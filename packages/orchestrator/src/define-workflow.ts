import { InvalidConfigError, WORKFLOW_AGENT_NAME } from '@baton/engine-contract';
import { globalWeakSet } from './global-weak-set.js';
import { planPath } from './stage-plan.js';
import type { StageSpec, WorkflowDefinition, WorkflowDefinitionInput } from './workflow-definition.js';

// The same rule as `defineAgent` in the contract: stage names are agent names.
const NAME = /^[A-Za-z0-9_.:-]{1,128}$/;
const NAME_RULE = '1 to 128 characters of letters, digits, "_", ".", ":" or "-"';
const DEFAULT_TRIAGE = 'triage';
const DEFINITION_KEYS = new Set(['id', 'triage', 'classify', 'paths', 'fallback', 'finally']);
const STAGE_KEYS = new Set(['agent', 'continueOnError', 'dependsOn']);

// Shared through globalThis so that a definition made by the ESM build is accepted by the CJS build.
const definitions = globalWeakSet('baton.orchestrator.workflow-definitions.v1');

function fail(message: string): never {
  throw new InvalidConfigError({ message });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

function checkAgentName(value: unknown, what: string): string {
  if (typeof value !== 'string' || !NAME.test(value)) fail(`${what} must be an agent name: ${NAME_RULE}`);
  if (value === WORKFLOW_AGENT_NAME) fail(`${what} must not be "${WORKFLOW_AGENT_NAME}", which is reserved for workflow events`);
  return value;
}

function checkUnknownKeys(value: Record<string, unknown>, allowed: ReadonlySet<string>, where: string): void {
  for (const key of Object.keys(value)) {
    if (!allowed.has(key)) fail(`${where} has an unknown option "${key}" (allowed: ${[...allowed].join(', ')})`);
  }
}

function copyStage(value: unknown, pathName: string, index: number): StageSpec {
  const where = `Path "${pathName}", stage ${index}`;
  if (!isPlainObject(value)) fail(`${where} must be an object { agent, continueOnError?, dependsOn? }`);
  checkUnknownKeys(value, STAGE_KEYS, where);
  const agent = checkAgentName(value.agent, `${where}: agent`);
  const { continueOnError, dependsOn } = value;
  if (continueOnError !== undefined && typeof continueOnError !== 'boolean') fail(`${where} ("${agent}"): continueOnError must be a boolean`);
  if (dependsOn !== undefined && (!Array.isArray(dependsOn) || !dependsOn.every((name) => typeof name === 'string'))) {
    fail(`${where} ("${agent}"): dependsOn must be an array of stage names`);
  }
  return Object.freeze({
    agent,
    ...(continueOnError === undefined ? {} : { continueOnError }),
    ...(dependsOn === undefined ? {} : { dependsOn: Object.freeze([...(dependsOn as string[])]) }),
  });
}

/**
 * Declares a triage-driven workflow: `triage` runs first, `classify(triageOutput)` names the path,
 * the path's stages run (concurrently where their dependencies allow), then `finally` runs.
 * Validates everything up front and returns a deeply frozen definition that `WorkflowOrchestrator` accepts.
 * @throws InvalidConfigError naming the problem: a bad `id` or agent name, a non-function `classify`,
 * no paths, an empty path, a stage listed twice in a path, an unknown dependency, a dependency cycle,
 * triage or `finally` listed inside a path, `finally` equal to triage, or a `fallback` that is not a path.
 * @example
 * const review = defineWorkflow({
 *   id: 'review',
 *   classify: (output) => (output as { kind?: string }).kind,
 *   paths: { code: [{ agent: 'lint' }, { agent: 'test', dependsOn: [] }, { agent: 'summarise', dependsOn: ['lint', 'test'] }] },
 *   fallback: 'code',
 *   finally: 'reporting',
 * });
 */
export function defineWorkflow(definition: WorkflowDefinitionInput): WorkflowDefinition {
  if (!isPlainObject(definition)) fail('defineWorkflow expects an object { id, triage?, classify, paths, fallback, finally? }');
  checkUnknownKeys(definition, DEFINITION_KEYS, 'Workflow definition');
  const { id, classify, paths, fallback } = definition;
  if (typeof id !== 'string' || !NAME.test(id)) fail(`Workflow id must be ${NAME_RULE}`);
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
    const stages = Object.freeze(specs.map((spec: unknown, index) => copyStage(spec, pathName, index)));
    for (const stage of stages) {
      if (stage.agent === triage) fail(`${where}: path "${pathName}" lists the triage stage "${triage}"; triage always runs first and is not part of a path`);
      if (stage.agent === finallyStage) {
        fail(`${where}: path "${pathName}" lists the finally stage "${finallyStage}"; it runs after every path by itself, do not list it`);
      }
    }
    // Checks duplicates, unknown dependencies and cycles now, so that a run never meets them.
    planPath(pathName, stages);
    // defineProperty: a path named "__proto__" stays an own key instead of replacing the prototype.
    Object.defineProperty(copied, pathName, { value: stages, enumerable: true, writable: false, configurable: false });
  }
  if (typeof fallback !== 'string' || !Object.hasOwn(copied, fallback)) {
    fail(`${where}: fallback must be the name of one of its paths (${Object.keys(copied).join(', ')})`);
  }

  const frozen: WorkflowDefinition = Object.freeze({
    id,
    triage,
    classify,
    paths: Object.freeze(copied),
    fallback,
    ...(finallyStage === undefined ? {} : { finally: finallyStage }),
  });
  definitions.add(frozen);
  return frozen;
}

/** True only for definitions returned by `defineWorkflow` (from any copy of this package). */
export function isWorkflowDefinition(value: unknown): value is WorkflowDefinition {
  return typeof value === 'object' && value !== null && definitions.has(value);
}
