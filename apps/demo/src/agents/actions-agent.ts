import { defineAgent } from '@baton/engine-contract';
import { z } from 'zod';
import type { Pace } from './abortable-delay.js';
import { vocabulary } from './cloud-catalogue.js';
import { DataOutputSchema } from './data-agent.js';
import { formatMoney } from './format-money.js';
import { OptimizationOutputSchema } from './optimization-agent.js';
import type { Opportunity } from './savings-opportunities.js';
import { previousOutput, StageInputSchema } from './stage-input.js';
import { TriageOutputSchema } from './triage-agent.js';

/** One step of the savings plan. */
export const PlanStepSchema = z.object({
  when: z.string(),
  action: z.string(),
  owner: z.string(),
  monthlySavings: z.number(),
});
/** A dated plan with owners; meets the user's target when one was given and the savings allow it. */
export const ActionsOutputSchema = z.object({
  steps: z.array(PlanStepSchema),
  plannedMonthlySavings: z.number(),
  targetMonthlySavings: z.number().nullable(),
  meetsTarget: z.boolean().nullable(),
});
/** A dated plan with owners. */
export type ActionsOutput = z.infer<typeof ActionsOutputSchema>;

const OWNERS: Record<string, string> = {
  schedules: 'Platform team',
  'storage-tiering': 'Platform team',
  'log-retention': 'SRE',
  rightsizing: 'Platform team',
  'kubernetes-packing': 'Platform team',
  egress: 'SRE',
  spot: 'CI owners',
  commitments: 'FinOps lead',
  'database-commitments': 'FinOps lead and DBAs',
};

const EFFORT_RANK = { low: 0, medium: 1, high: 2 } as const;

// Commitments come last on purpose: buying them before rightsizing locks in the waste.
function phaseOf(opportunity: Opportunity): number {
  if (opportunity.id === 'commitments' || opportunity.id === 'database-commitments') return 2;
  return opportunity.effort === 'low' ? 0 : 1;
}
const PHASE_LABEL = ['Week 1', 'Weeks 2-3', 'Week 4'] as const;

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
      const targetMonthlySavings = triage?.targetPercent != null ? Math.round((data.monthlySpend * triage.targetPercent) / 100) : null;
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
          if (targetMonthlySavings === null) return optimization.opportunities.slice(0, 5);
          const byEase = [...optimization.opportunities].sort(
            (a, b) => EFFORT_RANK[a.effort] - EFFORT_RANK[b.effort] || b.monthlySavings - a.monthlySavings,
          );
          const picked: Opportunity[] = [];
          let total = 0;
          for (const opportunity of byEase) {
            if (total >= targetMonthlySavings) break;
            picked.push(opportunity);
            total += opportunity.monthlySavings;
          }
          return picked;
        },
      );
      const steps = await ctx.tool('draft_plan', { steps: chosen.length }, async (signal) => {
        await pace(160, signal);
        const ordered = [...chosen].sort((a, b) => phaseOf(a) - phaseOf(b) || b.monthlySavings - a.monthlySavings);
        return [
          ...ordered.map((opportunity) => ({
            when: PHASE_LABEL[phaseOf(opportunity)] ?? 'Later',
            action: opportunity.title,
            owner: OWNERS[opportunity.id] ?? 'Platform team',
            monthlySavings: opportunity.monthlySavings,
          })),
          {
            when: 'Ongoing',
            action: `Set up ${vocabulary(data.provider ?? 'generic').budgets} so the next jump is caught in days, not at month end`,
            owner: 'FinOps lead',
            monthlySavings: 0,
          },
        ];
      });
      const plannedMonthlySavings = steps.reduce((sum, step) => sum + step.monthlySavings, 0);
      const meetsTarget = targetMonthlySavings === null ? null : plannedMonthlySavings >= targetMonthlySavings;
      ctx.think(
        `Plan: ${steps.length} steps worth ${formatMoney(plannedMonthlySavings)} a month${meetsTarget === null ? '' : meetsTarget ? ', meeting the target' : ', short of the target'}.`,
      );
      await pace(40, ctx.signal);
      return { steps, plannedMonthlySavings, targetMonthlySavings, meetsTarget };
    },
  });
}
