import { defineAgent } from '@baton/engine-contract';
import { z } from 'zod';
import type { Pace } from './abortable-delay.js';
import { DataOutputSchema } from './data-agent.js';
import { formatMoney } from './format-money.js';
import { OptimizationOutputSchema } from './optimization-agent.js';
import { chooseOpportunities, draftPlanSteps, PlanStepSchema, plannedMonthlySavingsOf, targetMonthlySavingsOf } from './savings-plan.js';
import { previousOutput, StageInputSchema } from './stage-input.js';
import { TriageOutputSchema } from './triage-agent.js';

/** A dated plan with owners; meets the user's target when one was given and the savings allow it. */
export const ActionsOutputSchema = z.object({
  steps: z.array(PlanStepSchema),
  plannedMonthlySavings: z.number(),
  targetMonthlySavings: z.number().nullable(),
  meetsTarget: z.boolean().nullable(),
});
/** A dated plan with owners. */
export type ActionsOutput = z.infer<typeof ActionsOutputSchema>;

/** Turns ranked opportunities into a plan: quick wins first, commitments after rightsizing, then guard rails. */
export function createActionsAgent(pace: Pace) {
  return defineAgent({
    name: 'actions',
    description: 'Turns the savings into a dated plan with owners, sized to the target when one was given.',
    input: StageInputSchema,
    output: ActionsOutputSchema,
    async run(input, ctx): Promise<ActionsOutput> {
      const triage = previousOutput(input, 'triage', TriageOutputSchema);
      const data = previousOutput(input, 'data', DataOutputSchema);
      const optimization = previousOutput(input, 'optimization', OptimizationOutputSchema);
      if (!optimization || !data) throw new Error('No savings to plan: the optimisation stage did not produce any.');
      const targetMonthlySavings = targetMonthlySavingsOf(triage, data);
      ctx.think(
        targetMonthlySavings === null
          ? 'No target given: planning the five largest savings.'
          : `Target: ${triage?.targetPercent}% of ${formatMoney(data.monthlySpend)} = ${formatMoney(targetMonthlySavings)} a month. Picking the easiest savings that reach it.`,
      );
      await pace(80, ctx.signal);
      const chosen = await ctx.tool(
        'prioritize_savings',
        { candidates: optimization.opportunities.length, targetMonthlySavings },
        async (signal) => {
          await pace(180, signal);
          return chooseOpportunities(optimization.opportunities, targetMonthlySavings);
        },
      );
      const steps = await ctx.tool('draft_plan', { steps: chosen.length }, async (signal) => {
        await pace(160, signal);
        return draftPlanSteps(chosen, data.provider);
      });
      const plannedMonthlySavings = plannedMonthlySavingsOf(steps);
      const meetsTarget = targetMonthlySavings === null ? null : plannedMonthlySavings >= targetMonthlySavings;
      ctx.think(
        `Plan: ${steps.length} steps worth ${formatMoney(plannedMonthlySavings)} a month${meetsTarget === null ? '' : meetsTarget ? ', meeting the target' : ', short of the target'}.`,
      );
      await pace(40, ctx.signal);
      return { steps, plannedMonthlySavings, targetMonthlySavings, meetsTarget };
    },
  });
}
