import { describe, expect, it } from 'vitest';
import { createWallClock } from './stress-clock.js';

describe('createWallClock', () => {
  it('reads the real time', () => {
    const clock = createWallClock();
    const before = Date.now();
    const reading = clock.now();
    expect(clock.kind).toBe('wall');
    expect(reading).toBeGreaterThanOrEqual(before);
    expect(reading).toBeLessThanOrEqual(Date.now());
  });

  it("runs its timers on Node's: a cleared timeout never fires, an interval repeats until cleared", async () => {
    const { timers } = createWallClock();
    const fired: string[] = [];
    const cleared = timers.setTimeout(() => fired.push('cleared'), 1);
    timers.clearTimeout(cleared);
    await new Promise<void>((resolve) => {
      const interval = timers.setInterval(() => {
        fired.push('tick');
        if (fired.length === 3) {
          timers.clearInterval(interval);
          resolve();
        }
      }, 1);
    });
    // Due after the cleared one: had it not been cleared, it would have fired first.
    await new Promise<void>((resolve) => timers.setTimeout(resolve, 2));
    expect(fired).toEqual(['tick', 'tick', 'tick']);
  });

  it('sleep(0) lets the work already queued run first', async () => {
    const clock = createWallClock();
    const order: string[] = [];
    setImmediate(() => order.push('queued'));
    await clock.sleep(0);
    order.push('after sleep(0)');
    await clock.sleep(1);
    expect(order).toEqual(['queued', 'after sleep(0)']);
  });

  it('settles: true for work that settles (also by rejecting), false when the watchdog comes first', async () => {
    const clock = createWallClock();
    expect(await clock.settles(clock.sleep(1), 60_000)).toBe(true);
    expect(await clock.settles(Promise.reject(new Error('failed work')), 60_000)).toBe(true);
    expect(await clock.settles(new Promise(() => undefined), 5)).toBe(false);
  });
});
