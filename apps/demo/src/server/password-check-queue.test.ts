import { describe, expect, it } from 'vitest';
import { PasswordCheckQueue } from './password-check-queue.js';

/** A check the test finishes by hand. */
function heldCheck() {
  let finish!: (value: string) => void;
  let started = false;
  const check = () => {
    started = true;
    return new Promise<string>((resolve) => {
      finish = resolve;
    });
  };
  return { check, finish: (value: string) => finish(value), started: () => started };
}

async function settle(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
}

describe('PasswordCheckQueue', () => {
  it('runs `concurrency` checks at once, lets `maxWaiting` more wait in order, and refuses beyond without calling the check', async () => {
    const queue = new PasswordCheckQueue({ concurrency: 2, maxWaiting: 1 });
    const checks = [heldCheck(), heldCheck(), heldCheck()];
    const results = checks.map((held) => queue.tryRun(held.check)!);
    const refused = heldCheck();
    expect(queue.tryRun(refused.check)).toBeUndefined();
    expect(refused.started()).toBe(false);
    await settle();
    expect(checks.map((held) => held.started())).toEqual([true, true, false]);
    expect([queue.running, queue.waiting]).toEqual([2, 1]);

    checks[1]!.finish('second');
    expect(await results[1]).toBe('second');
    await settle();
    expect(checks[2]!.started()).toBe(true);
    expect([queue.running, queue.waiting]).toEqual([2, 0]);
    // The waiting place is free again.
    const fourth = heldCheck();
    const fourthResult = queue.tryRun(fourth.check)!;
    expect(fourthResult).toBeDefined();
    checks[0]!.finish('first');
    checks[2]!.finish('third');
    expect(await Promise.all(results)).toEqual(['first', 'second', 'third']);
    await settle();
    fourth.finish('fourth');
    expect(await fourthResult).toBe('fourth');
    expect([queue.running, queue.waiting]).toEqual([0, 0]);
  });

  it('frees the turn when a check fails, and passes the failure on', async () => {
    const queue = new PasswordCheckQueue({ concurrency: 1, maxWaiting: 0 });
    await expect(queue.tryRun(() => Promise.reject(new Error('scrypt failed')))).rejects.toThrow('scrypt failed');
    expect(queue.running).toBe(0);
    expect(await queue.tryRun(async () => 'ok')).toBe('ok');
  });

  it.each([
    [{ concurrency: 0, maxWaiting: 1 }, /concurrency must be a positive whole number/],
    [{ concurrency: 1, maxWaiting: -1 }, /allowed to wait must be a whole number from 0/],
    [{ concurrency: 1.5, maxWaiting: 1 }, /concurrency/],
  ])('refuses bad options %j', (options, message) => {
    expect(() => new PasswordCheckQueue(options)).toThrow(message);
  });
});
