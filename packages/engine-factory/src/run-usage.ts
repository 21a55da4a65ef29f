import { firstZodIssue, InvalidConfigError, type TokenUsageReport, TokenUsageReportSchema } from '@baton/engine-contract';
import type { AgentRun } from './agent-run.js';

/**
 * `ctx.reportUsage`'s argument, checked once with the contract's zod schema at the boundary the
 * agent crosses; `undefined` when it holds no count (`{}`: nothing was reported). A bad report throws
 * whenever it is made, also after the run ended: a programming error should not depend on timing.
 * @throws InvalidConfigError when `report` is not an object or a count is not a non-negative integer.
 * @internal
 */
export function checkUsageReport(report: unknown): TokenUsageReport | undefined {
  const parsed = TokenUsageReportSchema.safeParse(report);
  if (!parsed.success) {
    // zod's message names the rule, never the value.
    const { path, message } = firstZodIssue(parsed.error);
    throw new InvalidConfigError({
      message: `ctx.reportUsage(usage): ${path === '' ? 'usage' : `usage.${path}`}: ${message} (expected { inputTokens?, outputTokens?, totalTokens? }, each a non-negative integer)`,
      cause: parsed.error,
    });
  }
  const checked = parsed.data;
  if (checked.inputTokens === undefined && checked.outputTokens === undefined && checked.totalTokens === undefined) return undefined;
  return checked;
}

/**
 * Adds a checked report to a running call's usage, which is created on the first report that holds a
 * count: a call that reports nothing allocates nothing, and its result and agent_completed carry no
 * `usage`. A missing count adds 0; a report without `totalTokens` adds its `inputTokens + outputTokens`
 * to the total (a provider's own total may be larger, e.g. with reasoning tokens, and is kept).
 * @internal
 */
export function addUsage(run: AgentRun, report: TokenUsageReport): void {
  const input = report.inputTokens ?? 0;
  const output = report.outputTokens ?? 0;
  let usage = run.usage;
  if (usage === undefined) {
    usage = { inputTokens: 0, outputTokens: 0, totalTokens: 0 };
    run.usage = usage;
  }
  usage.inputTokens += input;
  usage.outputTokens += output;
  usage.totalTokens += report.totalTokens ?? input + output;
}
