import { defineAgent } from '@baton/engine-contract';
import { z } from 'zod';
import type { Pace } from './abortable-delay.js';
import { formatMoney } from './format-money.js';
import { previousOutput, StageInputSchema } from './stage-input.js';
import { TriageOutputSchema } from './triage-agent.js';

/** A mid-size SaaS company's monthly cloud bill: the benchmark used when the question gives no amount. */
export const BENCHMARK_MONTHLY_SPEND = 25_000;

/** What data_helper adds when the question lacks a provider, figures or both. */
export const DataHelperOutputSchema = z.object({
  provider: z.enum(['AWS', 'GCP', 'Azure']).nullable(),
  monthlySpend: z.number(),
  spendIsAssumed: z.boolean(),
  assumptions: z.array(z.string()),
  questions: z.array(z.string()),
});
/** What data_helper adds when the question lacks a provider, figures or both. */
export type DataHelperOutput = z.infer<typeof DataHelperOutputSchema>;

/** Fills missing facts with benchmarks and lists what to ask the user for a sharper answer. */
export function createDataHelperAgent(pace: Pace) {
  return defineAgent({
    name: 'data_helper',
    description: 'Fills gaps in the question with benchmarks and lists the data that would sharpen the answer.',
    input: StageInputSchema,
    output: DataHelperOutputSchema,
    async run(input, ctx): Promise<DataHelperOutput> {
      const triage = previousOutput(input, 'triage', TriageOutputSchema);
      ctx.think('Some facts are missing: looking up benchmarks so the analysis has something to stand on.');
      await pace(70, ctx.signal);
      const provider = triage?.provider ?? null;
      const benchmark = await ctx.tool('lookup_benchmark', { segment: 'mid-size SaaS', provider: provider ?? 'any' }, async (signal) => {
        await pace(220, signal);
        return { monthlySpend: BENCHMARK_MONTHLY_SPEND, segment: 'mid-size SaaS' };
      });
      const assumptions: string[] = [];
      const questions: string[] = [];
      const spendIsAssumed = triage?.monthlySpend == null;
      const monthlySpend = triage?.monthlySpend ?? benchmark.monthlySpend;
      if (spendIsAssumed) {
        assumptions.push(
          `No monthly amount was given, so the figures below use a benchmark of ${formatMoney(benchmark.monthlySpend)} a month, typical of a mid-size SaaS company.`,
        );
        questions.push('What was your bill for each of the last three months?');
      }
      if (!provider) {
        assumptions.push('No provider was named, so service names are generic; the levers are the same on AWS, GCP and Azure.');
        questions.push('Which provider (AWS, GCP or Azure) carries most of the spend?');
      }
      questions.push('Which services or teams grew the most recently?');
      ctx.think(
        `Prepared ${assumptions.length} assumption${assumptions.length === 1 ? '' : 's'} and ${questions.length} follow-up questions.`,
      );
      await pace(40, ctx.signal);
      return { provider, monthlySpend, spendIsAssumed, assumptions, questions };
    },
  });
}
