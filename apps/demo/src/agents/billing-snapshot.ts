import { z } from 'zod';
import { type CatalogueKey, type CostCategory, catalogueLines } from './cloud-catalogue.js';

/** One service's cost in the simulated billing export. */
export const BillingLineSchema = z.object({
  service: z.string(),
  category: z.enum(['compute', 'kubernetes', 'database', 'storage', 'network', 'analytics', 'observability', 'other']),
  monthly: z.number(),
  previous: z.number().nullable(),
  share: z.number(),
});
/** One service's cost in the simulated billing export. */
export type BillingLine = z.infer<typeof BillingLineSchema>;

// Growth usually comes from compute and clusters, rarely from storage; used to split a total increase.
const GROWTH_WEIGHT: Record<CostCategory, number> = {
  compute: 1.5,
  kubernetes: 1.8,
  network: 1.3,
  database: 0.8,
  analytics: 1,
  storage: 0.5,
  observability: 0.9,
  other: 0.4,
};

/**
 * Builds a deterministic month of billing data: each catalogue line's share of `monthlySpend`, and
 * when `previousSpend` is known, the previous month with the increase split by typical growth weights.
 */
export function buildBillingLines(key: CatalogueKey, monthlySpend: number, previousSpend: number | null): BillingLine[] {
  const lines = catalogueLines(key);
  const weightSum = lines.reduce((sum, line) => sum + line.share * GROWTH_WEIGHT[line.category], 0);
  const growth = previousSpend === null ? 0 : monthlySpend - previousSpend;
  return lines.map((line) => {
    const monthly = Math.round(monthlySpend * line.share);
    const lineGrowth = (growth * line.share * GROWTH_WEIGHT[line.category]) / weightSum;
    return {
      service: line.service,
      category: line.category,
      monthly,
      previous: previousSpend === null ? null : Math.round(monthly - lineGrowth),
      share: line.share,
    };
  });
}
