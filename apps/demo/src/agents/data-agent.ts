import { defineAgent } from '@baton/engine-contract';
import { z } from 'zod';
import type { Pace } from './abortable-delay.js';
import { BillingLineSchema, buildBillingLines } from './billing-snapshot.js';
import { DataHelperOutputSchema } from './data-helper-agent.js';
import { formatMoney, formatPercent } from './format-money.js';
import { previousOutput, StageInputSchema } from './stage-input.js';
import { TriageOutputSchema } from './triage-agent.js';

/** The month of billing data the later stages work from. */
export const DataOutputSchema = z.object({
  provider: z.enum(['AWS', 'GCP', 'Azure']).nullable(),
  monthlySpend: z.number(),
  previousSpend: z.number().nullable(),
  estimated: z.boolean(),
  lines: z.array(BillingLineSchema),
  findings: z.array(z.string()),
});
/** The month of billing data the later stages work from. */
export type DataOutput = z.infer<typeof DataOutputSchema>;

/** Pulls the (simulated, deterministic) billing export and points out where the money and the growth are. */
export function createDataAgent(pace: Pace) {
  return defineAgent({
    name: 'data',
    description: 'Breaks the bill down by service and finds where the spend and its growth come from.',
    input: StageInputSchema,
    output: DataOutputSchema,
    async run(input, ctx): Promise<DataOutput> {
      const triage = previousOutput(input, 'triage', TriageOutputSchema);
      const helper = previousOutput(input, 'data_helper', DataHelperOutputSchema);
      const provider = triage?.provider ?? helper?.provider ?? null;
      const monthlySpend = triage?.monthlySpend ?? helper?.monthlySpend ?? 0;
      const previousSpend = triage?.previousSpend ?? null;
      const estimated = helper?.spendIsAssumed ?? false;
      ctx.think(`Pulling last month's ${provider ?? 'cloud'} billing export${estimated ? ' (benchmark figures)' : ''}.`);
      await pace(60, ctx.signal);
      const lines = await ctx.tool(
        'query_billing_export',
        { provider: provider ?? 'generic', months: previousSpend === null ? 1 : 2, groupBy: 'service' },
        async (signal) => {
          await pace(260, signal);
          return buildBillingLines(provider ?? 'generic', monthlySpend, previousSpend);
        },
      );
      ctx.think(`Grouped ${lines.length} services; the largest is ${lines[0]?.service ?? 'unknown'}.`);
      const findings = await ctx.tool('detect_cost_drivers', { lines: lines.length }, async (signal) => {
        await pace(180, signal);
        const sorted = [...lines].sort((a, b) => b.monthly - a.monthly);
        const top = sorted.slice(0, 2);
        const result = [
          `${top.map((line) => line.service).join(' and ')} make up ${formatPercent(top.reduce((sum, line) => sum + line.share, 0))} of the bill.`,
        ];
        if (previousSpend !== null && previousSpend > 0) {
          const growth = [...lines].sort((a, b) => b.monthly - (b.previous ?? b.monthly) - (a.monthly - (a.previous ?? a.monthly)))[0];
          const total = monthlySpend - previousSpend;
          result.unshift(
            `Spend ${total >= 0 ? 'rose' : 'fell'} ${formatPercent(Math.abs(total) / previousSpend)}, from ${formatMoney(previousSpend)} to ${formatMoney(monthlySpend)} a month.`,
          );
          if (growth && growth.previous !== null && total > 0) {
            result.push(`${growth.service} grew the most: +${formatMoney(growth.monthly - growth.previous)} a month.`);
          }
        }
        return result;
      });
      ctx.think(findings[0] ?? 'No notable cost drivers.');
      await pace(40, ctx.signal);
      return { provider, monthlySpend, previousSpend, estimated, lines, findings };
    },
  });
}
