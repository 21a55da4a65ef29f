import { defineAgent } from '@baton/engine-contract';
import { z } from 'zod';
import type { Pace } from './abortable-delay.js';
import { formatMoney } from './format-money.js';
import { analyzeQuestion, decideDataSufficiency } from './question-analysis.js';
import { questionOf, StageInputSchema } from './stage-input.js';

/** What triage hands to every later stage; `dataSufficiency` picks the workflow's path. */
export const TriageOutputSchema = z.object({
  dataSufficiency: z.enum(['sufficient', 'partial', 'insufficient']),
  provider: z.enum(['AWS', 'GCP', 'Azure']).nullable(),
  otherProviders: z.array(z.enum(['AWS', 'GCP', 'Azure'])),
  monthlySpend: z.number().nullable(),
  previousSpend: z.number().nullable(),
  targetPercent: z.number().nullable(),
  reason: z.string(),
});
/** What triage hands to every later stage. */
export type TriageOutput = z.infer<typeof TriageOutputSchema>;

/** Reads the question, extracts provider and figures, and decides how much data the answer can rest on. */
export function createTriageAgent(pace: Pace) {
  return defineAgent({
    name: 'triage',
    description: 'Classifies a cloud-cost question: provider, figures, and whether they are enough to analyse.',
    input: StageInputSchema,
    output: TriageOutputSchema,
    async run(input, ctx): Promise<TriageOutput> {
      const question = questionOf(input);
      ctx.think('Reading the question: looking for a cloud provider and spend figures.');
      await pace(60, ctx.signal);
      const analysis = await ctx.tool('extract_entities', { text: question.slice(0, 200) }, async (signal) => {
        await pace(140, signal);
        return analyzeQuestion(question);
      });
      // "from $42,000 to $58,000": the last amount is the current month, the one before it the previous.
      const monthlySpend = analysis.amounts.at(-1) ?? null;
      const previousSpend = analysis.amounts.length >= 2 ? (analysis.amounts.at(-2) ?? null) : null;
      const dataSufficiency = decideDataSufficiency(analysis);
      const amounts = analysis.amounts.map((amount) => formatMoney(amount)).join(' and ');
      const found = [
        analysis.provider ? `provider ${analysis.providers.join(', ')}` : 'no provider',
        amounts ? `amounts ${amounts}` : analysis.hasNumbers ? 'figures but no amounts' : 'no figures',
        ...(analysis.percentages.length > 0 ? [`a target of ${analysis.percentages[0]}%`] : []),
      ];
      ctx.think(`Found ${found.join(', ')}.`);
      await pace(80, ctx.signal);
      const reason =
        dataSufficiency === 'sufficient'
          ? 'The question names a provider and gives figures: enough to analyse the bill directly.'
          : dataSufficiency === 'partial'
            ? `The question ${analysis.provider ? 'names a provider but gives no figures' : 'gives figures but names no provider'}: fill the gap with benchmarks first.`
            : 'The question names neither a provider nor figures: answer with a general playbook and say what data would help.';
      ctx.think(`Data sufficiency: ${dataSufficiency}. ${reason}`);
      return {
        dataSufficiency,
        provider: analysis.provider,
        otherProviders: analysis.providers.slice(1),
        monthlySpend,
        previousSpend,
        targetPercent: analysis.percentages[0] ?? null,
        reason,
      };
    },
  });
}
