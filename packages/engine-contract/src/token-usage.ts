import { z } from 'zod';

/** A token count: a non-negative (safe) integer. */
const tokenCount = z.number().int().nonnegative();

/**
 * The token usage of one `executeAgent` call, summed over every `ctx.reportUsage` of the call. It is
 * on `agent_completed` and on the `AgentRunResult` only when the agent reported some usage; then all
 * three counts are present (a count never reported is 0), so consumers add them up without checks.
 */
export const TokenUsageSchema = z.object({
  /** Prompt (input) tokens. */
  inputTokens: tokenCount,
  /** Completion (output) tokens. */
  outputTokens: tokenCount,
  /**
   * The sum of each report's `totalTokens`, or of its `inputTokens + outputTokens` when a report has
   * no `totalTokens` (a provider's total may exceed input + output, e.g. with reasoning tokens).
   */
  totalTokens: tokenCount,
});
/** The token usage of one call (`agent_completed.usage`, `AgentRunResult.usage`). */
export type TokenUsage = z.infer<typeof TokenUsageSchema>;

/**
 * What an agent passes to `ctx.reportUsage`: any of the three counts, each a non-negative integer.
 * Other keys are ignored, so a provider's usage object (e.g. the AI SDK's `LanguageModelUsage`,
 * whose counts may be `undefined`) can be passed as it is.
 */
export const TokenUsageReportSchema = z.object({
  inputTokens: tokenCount.optional(),
  outputTokens: tokenCount.optional(),
  totalTokens: tokenCount.optional(),
});
/** What an agent passes to `ctx.reportUsage`. */
export type TokenUsageReport = z.infer<typeof TokenUsageReportSchema>;
