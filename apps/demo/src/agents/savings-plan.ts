import { z } from 'zod';
import { vocabulary } from './cloud-catalogue.js';
import { type DataOutput, DataOutputSchema } from './data-agent.js';
import { formatMoney } from './format-money.js';
import { type OptimizationOutput, OptimizationOutputSchema } from './optimization-agent.js';
import type { Opportunity } from './savings-opportunities.js';
import { previousOutput, type StageInput } from './stage-input.js';
import { type TriageOutput, TriageOutputSchema } from './triage-agent.js';

// The `actions` stage's plan as pure functions: the agent runs them (inside its tool calls), and the
// approval gate in front of it (`demo-workflow.ts`) runs them too, so that the question it asks
// ("7 steps, about $13,880 a month") is exactly the plan the stage will draft once approved.

/** One step of the savings plan. */
export const PlanStepSchema = z.object({
  when: z.string(),
  action: z.string(),
  owner: z.string(),
  monthlySavings: z.number(),
});
/** One step of the savings plan. */
export type PlanStep = z.infer<typeof PlanStepSchema>;

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

/** The monthly saving the user asked for (their target percentage of the bill), or null without a target. */
export function targetMonthlySavingsOf(triage: TriageOutput | undefined, data: DataOutput): number | null {
  return triage?.targetPercent != null ? Math.round((data.monthlySpend * triage.targetPercent) / 100) : null;
}

/** The five largest savings without a target; with one, the easiest savings (largest first within an effort) until it is reached. */
export function chooseOpportunities(opportunities: readonly Opportunity[], targetMonthlySavings: number | null): Opportunity[] {
  if (targetMonthlySavings === null) return opportunities.slice(0, 5);
  const byEase = [...opportunities].sort((a, b) => EFFORT_RANK[a.effort] - EFFORT_RANK[b.effort] || b.monthlySavings - a.monthlySavings);
  const picked: Opportunity[] = [];
  let total = 0;
  for (const opportunity of byEase) {
    if (total >= targetMonthlySavings) break;
    picked.push(opportunity);
    total += opportunity.monthlySavings;
  }
  return picked;
}

/** The dated plan for the chosen savings: quick wins first, commitments after rightsizing, then a budget guard rail. */
export function draftPlanSteps(chosen: readonly Opportunity[], provider: DataOutput['provider']): PlanStep[] {
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
      action: `Set up ${vocabulary(provider ?? 'generic').budgets} so the next jump is caught in days, not at month end`,
      owner: 'FinOps lead',
      monthlySavings: 0,
    },
  ];
}

/** What the plan adds up to. */
export function plannedMonthlySavingsOf(steps: readonly PlanStep[]): number {
  return steps.reduce((sum, step) => sum + step.monthlySavings, 0);
}

/** The plan `actions` would draft from a stage input (`previous.triage`, `.data`, `.optimization`); undefined when a source is missing. */
export function previewPlan(input: StageInput): { steps: PlanStep[]; plannedMonthlySavings: number } | undefined {
  const data = previousOutput(input, 'data', DataOutputSchema);
  const optimization: OptimizationOutput | undefined = previousOutput(input, 'optimization', OptimizationOutputSchema);
  if (!data || !optimization) return undefined;
  const target = targetMonthlySavingsOf(previousOutput(input, 'triage', TriageOutputSchema), data);
  const steps = draftPlanSteps(chooseOpportunities(optimization.opportunities, target), data.provider);
  return { steps, plannedMonthlySavings: plannedMonthlySavingsOf(steps) };
}

/** The approval question for the plan in `input`: `Apply this plan? 7 steps, about $13,880 a month`. */
export function planApprovalPrompt(input: StageInput): string {
  const plan = previewPlan(input);
  // Never throws: a prompt that cannot be computed must not fail the run at its gate.
  if (!plan) return 'Apply the savings plan?';
  return `Apply this plan? ${plan.steps.length} steps, about ${formatMoney(plan.plannedMonthlySavings)} a month`;
}
