import { describe, expect, it } from 'vitest';
import { countStatuses, formatLoginFigures, type LoginFigures, missedLoginTargets, percentile } from './login-figures.js';

function figures(checked: number, p99Ms: number, sent = 200): LoginFigures {
  return {
    wrongGuesses: { sent, byStatus: { '401': checked, '429': sent - checked }, checked, seconds: 1.25 },
    parallelLogins: { sent: 60, byStatus: { '401': 18, '503': 42 }, seconds: 3 },
    page: { samples: 40, p50Ms: 4.4, p99Ms, maxMs: p99Ms + 1 },
  };
}

describe('percentile', () => {
  it('takes the nearest rank of the sorted samples, whatever their order', () => {
    const samples = [50, 10, 40, 20, 30];
    expect(percentile(samples, 50)).toBe(30);
    expect(percentile(samples, 99)).toBe(50);
    expect(percentile(samples, 0)).toBe(10);
    expect(
      percentile(
        Array.from({ length: 100 }, (_, index) => 100 - index),
        99,
      ),
    ).toBe(99);
  });

  it('is NaN without samples', () => {
    expect(percentile([], 99)).toBeNaN();
  });
});

describe('countStatuses', () => {
  it('counts answers by status and requests without an answer as error', () => {
    expect(countStatuses([401, 429, 401, undefined, 503])).toEqual({ '401': 2, '429': 1, '503': 1, error: 1 });
    expect(countStatuses([])).toEqual({});
  });
});

describe('missedLoginTargets', () => {
  it('accepts at most 10 checked guesses of 200 and a page p99 under 300 ms', () => {
    expect(missedLoginTargets(figures(10, 299))).toEqual([]);
  });

  it('names each missed target', () => {
    const missed = missedLoginTargets(figures(11, 300));
    expect(missed).toHaveLength(2);
    expect(missed[0]).toContain('11 of 200');
    expect(missed[1]).toContain('p99 was 300 ms');
  });

  it('scales the allowance to the number of guesses sent, and treats a missing p99 as missed', () => {
    expect(missedLoginTargets(figures(5, 10, 100))).toEqual([]);
    expect(missedLoginTargets(figures(6, 10, 100))).toHaveLength(1);
    expect(missedLoginTargets(figures(0, Number.NaN))).toHaveLength(1);
  });
});

describe('formatLoginFigures', () => {
  it('prints the answers by status and the page percentiles', () => {
    const text = formatLoginFigures(figures(7, 120.4));
    expect(text).toContain('200 parallel wrong guesses from one address -> 401:7,429:193 (checked 7)');
    expect(text).toContain('60 parallel logins of unknown users -> 401:18,503:42');
    expect(text).toContain('p50 4 ms, p99 120 ms, max 121 ms (40 samples)');
  });
});
