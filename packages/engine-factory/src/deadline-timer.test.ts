import { afterEach, describe, expect, it, vi } from 'vitest';
import { DeadlineTimer, MAX_TIMER_DELAY_MS } from './deadline-timer.js';

afterEach(() => {
  vi.useRealTimers();
});

function timerWith(now: () => number) {
  const due: number[] = [];
  const timer = new DeadlineTimer(now, (reached) => due.push(reached));
  return { timer, due };
}

describe('DeadlineTimer', () => {
  it('fires once for the earliest deadline it was given', () => {
    vi.useFakeTimers({ now: 0 });
    const { timer, due } = timerWith(() => Date.now());
    timer.schedule(100, 0);
    timer.schedule(50, 0);
    timer.schedule(80, 0);
    vi.advanceTimersByTime(49);
    expect(due).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(due).toEqual([50]);
    vi.advanceTimersByTime(1_000);
    expect(due).toEqual([50]);
  });

  it('can be armed again after it fired', () => {
    vi.useFakeTimers({ now: 0 });
    const { timer, due } = timerWith(() => Date.now());
    timer.schedule(10, 0);
    vi.advanceTimersByTime(10);
    timer.schedule(30, 10);
    vi.advanceTimersByTime(20);
    expect(due).toEqual([10, 30]);
  });

  it('reports the time it was armed for when the injected clock stands still', () => {
    vi.useFakeTimers({ now: 0 });
    const { timer, due } = timerWith(() => 0);
    timer.schedule(100, 0);
    vi.advanceTimersByTime(100);
    expect(due).toEqual([100]);
  });

  it("reports the clock's time when the clock is ahead", () => {
    vi.useFakeTimers({ now: 0 });
    const { timer, due } = timerWith(() => 500);
    timer.schedule(100, 0);
    vi.advanceTimersByTime(100);
    expect(due).toEqual([500]);
  });

  it('fires at once for a deadline already past, and clamps far deadlines to the largest delay', () => {
    vi.useFakeTimers({ now: 0 });
    const { timer, due } = timerWith(() => 0);
    timer.schedule(-5, 0);
    vi.advanceTimersByTime(0);
    expect(due).toEqual([0]);
    timer.schedule(MAX_TIMER_DELAY_MS * 10, 0);
    vi.advanceTimersByTime(MAX_TIMER_DELAY_MS);
    expect(due).toEqual([0, MAX_TIMER_DELAY_MS]);
  });

  it('never fires after stop()', () => {
    vi.useFakeTimers({ now: 0 });
    const { timer, due } = timerWith(() => Date.now());
    timer.schedule(10, 0);
    timer.stop();
    timer.stop();
    vi.advanceTimersByTime(100);
    expect(due).toEqual([]);
  });

  it('keeps the process alive only while held', () => {
    // Real timers (never awaited): only a real handle tells whether it keeps the process alive.
    const handles: NodeJS.Timeout[] = [];
    const real = globalThis.setTimeout;
    vi.spyOn(globalThis, 'setTimeout').mockImplementation(((callback: () => void, delay: number) => {
      const handle = real(callback, delay);
      handles.push(handle);
      return handle;
    }) as typeof setTimeout);
    const { timer } = timerWith(() => 0);
    timer.release();
    timer.hold();
    timer.schedule(60_000, 0);
    expect(handles).toHaveLength(1);
    const [handle] = handles;
    timer.release();
    expect(handle?.hasRef()).toBe(false);
    timer.hold();
    expect(handle?.hasRef()).toBe(true);
    timer.stop();
  });
});
