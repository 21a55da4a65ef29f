import { afterEach, describe, expect, it, vi } from 'vitest';
import { checkLoginLimits, LoginThrottle } from './login-throttle.js';

const LIMITS = { maxFailuresPerAddress: 3, maxFailuresPerUsername: 5, windowMs: 1000 };

afterEach(() => {
  vi.useRealTimers();
});

async function admitted(throttle: LoginThrottle, address: string, username: string): Promise<boolean> {
  return (await throttle.attempt(address, username)).admitted;
}

describe('LoginThrottle', () => {
  it('counts every attempt as it is made: of 10 at once from one address, 3 are admitted', async () => {
    const throttle = new LoginThrottle(LIMITS);
    const answers = await Promise.all(Array.from({ length: 10 }, () => throttle.attempt('1.1.1.1', 'alice')));
    expect(answers.filter((answer) => answer.admitted)).toHaveLength(3);
    expect(answers.filter((answer) => !answer.admitted).every((answer) => !answer.admitted && answer.limit === 'address')).toBe(true);
    expect(await admitted(throttle, '2.2.2.2', 'alice')).toBe(true);
  });

  it('refunds an attempt that succeeded', async () => {
    const throttle = new LoginThrottle(LIMITS);
    for (let index = 0; index < 5; index++) {
      const answer = await throttle.attempt('1.1.1.1', 'alice');
      if (!answer.admitted) throw new Error(`attempt ${index} was refused`);
      await answer.attempt.refund();
    }
    expect(await admitted(throttle, '1.1.1.1', 'alice')).toBe(true);
  });

  it('limits a username across addresses, and does not count what the address limit refused', async () => {
    const throttle = new LoginThrottle(LIMITS);
    for (const address of ['1.1.1.1', '1.1.1.2', '1.1.1.3', '1.1.1.4', '1.1.1.5'])
      expect(await admitted(throttle, address, 'alice')).toBe(true);
    const refused = await throttle.attempt('1.1.1.6', 'alice');
    expect(refused).toMatchObject({ admitted: false, limit: 'username' });
    expect(await admitted(throttle, '1.1.1.6', 'bob')).toBe(true);

    // 1.1.1.7 spends its 3 attempts on carol and is refused the 4th: carol has 3 counted, not 4.
    for (let index = 0; index < 3; index++) expect(await admitted(throttle, '1.1.1.7', 'carol')).toBe(true);
    expect(await throttle.attempt('1.1.1.7', 'carol')).toMatchObject({ admitted: false, limit: 'address' });
    expect(await admitted(throttle, '1.1.1.8', 'carol')).toBe(true);
    expect(await admitted(throttle, '1.1.1.9', 'carol')).toBe(true);
    expect(await throttle.attempt('1.1.1.10', 'carol')).toMatchObject({ admitted: false, limit: 'username' });
  });

  it('says how long until the window ends, and admits again once it has', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: 10_000 });
    const throttle = new LoginThrottle({ ...LIMITS, windowMs: 10_000 });
    for (let index = 0; index < 3; index++) await throttle.attempt('1.1.1.1', 'alice');
    vi.setSystemTime(14_000);
    expect(await throttle.attempt('1.1.1.1', 'alice')).toEqual({ admitted: false, limit: 'address', retryAfterMs: 6_000 });
    vi.setSystemTime(20_001);
    expect(await admitted(throttle, '1.1.1.1', 'alice')).toBe(true);
  });

  it('counts usernames as typed, after Unicode normalisation', async () => {
    const throttle = new LoginThrottle({ ...LIMITS, maxFailuresPerUsername: 1 });
    expect(await admitted(throttle, '1.1.1.1', 'jos\u00e9')).toBe(true);
    expect(await admitted(throttle, '1.1.1.2', 'jose\u0301')).toBe(false);
    expect(await admitted(throttle, '1.1.1.3', 'Jos\u00e9')).toBe(true);
  });
});

describe('checkLoginLimits', () => {
  it.each([
    ['maxFailuresPerAddress', { ...LIMITS, maxFailuresPerAddress: 0 }],
    ['maxFailuresPerUsername', { ...LIMITS, maxFailuresPerUsername: 2.5 }],
    ['windowMs', { ...LIMITS, windowMs: Number.NaN }],
  ])('refuses a %s that is not a positive whole number, naming it', (name, limits) => {
    expect(() => checkLoginLimits(limits)).toThrow(new RegExp(`login throttle's ${name} must be a positive whole number`));
    expect(() => new LoginThrottle(limits)).toThrow(name);
  });

  it('returns valid limits unchanged', () => {
    expect(checkLoginLimits(LIMITS)).toBe(LIMITS);
  });
});
