/**
 * The syntax of an agent name (also used for workflow ids and stage names): 1 to 128 letters,
 * digits, `_`, `.`, `:` or `-`. Frozen, and without the `g`/`y` flags, so `test` keeps no state.
 * @internal For Baton's own packages; not public API.
 */
export const AGENT_NAME_PATTERN: RegExp = Object.freeze(/^[A-Za-z0-9_.:-]{1,128}$/);

/**
 * `AGENT_NAME_PATTERN` in words, for error messages: `Agent name must be ${AGENT_NAME_RULE}`.
 * @internal For Baton's own packages; not public API.
 */
export const AGENT_NAME_RULE = '1 to 128 characters of letters, digits, "_", ".", ":" or "-"';

/**
 * True for a string that matches `AGENT_NAME_PATTERN`. Syntax only: `'workflow'`
 * (`WORKFLOW_AGENT_NAME`) is a valid name that `defineAgent` reserves for workflow events.
 * @internal For Baton's own packages; not public API.
 */
export function isAgentName(value: unknown): value is string {
  return typeof value === 'string' && AGENT_NAME_PATTERN.test(value);
}
