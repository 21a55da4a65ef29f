import { agentNameOf, checkAgentName, checkUnknownKeys, fail, isPlainObject } from './definition-checks.js';
import type { StageApproval, StageSpec } from './workflow-definition.js';

const STAGE_KEYS = new Set(['agent', 'continueOnError', 'dependsOn', 'approval']);
const APPROVAL_KEYS = new Set(['prompt', 'timeoutMs']);
// setTimeout's ceiling (about 24.8 days) is not ours to keep: a gate may wait for weeks. A year bounds typos.
const MAX_APPROVAL_TIMEOUT_MS = 366 * 24 * 60 * 60 * 1000;

/** Copies `approval`: `{ prompt: string | (input) => string, timeoutMs? }`, frozen. */
function copyApproval(value: unknown, agent: string, where: string): StageApproval | undefined {
  if (value === undefined) return undefined;
  const at = `${where} ("${agent}"): approval`;
  if (!isPlainObject(value)) fail(`${at} must be an object { prompt, timeoutMs? }`);
  checkUnknownKeys(value, APPROVAL_KEYS, at);
  const { prompt, timeoutMs } = value;
  if (!(typeof prompt === 'string' && prompt.length > 0) && typeof prompt !== 'function') {
    fail(`${at}: prompt must be a non-empty string or a function (input) => string`);
  }
  if (
    timeoutMs !== undefined &&
    !(Number.isSafeInteger(timeoutMs) && (timeoutMs as number) > 0 && (timeoutMs as number) <= MAX_APPROVAL_TIMEOUT_MS)
  ) {
    fail(`${at}: timeoutMs must be a positive integer of milliseconds, at most ${MAX_APPROVAL_TIMEOUT_MS} (366 days)`);
  }
  return Object.freeze({
    prompt: prompt as StageApproval['prompt'],
    ...(timeoutMs === undefined ? {} : { timeoutMs: timeoutMs as number }),
  });
}

function checkContinueOnError(value: unknown, agent: string, where: string): boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean') fail(`${where} ("${agent}"): continueOnError must be a boolean`);
  return value;
}

function freezeStage(
  agent: string,
  continueOnError: boolean | undefined,
  dependsOn: readonly string[] | undefined,
  approval?: StageApproval,
): StageSpec {
  return Object.freeze({
    agent,
    ...(continueOnError === undefined ? {} : { continueOnError }),
    ...(dependsOn === undefined ? {} : { dependsOn: Object.freeze(dependsOn) }),
    ...(approval === undefined ? {} : { approval }),
  });
}

/**
 * Copies a stage of a triage-form path: exactly `{ agent, continueOnError?, dependsOn?, approval? }` with names.
 * `where` locates it for messages (`Path "p", stage 2`).
 * @internal
 */
export function copyStage(value: unknown, where: string): StageSpec {
  if (!isPlainObject(value)) fail(`${where} must be an object { agent, continueOnError?, dependsOn?, approval? }`);
  checkUnknownKeys(value, STAGE_KEYS, where);
  const agent = checkAgentName(value.agent, `${where}: agent`);
  const continueOnError = checkContinueOnError(value.continueOnError, agent, where);
  const { dependsOn } = value;
  if (dependsOn !== undefined && (!Array.isArray(dependsOn) || !dependsOn.every((name) => typeof name === 'string'))) {
    fail(`${where} ("${agent}"): dependsOn must be an array of stage names`);
  }
  const approval = copyApproval(value.approval, agent, where);
  return freezeStage(agent, continueOnError, dependsOn === undefined ? undefined : [...(dependsOn as string[])], approval);
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
  return freezeStage(agent, continueOnError, names, copyApproval(value.approval, agent, where));
}
