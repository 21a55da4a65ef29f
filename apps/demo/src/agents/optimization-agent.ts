import { defineAgent } from '@baton/engine-contract';
import { z } from 'zod';
import type { Pace } from './abortable-delay.js';
import { DataOutputSchema } from './data-agent.js';
import { formatMoney, formatPercent } from './format-money.js';
import { findOpportunities, type Opportunity, type OpportunityPass, OpportunitySchema } from './savings-opportunities.js';
import { previousOutput, StageInputSchema } from './stage-input.js';

/** Savings found in the bill, largest first. */
export const OptimizationOutputSchema = z.object({
  opportunities: z.array(OpportunitySchema),
  totalMonthlySavings: z.number(),
  savingsRatio: z.number(),
});
/** Savings found in the bill, largest first. */
export type OptimizationOutput = z.infer<typeof OptimizationOutputSchema>;

const PASSES: ReadonlyArray<readonly [OpportunityPass, string, number]> = [
  ['rightsizing', 'analyze_rightsizing', 240],
  ['commitments', 'check_commitment_coverage', 200],
  ['storage', 'scan_storage_tiers', 160],
  ['platform', 'review_platform_usage', 180],
];

/** Runs four analysis passes over the bill (one tool call each) and ranks what they find. */
export function createOptimizationAgent(pace: Pace) {
  return defineAgent({
    name: 'optimization',
    description: 'Finds and ranks savings: rightsizing, commitments, storage tiers, platform efficiency.',
    input: StageInputSchema,
    output: OptimizationOutputSchema,
    async run(input, ctx): Promise<OptimizationOutput> {
      const data = previousOutput(input, 'data', DataOutputSchema);
      if (!data) throw new Error('No billing data to optimise: the data stage did not produce any.');
      const key = data.provider ?? 'generic';
      ctx.think(`Looking for savings in ${formatMoney(data.monthlySpend)} a month of ${data.provider ?? 'cloud'} spend.`);
      const opportunities: Opportunity[] = [];
      for (const [pass, toolName, baseMs] of PASSES) {
        const found = await ctx.tool(toolName, { provider: key, services: data.lines.length }, async (signal) => {
          await pace(baseMs, signal);
          return findOpportunities(pass, key, data.lines);
        });
        opportunities.push(...found);
        const best = found[0];
        if (best) ctx.think(`${best.title}: about ${formatMoney(best.monthlySavings)} a month.`);
      }
      opportunities.sort((a, b) => b.monthlySavings - a.monthlySavings || a.id.localeCompare(b.id));
      const totalMonthlySavings = opportunities.reduce((sum, item) => sum + item.monthlySavings, 0);
      const savingsRatio = data.monthlySpend > 0 ? totalMonthlySavings / data.monthlySpend : 0;
      ctx.think(`Total: ${formatMoney(totalMonthlySavings)} a month (${formatPercent(savingsRatio)} of the bill).`);
      await pace(40, ctx.signal);
      return { opportunities, totalMonthlySavings, savingsRatio };
    },
  });
}
