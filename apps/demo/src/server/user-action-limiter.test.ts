import { describe, expect, it } from 'vitest';
import { DEFAULT_ACTION_BURST, DEFAULT_ACTIONS_PER_SECOND, UserActionLimiter } from './user-action-limiter.js';

describe('UserActionLimiter', () => {
  it('gives each user their own bucket: one user over the limit does not slow another', () => {
    const now = 0;
    const limiter = new UserActionLimiter({ burst: 2, perSecond: 1 }, () => now);
    expect([limiter.take('alice'), limiter.take('alice'), limiter.take('alice')]).toEqual([true, true, false]);
    expect([limiter.take('bob'), limiter.take('bob')]).toEqual([true, true]);
  });

  it('lets a user go on at the sustained rate', () => {
    let now = 0;
    const limiter = new UserActionLimiter({ burst: 1, perSecond: 2 }, () => now);
    expect(limiter.take('alice')).toBe(true);
    expect(limiter.take('alice')).toBe(false);
    now += 500;
    expect(limiter.take('alice')).toBe(true);
  });

  it('defaults to a burst of 20 and 2 per second', () => {
    const limiter = new UserActionLimiter({}, () => 0);
    expect([limiter.burst, limiter.perSecond]).toEqual([DEFAULT_ACTION_BURST, DEFAULT_ACTIONS_PER_SECOND]);
    expect([DEFAULT_ACTION_BURST, DEFAULT_ACTIONS_PER_SECOND]).toEqual([20, 2]);
    expect(Array.from({ length: 21 }, () => limiter.take('alice')).filter(Boolean)).toHaveLength(20);
  });

  it('forgets the buckets of users who are back at their burst once many are kept', () => {
    let now = 0;
    const limiter = new UserActionLimiter({ burst: 1, perSecond: 1 }, () => now);
    for (let index = 0; index < 1000; index++) limiter.take(`user-${index}`);
    expect(limiter.trackedUsers).toBe(1000);
    now += 1000;
    limiter.take('newcomer');
    expect(limiter.trackedUsers).toBe(1);
  });

  it('refuses a burst or rate that is not positive, with the option named', () => {
    expect(() => new UserActionLimiter({ burst: 0 }, () => 0)).toThrow('actionRateLimit.burst must be a whole number ≥ 1, got 0');
    expect(() => new UserActionLimiter({ burst: 1.5 }, () => 0)).toThrow(/actionRateLimit\.burst/);
    expect(() => new UserActionLimiter({ perSecond: 0 }, () => 0)).toThrow(/actionRateLimit\.perSecond must be a number above 0/);
    expect(() => new UserActionLimiter({ perSecond: Number.NaN }, () => 0)).toThrow(/actionRateLimit\.perSecond/);
  });
});
