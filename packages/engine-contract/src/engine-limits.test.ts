import { describe, expect, expectTypeOf, it } from 'vitest';
import { DEFAULT_ENGINE_LIMITS, type EngineLimits, EngineLimitsSchema } from './engine-limits.js';

describe('EngineLimitsSchema', () => {
  it('fills every missing limit with the documented default', () => {
    expect(EngineLimitsSchema.parse({})).toEqual({
      maxEnginesPerUser: 2,
      maxConcurrentRunsPerEngine: 3,
      maxQueuedRunsPerEngine: 100,
      runTimeoutMs: 30000,
      engineIdleTimeoutMs: 300000,
      reapIntervalMs: 60000,
      disposeTimeoutMs: 5000,
    });
    expect(EngineLimitsSchema.parse({})).toEqual(DEFAULT_ENGINE_LIMITS);
    expect(Object.isFrozen(DEFAULT_ENGINE_LIMITS)).toBe(true);
  });

  it('keeps given limits and refuses non-integers, values below 1 and unknown keys', () => {
    expect(EngineLimitsSchema.parse({ runTimeoutMs: 1 }).runTimeoutMs).toBe(1);
    for (const bad of [0, -1, 1.5, Number.NaN, '3', null]) {
      expect(EngineLimitsSchema.safeParse({ maxEnginesPerUser: bad }).success).toBe(false);
    }
    expect(EngineLimitsSchema.safeParse({ maxEnginePerUser: 3 }).success).toBe(false);
  });

  it('types the parsed limits as numbers', () => {
    expectTypeOf(EngineLimitsSchema.parse({})).toEqualTypeOf<EngineLimits>();
    expectTypeOf<EngineLimits['maxEnginesPerUser']>().toEqualTypeOf<number>();
  });
});
