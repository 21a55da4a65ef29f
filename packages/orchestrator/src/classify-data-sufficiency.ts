/** How much of the data a request needs is available; the path names of `triageWorkflow`. */
export type DataSufficiency = 'sufficient' | 'partial' | 'insufficient';

/** Completeness at or above which the data counts as `sufficient`. */
export const SUFFICIENT_COMPLETENESS = 0.8;
/** Completeness at or above which the data counts as `partial` (below: `insufficient`). */
export const PARTIAL_COMPLETENESS = 0.4;

/**
 * Maps a data completeness ratio (0 to 1) to a `DataSufficiency`: `>= 0.8` is `'sufficient'`,
 * `>= 0.4` is `'partial'`, anything lower is `'insufficient'`.
 *
 * Total and pure: it never throws. A value that is not a finite number (`NaN`, `±Infinity`, a string,
 * `undefined`, ...) is `'insufficient'`, because a triage agent that could not measure the data
 * should send the request down the path that gathers data first, not crash the workflow.
 * @example
 * classifyDataSufficiency(0.8); // 'sufficient'
 * classifyDataSufficiency(0.5); // 'partial'
 * classifyDataSufficiency(Number.NaN); // 'insufficient'
 */
export function classifyDataSufficiency(completeness: unknown): DataSufficiency {
  if (typeof completeness !== 'number' || !Number.isFinite(completeness)) return 'insufficient';
  if (completeness >= SUFFICIENT_COMPLETENESS) return 'sufficient';
  if (completeness >= PARTIAL_COMPLETENESS) return 'partial';
  return 'insufficient';
}
