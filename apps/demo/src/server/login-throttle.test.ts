import { describe, expect, it } from 'vitest';
import { LoginThrottle } from './login-throttle.js';

describe('LoginThrottle', () => {
  it('blocks an address after maxFailures within the window, per address', () => {
    let now = 0;
    const throttle = new LoginThrottle({ maxFailures: 3, windowMs: 1000, now: () => now });
    for (let index = 0; index < 3; index++) {
      expect(throttle.retryAfterMs('1.1.1.1')).toBe(0);
      throttle.recordFailure('1.1.1.1');
      now += 100;
    }
    expect(throttle.retryAfterMs('1.1.1.1')).toBe(700);
    expect(throttle.retryAfterMs('2.2.2.2')).toBe(0);
    now = 1001;
    expect(throttle.retryAfterMs('1.1.1.1')).toBe(0);
  });

  it('forgets the oldest addresses beyond its capacity', () => {
    const throttle = new LoginThrottle({ maxFailures: 1, windowMs: 1000, now: () => 0, maxTrackedAddresses: 2 });
    throttle.recordFailure('a');
    throttle.recordFailure('b');
    throttle.recordFailure('c');
    expect(throttle.retryAfterMs('a')).toBe(0);
    expect(throttle.retryAfterMs('c')).toBeGreaterThan(0);
  });
});
