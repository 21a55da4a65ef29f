import { AGENT_NAME_RULE, InvalidConfigError, isAgentName, WORKFLOW_AGENT_NAME } from '@baton/engine-contract';

/** Throws the `InvalidConfigError` every refused definition gets. @internal */
export function fail(message: string): never {
  throw new InvalidConfigError({ message });
}

/** A plain object literal (or `Object.create(null)`): not an array, a class instance or a Map. @internal */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/** A workflow id: the agent-name syntax. @internal */
export function checkWorkflowId(value: unknown): string {
  if (!isAgentName(value)) fail(`Workflow id must be ${AGENT_NAME_RULE}`);
  return value;
}

/** A stage name: an agent name other than the one reserved for workflow events. @internal */
export function checkAgentName(value: unknown, what: string): string {
  if (!isAgentName(value)) fail(`${what} must be an agent name: ${AGENT_NAME_RULE}`);
  if (value === WORKFLOW_AGENT_NAME) fail(`${what} must not be "${WORKFLOW_AGENT_NAME}", which is reserved for workflow events`);
  return value;
}

/**
 * The name of an agent given by name or as its definition (an object with a string `name` and a
 * `run` function, as `defineAgent` makes). Checked like any stage name.
 * @internal
 */
export function agentNameOf(value: unknown, what: string): string {
  if (typeof value === 'object' && value !== null && typeof (value as { run?: unknown }).run === 'function') {
    return checkAgentName((value as { name?: unknown }).name, `${what}: the agent definition's name`);
  }
  return checkAgentName(value, what);
}

/** Refuses keys outside `allowed`, listing the allowed ones (a typo such as `finaly` must not pass silently). @internal */
export function checkUnknownKeys(value: Record<string, unknown>, allowed: ReadonlySet<string>, where: string): void {
  for (const key of Object.keys(value)) {
    if (!allowed.has(key)) fail(`${where} has an unknown option "${key}" (allowed: ${[...allowed].join(', ')})`);
  }
}
