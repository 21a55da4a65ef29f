import type { AgentRunError } from '@baton/engine-contract';
import type { z } from 'zod';
import { describeThrown } from './run-error.js';

/** The outcome of checking an agent's input or output against its schema. @internal */
export type SchemaCheck = { success: true; data: unknown } | { success: false; error: AgentRunError };

/**
 * Validates `value` with an agent's `input` or `output` schema. Never throws: a mismatch (or a
 * refinement that threw) is an `INVALID_AGENT_IO` error naming the agent, the side and the first
 * issue's path; it never echoes the value. Async so that schemas with async refinements work.
 * @internal
 */
export async function checkAgainstSchema(schema: z.ZodType, value: unknown, side: 'input' | 'output', agentName: string): Promise<SchemaCheck> {
  try {
    const parsed = await schema.safeParseAsync(value);
    if (parsed.success) return { success: true, data: parsed.data };
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.map(String).join('.')}` : '';
    return {
      success: false,
      error: {
        code: 'INVALID_AGENT_IO',
        name: 'ZodError',
        message: `Agent "${agentName}" ${side} does not match its schema${where}: ${issue?.message ?? 'invalid'}`,
      },
    };
  } catch (thrown) {
    const { name, message } = describeThrown(thrown);
    return { success: false, error: { code: 'INVALID_AGENT_IO', name, message: `Agent "${agentName}" ${side} could not be validated: ${message}` } };
  }
}
