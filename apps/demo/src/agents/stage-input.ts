import { z } from 'zod';

/**
 * What every stage of `triageWorkflow` receives: `{ request, previous, failedStages? }`. Loose on
 * purpose: the orchestrator may add fields later, and an agent should not fail on them.
 */
export const StageInputSchema = z.looseObject({
  request: z.unknown(),
  previous: z.record(z.string(), z.unknown()).optional(),
  failedStages: z.array(z.string()).optional(),
});
/** What every stage of `triageWorkflow` receives. */
export type StageInput = z.infer<typeof StageInputSchema>;

/** The question text: the demo server passes the user's text as the workflow input. */
export function questionOf(input: StageInput): string {
  const { request } = input;
  if (typeof request === 'string') return request;
  if (typeof request === 'object' && request !== null && typeof (request as { text?: unknown }).text === 'string') {
    return (request as { text: string }).text;
  }
  return '';
}

/** An earlier stage's output, when that stage succeeded and its output has the expected shape. */
export function previousOutput<T>(input: StageInput, agentName: string, schema: z.ZodType<T>): T | undefined {
  const parsed = schema.safeParse(input.previous?.[agentName]);
  return parsed.success ? parsed.data : undefined;
}
