import { describe, expect, it } from 'vitest';
import { VIRTUAL_EPOCH_MS, VirtualClock } from './virtual-clock.js';

const realMacrotask = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('VirtualClock', () => {
  it('starts at a fixed epoch, or where it is told to', () => {
    expect(new VirtualClock().now()).toBe(VIRTUAL_EPOCH_MS);
    expect(new VirtualClock(1_000).now()).toBe(1_000);
  });

  it('stands still until settles steps it, then a sleeper wakes exactly at its time', async () => {
    const clock = new VirtualClock(0);
    const woke: number[] = [];
    const work = clock.sleep(250).then(() => woke.push(clock.now()));
    await realMacrotask();
    expect({ now: clock.now(), woke }).toEqual({ now: 0, woke: [] });
    expect(await clock.settles(work, 1_000)).toBe(true);
    expect({ now: clock.now(), woke }).toEqual({ now: 250, woke: [250] });
  });

  it('fires timers in time order, and timers due at the same instant in the order they were set', async () => {
    const clock = new VirtualClock(0);
    const fired: string[] = [];
    const { timers } = clock;
    timers.setTimeout(() => fired.push(`c@${clock.now()}`), 30);
    timers.setTimeout(() => fired.push(`a@${clock.now()}`), 10);
    timers.setTimeout(() => fired.push(`b1@${clock.now()}`), 20);
    timers.setTimeout(() => fired.push(`b2@${clock.now()}`), 20);
    timers.setTimeout(() => fired.push(`zero@${clock.now()}`), 0);
    await clock.settles(clock.sleep(30), 1_000);
    expect(fired).toEqual(['zero@0', 'a@10', 'b1@20', 'b2@20', 'c@30']);
    expect(clock.firedTimers).toBe(6); // the five and the sleep
  });

  it('moves on only when the work of the current instant is done, however long its promise chains', async () => {
    const clock = new VirtualClock(0);
    const seen: number[] = [];
    clock.timers.setTimeout(() => seen.push(-clock.now()), 6);
    const work = (async () => {
      await clock.sleep(5);
      for (let turn = 0; turn < 1_000; turn++) await Promise.resolve();
      seen.push(clock.now());
      // sleep(0): after the work already due at this instant, still at this instant.
      for (let turn = 0; turn < 10; turn++) await clock.sleep(0);
      seen.push(clock.now());
      await clock.sleep(1);
      seen.push(clock.now());
    })();
    expect(await clock.settles(work, 1_000)).toBe(true);
    expect(seen).toEqual([5, 5, -6, 6]);
  });

  it('cancels timeouts and intervals, and repeats an interval every period', async () => {
    const clock = new VirtualClock(0);
    const fired: number[] = [];
    const cancelled = clock.timers.setTimeout(() => fired.push(-1), 5);
    clock.timers.clearTimeout(cancelled);
    const interval = clock.timers.setInterval(() => {
      fired.push(clock.now());
      if (fired.length === 3) clock.timers.clearInterval(interval);
    }, 10);
    expect(await clock.settles(clock.sleep(100), 1_000)).toBe(true);
    expect(fired).toEqual([10, 20, 30]);
    // Clearing twice, or a handle from elsewhere, is ignored.
    clock.timers.clearInterval(interval);
    clock.timers.clearTimeout({});
  });

  it('treats a zero interval as 1 ms and a bad delay as 0, so that time always moves on', async () => {
    const clock = new VirtualClock(0);
    const fired: number[] = [];
    const interval = clock.timers.setInterval(() => fired.push(clock.now()), 0);
    clock.timers.setTimeout(() => fired.push(-clock.now()), Number.NaN);
    // At 4 the sleep was set before the interval's fourth turn: the work settles first, and the clock stops.
    await clock.settles(clock.sleep(4), 1_000);
    clock.timers.clearInterval(interval);
    expect(fired).toEqual([-0, 1, 2, 3]);
  });

  it('gives handles whose ref and unref keep nothing alive and return the handle', () => {
    const clock = new VirtualClock(0);
    const handle = clock.timers.setTimeout(() => undefined, 1);
    expect(handle.ref?.()).toBe(handle);
    expect(handle.unref?.()).toBe(handle);
  });

  it('reports false at once when the work waits with no timer left (a deadlock), leaving the clock where it was', async () => {
    const clock = new VirtualClock(0);
    const never = new Promise<void>(() => undefined);
    expect(await clock.settles(never, 60_000)).toBe(false);
    expect(clock.now()).toBe(0);
  });

  it('reports false when the next timer lies beyond the limit, and does not run it', async () => {
    const clock = new VirtualClock(0);
    let fired = false;
    clock.timers.setTimeout(() => {
      fired = true;
    }, 5_000);
    const work = clock.sleep(10_000);
    expect(await clock.settles(work, 1_000)).toBe(false);
    expect({ now: clock.now(), fired }).toEqual({ now: 0, fired: false });
    // A later settles with room enough carries on from there.
    expect(await clock.settles(work, 20_000)).toBe(true);
    expect({ now: clock.now(), fired }).toEqual({ now: 10_000, fired: true });
  });

  it('counts a rejected work as settled', async () => {
    const clock = new VirtualClock(0);
    const work = clock.sleep(5).then(() => {
      throw new Error('the work failed');
    });
    expect(await clock.settles(work, 1_000)).toBe(true);
    await expect(work).rejects.toThrow('the work failed');
  });

  it('refuses a second settles while one is stepping the clock', async () => {
    const clock = new VirtualClock(0);
    const first = clock.settles(clock.sleep(5), 1_000);
    await expect(clock.settles(Promise.resolve(), 1_000)).rejects.toThrow(/already being stepped/);
    expect(await first).toBe(true);
    expect(await clock.settles(Promise.resolve(), 1_000)).toBe(true);
  });
});
