import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createPrng, hashSeed } from './prng.js';

describe('createPrng', () => {
  it('is a pure function of its seed', () => {
    fc.assert(
      fc.property(fc.string(), (seed) => {
        const first = createPrng(seed);
        const second = createPrng(seed);
        for (let index = 0; index < 20; index++) expect(first.next()).toBe(second.next());
      }),
    );
  });

  it('gives the same numbers on every machine (golden values for seed "42")', () => {
    const prng = createPrng('42');
    expect(hashSeed('42')).toBe(2_279_835_011);
    expect(Array.from({ length: 4 }, () => prng.int(0, 1_000_000))).toEqual([307_730, 367_612, 231_335, 17_589]);
  });

  it('keeps int() within its bounds and next() in [0, 1)', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: -50, max: 50 }), fc.integer({ min: 0, max: 50 }), (seed, min, span) => {
        const prng = createPrng(seed);
        for (let index = 0; index < 20; index++) {
          const value = prng.int(min, min + span);
          expect(value).toBeGreaterThanOrEqual(min);
          expect(value).toBeLessThanOrEqual(min + span);
          const float = prng.next();
          expect(float >= 0 && float < 1).toBe(true);
        }
      }),
    );
  });

  it('forks independent, reproducible streams', () => {
    const root = createPrng('seed');
    expect(root.fork('a').next()).toBe(createPrng('seed').fork('a').next());
    expect(root.fork('a').next()).not.toBe(root.fork('b').next());
  });

  it('never picks a zero-weight key', () => {
    const prng = createPrng('weights');
    for (let index = 0; index < 1_000; index++) expect(prng.weighted({ a: 1, never: 0, b: 2 })).not.toBe('never');
  });
});
