import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyDataSufficiency } from './classify-data-sufficiency.js';

describe('classifyDataSufficiency', () => {
  it.each([
    [1, 'sufficient'],
    [0.8, 'sufficient'],
    [0.8 - Number.EPSILON, 'partial'],
    [0.79999, 'partial'],
    [0.4, 'partial'],
    [0.4 - Number.EPSILON, 'insufficient'],
    [0.39999, 'insufficient'],
    [0, 'insufficient'],
    [-1, 'insufficient'],
    [5, 'sufficient'],
  ] as const)('%s → %s', (completeness, expected) => {
    expect(classifyDataSufficiency(completeness)).toBe(expected);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, '0.9', undefined, null, {}, 9n])(
    'treats the non-finite or non-number %s as insufficient, without throwing',
    (value) => {
      expect(classifyDataSufficiency(value)).toBe('insufficient');
    },
  );

  it('is monotonic in completeness', () => {
    const rank = { insufficient: 0, partial: 1, sufficient: 2 };
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.double({ noNaN: true, noDefaultInfinity: true }), (a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        expect(rank[classifyDataSufficiency(low)]).toBeLessThanOrEqual(rank[classifyDataSufficiency(high)]);
      }),
    );
  });
});
