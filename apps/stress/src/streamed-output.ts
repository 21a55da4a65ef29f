import type { TokenUsage, TokenUsageReport } from '@baton/engine-contract';

/**
 * The `index`-th delta a fault agent writes with `ctx.writeOutput`: numbered, so that the checker
 * can tell a lost, repeated, reordered or foreign delta from the stream alone; every fourth one ends
 * a line (deltas carry whitespace and newlines, as a model's do).
 */
export function plannedDelta(index: number): string {
  return `part ${index}${index % 4 === 3 ? '\n' : ' '}`;
}

/**
 * What a hanging agent writes and reports after its deadline: the engine must drop both. Neither can
 * pass for a planned one (the delta is not numbered, the usage is larger than any planned sum).
 */
export const LATE_DELTA = 'written after the deadline';
export const LATE_USAGE: Readonly<TokenUsageReport> = Object.freeze({ inputTokens: 1_000_000, outputTokens: 1_000_000 });

/**
 * The usage an engine must report for `reports` (api-v2 §2, as documented in the contract): counts
 * summed, a missing count 0, a missing total the report's input + output; `undefined` when no report
 * had a count. Written from the documentation, not from the engine's code: the checker's oracle.
 */
export function summedUsage(reports: readonly TokenUsageReport[]): TokenUsage | undefined {
  let usage: TokenUsage | undefined;
  for (const report of reports) {
    const { inputTokens, outputTokens, totalTokens } = report;
    if (inputTokens === undefined && outputTokens === undefined && totalTokens === undefined) continue;
    usage ??= { inputTokens: 0, outputTokens: 0, totalTokens: 0 };
    usage.inputTokens += inputTokens ?? 0;
    usage.outputTokens += outputTokens ?? 0;
    usage.totalTokens += totalTokens ?? (inputTokens ?? 0) + (outputTokens ?? 0);
  }
  return usage;
}

/** Every usage a call may end with when it was cut after its first `j` reports, `j` from 0 to all of them. */
export function possibleUsages(reports: readonly TokenUsageReport[]): Array<TokenUsage | undefined> {
  return Array.from({ length: reports.length + 1 }, (_, count) => summedUsage(reports.slice(0, count)));
}

/** `usage` as text for messages (`none` when absent). */
export function describeUsage(usage: TokenUsage | undefined): string {
  return usage === undefined ? 'none' : `${usage.inputTokens}/${usage.outputTokens}/${usage.totalTokens}`;
}

/** Both absent, or the same three counts (and no other key). */
export function sameUsage(a: TokenUsage | undefined, b: TokenUsage | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return (
    a.inputTokens === b.inputTokens &&
    a.outputTokens === b.outputTokens &&
    a.totalTokens === b.totalTokens &&
    Object.keys(a).length === 3 &&
    Object.keys(b).length === 3
  );
}
