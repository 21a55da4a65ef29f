import { type AgentRunError, type AnyAgentDefinition, firstZodIssue, redactSecretsInText } from '@baton/engine-contract';
import { describeThrown } from './run-error.js';

/** An agent's `input` or `output` schema. @internal */
export type AgentSchema = NonNullable<AnyAgentDefinition['input']>;

/** The outcome of checking an agent's input or output against its schema. @internal */
export type SchemaCheck = { success: true; data: unknown } | { success: false; error: AgentRunError };

/**
 * Validates `value` with an agent's `input` or `output` schema. Never throws: a mismatch (or a
 * refinement that threw) is an `INVALID_AGENT_IO` error naming the agent, the side and the first
 * issue's path; it never echoes the value. Parses synchronously and falls back to zod's async parse
 * only for schemas that need it (async refinements), which spares the async machinery otherwise.
 * @internal
 */
export async function checkAgainstSchema(
  schema: AgentSchema,
  value: unknown,
  side: 'input' | 'output',
  agentName: string,
): Promise<SchemaCheck> {
  try {
    let parsed: ReturnType<AgentSchema['safeParse']>;
    try {
      parsed = schema.safeParse(value);
    } catch {
      // zod throws on an async refinement in a sync parse; a refinement that really throws throws again below.
      parsed = await schema.safeParseAsync(value);
    }
    if (parsed.success) return { success: true, data: parsed.data };
    const { path, message } = firstZodIssue(parsed.error);
    const where = path === '' ? '' : ` at ${path}`;
    return {
      success: false,
      error: {
        code: 'INVALID_AGENT_IO',
        name: 'ZodError',
        // A refinement's own message, or a key in the path, may quote what it checked.
        message: redactSecretsInText(`Agent "${agentName}" ${side} does not match its schema${where}: ${message}`),
      },
    };
  } catch (thrown) {
    const { name, message } = describeThrown(thrown);
    return {
      success: false,
      error: { code: 'INVALID_AGENT_IO', name, message: `Agent "${agentName}" ${side} could not be validated: ${message}` },
    };
  }
}
