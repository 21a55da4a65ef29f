import { defineAgent } from '@baton/engine-contract';
import { z } from 'zod';
import type { Pace } from './abortable-delay.js';
import { ActionsOutputSchema } from './actions-agent.js';
import { composeAnswer } from './compose-answer.js';
import { DataHelperOutputSchema } from './data-helper-agent.js';
import { DataOutputSchema } from './data-agent.js';
import { OptimizationOutputSchema } from './optimization-agent.js';
import { StageInputSchema, previousOutput } from './stage-input.js';
import { TriageOutputSchema } from './triage-agent.js';

/** The answer the user reads. */
export const ReportingOutputSchema = z.object({
  headline: z.string(),
  answer: z.string(),
  basedOn: z.array(z.string()),
});
/** The answer the user reads. */
export type ReportingOutput = z.infer<typeof ReportingOutputSchema>;

/** Composes the final answer from every earlier stage's output; runs on every path, even after a failure. */
export function createReportingAgent(pace: Pace) {
  return defineAgent({
    name: 'reporting',
    description: 'Writes the final answer from the earlier stages, and says which ones it could not use.',
    input: StageInputSchema,
    output: ReportingOutputSchema,
    async run(input, ctx): Promise<ReportingOutput> {
      const sources = {
        triage: previousOutput(input, 'triage', TriageOutputSchema),
        helper: previousOutput(input, 'data_helper', DataHelperOutputSchema),
        data: previousOutput(input, 'data', DataOutputSchema),
        optimization: previousOutput(input, 'optimization', OptimizationOutputSchema),
        actions: previousOutput(input, 'actions', ActionsOutputSchema),
        failedStages: input.failedStages ?? [],
      };
      const basedOn = Object.keys(input.previous ?? {});
      ctx.think(`Writing the answer from ${basedOn.length} earlier step${basedOn.length === 1 ? '' : 's'}: ${basedOn.join(', ') || 'none'}.`);
      await pace(90, ctx.signal);
      const composed = await ctx.tool('compose_report', { sections: basedOn, failedStages: sources.failedStages }, async (signal) => {
        await pace(240, signal);
        return composeAnswer(sources);
      });
      ctx.think(`Headline: ${composed.headline}`);
      await pace(40, ctx.signal);
      return { ...composed, basedOn };
    },
  });
}
