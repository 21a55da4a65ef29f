import { z } from 'zod';
import type { BillingLine } from './billing-snapshot.js';
import { type CatalogueKey, type CostCategory, vocabulary } from './cloud-catalogue.js';

/** A concrete way to spend less, with its estimated monthly saving. */
export const OpportunitySchema = z.object({
  id: z.string(),
  title: z.string(),
  detail: z.string(),
  monthlySavings: z.number(),
  effort: z.enum(['low', 'medium', 'high']),
});
/** A concrete way to spend less. */
export type Opportunity = z.infer<typeof OpportunitySchema>;

/** Which analysis pass finds an opportunity (each is one tool call of the optimisation agent). */
export type OpportunityPass = 'rightsizing' | 'commitments' | 'storage' | 'platform';

function spendOf(lines: readonly BillingLine[], category: CostCategory): number {
  return lines.filter((line) => line.category === category).reduce((sum, line) => sum + line.monthly, 0);
}

/**
 * The opportunities one analysis pass finds in a bill. Rates are conservative rules of thumb
 * (rightsizing ~12% of compute, commitments ~28% off the steady 60% after rightsizing, ...), so the
 * totals are believable rather than heroic.
 */
export function findOpportunities(pass: OpportunityPass, key: CatalogueKey, lines: readonly BillingLine[]): Opportunity[] {
  const words = vocabulary(key);
  const compute = spendOf(lines, 'compute');
  const kubernetes = spendOf(lines, 'kubernetes');
  const found: Opportunity[] = [];
  const add = (opportunity: Opportunity) => {
    if (opportunity.monthlySavings >= 1) found.push({ ...opportunity, monthlySavings: Math.round(opportunity.monthlySavings) });
  };
  switch (pass) {
    case 'rightsizing':
      add({
        id: 'rightsizing',
        title: 'Rightsize oversized instances',
        detail: `Apply ${words.rightsizingTool}: most fleets run below 30% CPU; one size down halves the cost of those machines.`,
        monthlySavings: compute * 0.12,
        effort: 'medium',
      });
      add({
        id: 'schedules',
        title: 'Switch non-production off at night and at weekends',
        detail: 'Development and staging run 168 hours a week but are used for about 50; schedules cut their cost by two thirds.',
        monthlySavings: compute * 0.1,
        effort: 'low',
      });
      break;
    case 'commitments':
      add({
        id: 'commitments',
        title: `Cover steady compute with ${words.commitments}`,
        detail: `After rightsizing, commit to about 60% of the remaining baseline; the discount is around 28% for one year, no upfront.`,
        monthlySavings: (compute * 0.78 + kubernetes * 0.8) * 0.6 * 0.28,
        effort: 'low',
      });
      add({
        id: 'database-commitments',
        title: `Reserve steady databases with ${words.databaseCommitments}`,
        detail: 'Production databases run around the clock; reserving them for a year saves about a third.',
        monthlySavings: spendOf(lines, 'database') * 0.7 * 0.33,
        effort: 'low',
      });
      break;
    case 'storage':
      add({
        id: 'storage-tiering',
        title: 'Move cold data to cheaper tiers',
        detail: `Turn on ${words.storageTiering}; delete snapshots and backups past their retention.`,
        monthlySavings: spendOf(lines, 'storage') * 0.3,
        effort: 'low',
      });
      add({
        id: 'log-retention',
        title: 'Trim log ingestion and retention',
        detail: 'Drop debug-level logs in production and keep noisy sources 7 days instead of 30.',
        monthlySavings: spendOf(lines, 'observability') * 0.35,
        effort: 'low',
      });
      break;
    case 'platform':
      add({
        id: 'kubernetes-packing',
        title: 'Pack Kubernetes nodes tighter',
        detail: `Set realistic pod requests and enable ${words.kubernetes}; clusters typically run at 35-45% utilisation.`,
        monthlySavings: kubernetes * 0.22,
        effort: 'medium',
      });
      add({
        id: 'egress',
        title: 'Cut data-transfer charges',
        detail: 'Cache static content behind a CDN and keep chatty services in the same zone.',
        monthlySavings: spendOf(lines, 'network') * 0.2,
        effort: 'medium',
      });
      add({
        id: 'spot',
        title: `Run CI and batch jobs on ${words.spot}`,
        detail: 'Interruptible work pays 60-90% less on spare capacity.',
        monthlySavings: compute * 0.05,
        effort: 'medium',
      });
      break;
  }
  return found;
}
