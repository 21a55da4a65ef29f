import { InvalidConfigError } from '@baton/engine-contract';
import { describe, expect, it } from 'vitest';
import { createManualClock, DEFAULT_CLOCK_START } from './manual-clock.js';

describe('createManualClock', () => {
  it('starts at DEFAULT_CLOCK_START (or the given start) and stands still until advanced', async () => {
    expect(createManualClock().now()).toBe(DEFAULT_CLOCK_START);
    const clock = createManualClock({ start: 5_000 });
    const { now } = clock; // bound: usable as a factory's `now`
    expect(now()).toBe(5_000);
    await clock.settle();
    expect(now()).toBe(5_000);
    expect(await clock.advance(250)).toBe(0);
    expect(now()).toBe(5_250);
  });

  it('refuses a start that is not a finite number, and options that are not an object', () => {
    for (const start of [Number.NaN, Number.POSITIVE_INFINITY, '0']) {
      expect(() => createManualClock({ start: start as number })).toThrow(InvalidConfigError);
    }
    expect(() => createManualClock(null as never)).toThrow('createManualClock(options): options must be an object { start? }');
  });
});

describe('timers on the manual clock', () => {
  it('fires timers in time order, scheduling order on a tie, each seeing its own due time', async () => {
    const clock = createManualClock({ start: 0 });
    const seen: string[] = [];
    clock.setTimeout(() => seen.push(`c@${clock.now()}`), 30);
    clock.setTimeout(() => seen.push(`a@${clock.now()}`), 10);
    clock.setTimeout(() => seen.push(`b@${clock.now()}`), 10);
    expect(clock.pendingTimers()).toEqual([10, 10, 30]);
    expect(await clock.advance(29)).toBe(2);
    expect(seen).toEqual(['a@10', 'b@10']);
    expect(clock.now()).toBe(29);
    expect(await clock.advance(1)).toBe(1);
    expect(seen).toEqual(['a@10', 'b@10', 'c@30']);
    expect(clock.pendingTimers()).toEqual([]);
  });

  it('runs the promise chains a timer starts before the next timer fires', async () => {
    const clock = createManualClock({ start: 0 });
    const seen: string[] = [];
    clock.setTimeout(() => {
      void Promise.resolve()
        .then(() => Promise.resolve())
        .then(() => seen.push('first settled'));
    }, 5);
    clock.setTimeout(() => seen.push('second fired'), 5);
    await clock.advance(5);
    expect(seen).toEqual(['first settled', 'second fired']);
  });

  it('fires a timer armed by another timer within the same advance when it falls due', async () => {
    const clock = createManualClock({ start: 0 });
    const seen: number[] = [];
    clock.setTimeout(() => {
      seen.push(clock.now());
      clock.setTimeout(() => seen.push(clock.now()), 10);
    }, 10);
    expect(await clock.advance(25)).toBe(2);
    expect(seen).toEqual([10, 20]);
  });

  it('treats a negative delay as 0: it fires on the next advance, even advance(0)', async () => {
    const clock = createManualClock({ start: 0 });
    let fired = false;
    clock.setTimeout(() => {
      fired = true;
    }, -5);
    expect(await clock.advance(0)).toBe(1);
    expect(fired).toBe(true);
  });

  it('repeats intervals (at least 1 ms apart) until cleared', async () => {
    const clock = createManualClock({ start: 0 });
    const ticks: number[] = [];
    const handle = clock.setInterval(() => ticks.push(clock.now()), 100);
    await clock.advance(350);
    expect(ticks).toEqual([100, 200, 300]);
    clock.clearInterval(handle);
    await clock.advance(1_000);
    expect(ticks).toEqual([100, 200, 300]);
    const zero = clock.setInterval(() => ticks.push(clock.now()), 0);
    expect(await clock.advance(3)).toBe(3);
    clock.clearInterval(zero);
  });

  it('clears timers; clearing an unknown, fired or foreign handle does nothing', async () => {
    const clock = createManualClock({ start: 0 });
    const other = createManualClock({ start: 0 });
    let fired = 0;
    const handle = clock.setTimeout(() => fired++, 10);
    const foreign = other.setTimeout(() => fired++, 10);
    clock.clearTimeout(foreign);
    clock.clearTimeout({});
    clock.clearTimeout(undefined as never);
    expect(clock.pendingTimers()).toEqual([10]);
    clock.clearTimeout(handle);
    await clock.advance(20);
    expect(fired).toBe(0);
    await other.advance(10);
    expect(fired).toBe(1);
    other.clearTimeout(foreign);
  });

  it('offers a (delayMs, callback) => cancel scheduler on the same timers', async () => {
    const clock = createManualClock({ start: 0 });
    const fired: string[] = [];
    clock.schedule(10, () => fired.push('kept'));
    const cancel = clock.schedule(10, () => fired.push('cancelled'));
    cancel();
    await clock.advance(10);
    expect(fired).toEqual(['kept']);
  });

  it('refuses a callback that is not a function and a delay that is not a number', () => {
    const clock = createManualClock();
    expect(() => clock.setTimeout('tick' as never, 10)).toThrow('clock.setTimeout(callback, delayMs): callback must be a function');
    expect(() => clock.setInterval(() => {}, Number.NaN)).toThrow('clock.setInterval(callback, delayMs): delayMs must be a number');
    expect(() => clock.setTimeout(() => {}, '5' as never)).toThrow(InvalidConfigError);
  });
});

describe('moving the clock', () => {
  it('advanceTo moves to an instant; runNext jumps to the next timer, or stays put without one', async () => {
    const clock = createManualClock({ start: 100 });
    const seen: number[] = [];
    clock.setTimeout(() => seen.push(clock.now()), 50);
    clock.setTimeout(() => seen.push(clock.now()), 500);
    expect(await clock.advanceTo(200)).toBe(1);
    expect(clock.now()).toBe(200);
    expect(await clock.runNext()).toBe(1);
    expect(clock.now()).toBe(600);
    expect(seen).toEqual([150, 600]);
    expect(await clock.runNext()).toBe(0);
    expect(clock.now()).toBe(600);
  });

  it('jump moves the clock without firing: a late timer fires on the next advance, reading the later time', async () => {
    const clock = createManualClock({ start: 0 });
    const seen: number[] = [];
    clock.setTimeout(() => seen.push(clock.now()), 100);
    clock.jump(150);
    await clock.settle();
    expect(clock.now()).toBe(150);
    expect(seen).toEqual([]);
    expect(clock.pendingTimers()).toEqual([100]);
    expect(await clock.advance(0)).toBe(1);
    expect(seen).toEqual([150]);
    expect(() => clock.jump(-1)).toThrow('clock.jump(ms): ms must be a finite number ≥ 0');
  });

  it('rejects a negative, infinite or backwards move with InvalidConfigError', async () => {
    const clock = createManualClock({ start: 1_000 });
    await expect(clock.advance(-1)).rejects.toThrow('clock.advance(ms): ms must be a finite number ≥ 0');
    await expect(clock.advance(Number.POSITIVE_INFINITY)).rejects.toBeInstanceOf(InvalidConfigError);
    await expect(clock.advanceTo(999)).rejects.toThrow(
      "clock.advanceTo(time): time must be a finite number not before the clock's time (1000)",
    );
    expect(clock.now()).toBe(1_000);
  });

  it('refuses a second advance while one is running, and works again after it', async () => {
    const clock = createManualClock({ start: 0 });
    let second: Promise<unknown> | undefined;
    clock.setTimeout(() => {
      second = clock.advance(5);
      second.catch(() => {}); // asserted below, once the first advance is done
    }, 10);
    await clock.advance(10);
    await expect(second).rejects.toThrow('clock.advance() was called while another advance is running; await the first one');
    expect(await clock.advance(5)).toBe(0);
    expect(clock.now()).toBe(15);
  });

  it('rejects with the error a timer callback threw, leaving the clock at that timer', async () => {
    const clock = createManualClock({ start: 0 });
    clock.setTimeout(() => {
      throw new Error('tick failed');
    }, 10);
    let later = false;
    clock.setTimeout(() => {
      later = true;
    }, 20);
    await expect(clock.advance(30)).rejects.toThrow('tick failed');
    expect(clock.now()).toBe(10);
    expect(later).toBe(false);
    expect(await clock.advance(20)).toBe(1);
    expect(later).toBe(true);
  });

  it('whenScheduled resolves once that many timers were scheduled in all', async () => {
    const clock = createManualClock({ start: 0 });
    clock.setTimeout(() => {}, 1);
    await clock.whenScheduled(1);
    let resolved = false;
    const waiting = clock.whenScheduled(3).then(() => {
      resolved = true;
    });
    clock.schedule(5, () => {});
    await clock.settle();
    expect(resolved).toBe(false);
    clock.setInterval(() => {}, 5);
    await waiting;
    await expect(clock.whenScheduled(-1)).rejects.toThrow('clock.whenScheduled(count): count must be an integer ≥ 0');
  });
});
