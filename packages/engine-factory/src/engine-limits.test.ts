import { DEFAULT_ENGINE_LIMITS, InvalidConfigError } from '@baton/engine-contract';
import { describe, expect, it } from 'vitest';
import { resolveEngineLimits } from './engine-limits.js';

describe('resolveEngineLimits', () => {
  it('uses the documented defaults when no limits are given', () => {
    expect(resolveEngineLimits(undefined)).toEqual({
      maxEnginesPerUser: 2,
      maxConcurrentRunsPerEngine: 3,
      maxQueuedRunsPerEngine: 100,
      runTimeoutMs: 30000,
      engineIdleTimeoutMs: 300000,
      reapIntervalMs: 60000,
      disposeTimeoutMs: 5000,
    });
    expect(DEFAULT_ENGINE_LIMITS).toEqual(resolveEngineLimits({}));
  });

  it('keeps given limits and fills the others with defaults', () => {
    const limits = resolveEngineLimits({ maxEnginesPerUser: 5, runTimeoutMs: 10 });
    expect(limits.maxEnginesPerUser).toBe(5);
    expect(limits.runTimeoutMs).toBe(10);
    expect(limits.maxQueuedRunsPerEngine).toBe(100);
    expect(Object.isFrozen(limits)).toBe(true);
  });

  it.each([
    ['maxEnginesPerUser', 0],
    ['maxConcurrentRunsPerEngine', -1],
    ['maxQueuedRunsPerEngine', 1.5],
    ['runTimeoutMs', Number.POSITIVE_INFINITY],
    ['engineIdleTimeoutMs', Number.NaN],
    ['reapIntervalMs', '1000'],
    ['disposeTimeoutMs', null],
  ])('rejects %s = %s with an InvalidConfigError naming the field', (field, value) => {
    let caught: unknown;
    try {
      resolveEngineLimits({ [field]: value } as never);
    } catch (error) {
      caught = error;
    }
    expect(InvalidConfigError.isInstance(caught)).toBe(true);
    expect((caught as Error).message).toBe(`limits.${field} must be an integer ≥ 1`);
  });

  it('rejects an unknown (misspelt) limit instead of ignoring it', () => {
    expect(() => resolveEngineLimits({ maxEnginePerUser: 3 } as never)).toThrow(/limits\.maxEnginePerUser is not a known limit/);
  });

  it('rejects limits that are not an object', () => {
    expect(() => resolveEngineLimits(5 as never)).toThrow(InvalidConfigError);
  });
});
