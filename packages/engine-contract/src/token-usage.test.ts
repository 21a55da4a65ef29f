import { describe, expect, it } from 'vitest';
import { TokenUsageReportSchema, TokenUsageSchema } from './token-usage.js';

describe('TokenUsageSchema (the usage on results and agent_completed)', () => {
  it('accepts three non-negative integer counts, zeros included', () => {
    const usage = { inputTokens: 12, outputTokens: 0, totalTokens: 12 };
    expect(TokenUsageSchema.parse(usage)).toEqual(usage);
  });

  it.each(['inputTokens', 'outputTokens', 'totalTokens'])('requires %s', (field) => {
    const usage: Record<string, unknown> = { inputTokens: 1, outputTokens: 2, totalTokens: 3 };
    delete usage[field];
    expect(TokenUsageSchema.safeParse(usage).success).toBe(false);
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '3', null])('rejects the count %s', (count) => {
    expect(TokenUsageSchema.safeParse({ inputTokens: count, outputTokens: 0, totalTokens: 0 }).success).toBe(false);
  });
});

describe('TokenUsageReportSchema (what ctx.reportUsage takes)', () => {
  it('accepts any subset of the counts, and undefined counts', () => {
    for (const report of [
      {},
      { inputTokens: 3 },
      { outputTokens: 0 },
      { totalTokens: 9 },
      { inputTokens: 1, outputTokens: 2, totalTokens: 4 },
      { inputTokens: undefined },
    ]) {
      expect(TokenUsageReportSchema.safeParse(report).success, JSON.stringify(report)).toBe(true);
    }
  });

  it("ignores other keys, so a provider's usage object fits as it is", () => {
    expect(TokenUsageReportSchema.parse({ inputTokens: 5, outputTokens: 2, reasoningTokens: 1, cachedInputTokens: undefined })).toEqual({
      inputTokens: 5,
      outputTokens: 2,
    });
  });

  it.each([
    ['a negative count', { inputTokens: -1 }],
    ['a fractional count', { outputTokens: 0.5 }],
    ['a string count', { totalTokens: '7' }],
    ['NaN', { inputTokens: Number.NaN }],
    ['null', null],
    ['a number', 42],
    ['an array', [1, 2]],
  ])('rejects %s', (_label, report) => {
    expect(TokenUsageReportSchema.safeParse(report).success).toBe(false);
  });
});
