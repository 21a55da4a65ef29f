import { agentNameOf, checkAgentName, checkUnknownKeys, fail, isPlainObject } from './definition-checks.js';
import type { StageSpec } from './workflow-definition.js';

const STAGE_KEYS = new Set(['agent', 'continueOnError', 'dependsOn']);

function checkContinueOnError(value: unknown, agent: string, where: string): boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean') fail(`${where} ("${agent}"): continueOnError must be a boolean`);
  return value;
}

function freezeStage(agent: string, continueOnError: boolean | undefined, dependsOn: readonly string[] | undefined): StageSpec {
  return Object.freeze({
    agent,
    ...(continueOnError === undefined ? {} : { continueOnError }),
    ...(dependsOn === undefined ? {} : { dependsOn: Object.freeze(dependsOn) }),
  });
}

/**
 * Copies a stage of a triage-form path: exactly `{ agent, continueOnError?, dependsOn? }` with names.
 * `where` locates it for messages (`Path "p", stage 2`).
 * @internal
 */
export function copyStage(value: unknown, where: string): StageSpec {
  if (!isPlainObject(value)) fail(`${where} must be an object { agent, continueOnError?, dependsOn? }`);
  checkUnknownKeys(value, STAGE_KEYS, where);
  const agent = checkAgentName(value.agent, `${where}: agent`);
  const continueOnError = checkContinueOnError(value.continueOnError, agent, where);
  const { dependsOn } = value;
  if (dependsOn !== undefined && (!Array.isArray(dependsOn) || !dependsOn.every((name) => typeof name === 'string'))) {
    fail(`${where} ("${agent}"): dependsOn must be an array of stage names`);
  }
  return freezeStage(agent, continueOnError, dependsOn === undefined ? undefined : [...(dependsOn as string[])]);
}

/**
 * Copies a stage of a linear workflow, which may also be written as an agent name or an agent
 * definition, and whose `agent` and `dependsOn` entries may be definitions. Stored by name.
 * @internal
 */
export function copyLinearStage(value: unknown, where: string): StageSpec {
  // An agent definition is a plain frozen object too: its `run` tells it from a stage spec.
  if (!isPlainObject(value) || typeof value.run === 'function') return freezeStage(agentNameOf(value, where), undefined, undefined);
  checkUnknownKeys(value, STAGE_KEYS, where);
  const agent = agentNameOf(value.agent, `${where}: agent`);
  const continueOnError = checkContinueOnError(value.continueOnError, agent, where);
  const { dependsOn } = value;
  if (dependsOn !== undefined && !Array.isArray(dependsOn))
    fail(`${where} ("${agent}"): dependsOn must be an array of stage names or agent definitions`);
  const names = dependsOn?.map((dependency: unknown) => agentNameOf(dependency, `${where} ("${agent}"): dependsOn`));
  return freezeStage(agent, continueOnError, names);
}
