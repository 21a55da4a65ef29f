import { describe, expect, it } from 'vitest';
import { admissionBackoffMs, DEFAULT_ADMISSION_BACKOFF } from './admission-backoff.js';

const options = { baseMs: 100, maxMs: 1000 };

describe('admissionBackoffMs', () => {
  it('doubles the ceiling with every try, up to maxMs', () => {
    const ceilings = [1, 2, 3, 4, 5, 6].map((attempt) => admissionBackoffMs(attempt, options, () => 1));
    expect(ceilings).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('waits at least half the ceiling (never a hot loop) and at most the ceiling', () => {
    expect(admissionBackoffMs(3, options, () => 0)).toBe(200);
    expect(admissionBackoffMs(3, options, () => 0.5)).toBe(300);
    expect(admissionBackoffMs(3, options, () => 0.999_999)).toBeLessThanOrEqual(400);
  });

  it('treats a first try, a zero or a huge attempt count sensibly', () => {
    expect(admissionBackoffMs(0, options, () => 1)).toBe(100);
    expect(admissionBackoffMs(1_000_000, options, () => 1)).toBe(1000);
  });

  it('defaults to 1 s doubling up to 30 s', () => {
    expect(DEFAULT_ADMISSION_BACKOFF).toEqual({ baseMs: 1000, maxMs: 30_000 });
    expect(admissionBackoffMs(1, DEFAULT_ADMISSION_BACKOFF, () => 1)).toBe(1000);
    expect(admissionBackoffMs(10, DEFAULT_ADMISSION_BACKOFF, () => 1)).toBe(30_000);
  });
});
