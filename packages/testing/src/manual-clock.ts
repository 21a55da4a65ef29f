import { InvalidConfigError } from '@baton/engine-contract';
import type { EngineTimerHandle, EngineTimers } from '@baton/engine-factory';

/** Where a manual clock starts by default: 2026-01-01T00:00:00Z (epoch ms), a fixed, readable instant. */
export const DEFAULT_CLOCK_START = Date.UTC(2026, 0, 1);

/** What `createManualClock` accepts. */
export interface ManualClockOptions {
  /** The clock's first reading (epoch ms). Default `DEFAULT_CLOCK_START`. */
  readonly start?: number;
}

interface PendingTimer extends EngineTimerHandle {
  readonly id: number;
  at: number;
  /** Set for an interval: it is due again this much after it fired. */
  readonly every: number | undefined;
  readonly callback: () => void;
}

// Captured at load: a test that also installs vitest's fake timers must not stall the clock's own waits.
const realSetImmediate = globalThis.setImmediate;

/** Lets every queued promise reaction run (one macrotask turn), without moving the clock. */
function settleMicrotasks(): Promise<void> {
  return new Promise((resolve) => realSetImmediate(resolve));
}

function fail(message: string): never {
  throw new InvalidConfigError({ message });
}

function checkDelay(method: string, delayMs: unknown): number {
  if (typeof delayMs !== 'number' || Number.isNaN(delayMs)) fail(`clock.${method}(callback, delayMs): delayMs must be a number`);
  // Like Node: a negative delay means "as soon as possible".
  return Math.max(0, delayMs);
}

/**
 * A clock that stands still until a test moves it, with timers on that clock. It fits the factory's
 * `now` and `timers` options (so deadlines, the dispose timeout and the reaper follow it) and any
 * component that takes a `(delayMs, callback) => cancel` scheduler (`clock.schedule`). Every method
 * is a bound function: `{ now: clock.now }` works.
 */
export class ManualClock implements EngineTimers {
  #time: number;
  #nextId = 0;
  #scheduled = 0;
  #advancing = false;
  readonly #pending = new Map<number, PendingTimer>();
  readonly #scheduleWaiters = new Set<{ count: number; resolve: () => void }>();

  constructor(options: ManualClockOptions = {}) {
    if (typeof options !== 'object' || options === null) fail('createManualClock(options): options must be an object { start? }');
    const start = options.start ?? DEFAULT_CLOCK_START;
    if (typeof start !== 'number' || !Number.isFinite(start)) fail('createManualClock: start must be a finite number (epoch ms)');
    this.#time = start;
  }

  /** The clock's time (epoch ms). */
  readonly now = (): number => this.#time;

  /** Schedules `callback` once, `delayMs` from now on this clock. */
  readonly setTimeout = (callback: () => void, delayMs: number): EngineTimerHandle => this.#add('setTimeout', callback, delayMs, false);

  /** Cancels a timer of this clock; an unknown, fired or cancelled one is ignored. */
  readonly clearTimeout = (handle: EngineTimerHandle): void => {
    const timer = handle as Partial<PendingTimer> | undefined;
    if (typeof timer?.id === 'number' && this.#pending.get(timer.id) === timer) this.#pending.delete(timer.id);
  };

  /** Schedules `callback` every `delayMs` (at least 1 ms, as in Node) on this clock. */
  readonly setInterval = (callback: () => void, delayMs: number): EngineTimerHandle => this.#add('setInterval', callback, delayMs, true);

  /** Stops an interval of this clock. */
  readonly clearInterval = (handle: EngineTimerHandle): void => this.clearTimeout(handle);

  /**
   * `(delayMs, callback) => cancel`: a one-shot timer in the scheduler form some components take
   * (the demo's approval timers, for one).
   */
  readonly schedule = (delayMs: number, callback: () => void): (() => void) => {
    const handle = this.setTimeout(callback, delayMs);
    return () => this.clearTimeout(handle);
  };

  /**
   * Moves the clock `ms` forward. Timers fire in time order (scheduling order on a tie), each with the
   * clock reading its due time, and the promise reactions they start run before the next one fires,
   * so a timeout's result, or a timer armed in reaction to it, is settled by the time this resolves.
   * Resolves to the number of timers fired.
   * @throws InvalidConfigError (as a rejection) for a negative or non-finite `ms`, or while another
   *   `advance` is still running (await it first); a timer callback's throw rejects it, with the clock
   *   left at that timer's time.
   */
  readonly advance = async (ms: number): Promise<number> => {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) fail('clock.advance(ms): ms must be a finite number ≥ 0');
    return this.#runUntil(this.#time + ms, 'advance');
  };

  /**
   * Moves the clock to `time` (epoch ms), firing due timers as `advance` does; resolves to the number fired.
   * @throws InvalidConfigError (as a rejection) when `time` is before the clock's time.
   */
  readonly advanceTo = async (time: number): Promise<number> => {
    if (typeof time !== 'number' || !Number.isFinite(time) || time < this.#time) {
      fail(`clock.advanceTo(time): time must be a finite number not before the clock's time (${this.#time})`);
    }
    return this.#runUntil(time, 'advanceTo');
  };

  /**
   * Moves the clock to the next pending timer and fires it (with any others due then); resolves to
   * the number fired, 0 (without moving) when no timer is pending.
   */
  readonly runNext = async (): Promise<number> => {
    const next = this.#next(Number.POSITIVE_INFINITY);
    return next === undefined ? 0 : this.#runUntil(next.at, 'runNext');
  };

  /**
   * Moves the clock `ms` forward without firing anything: timers that fall due stay pending, as a
   * timer does on a busy event loop, and fire (late, with the clock reading the later time) on the
   * next `advance`, `advanceTo` or `runNext`. For testing what happens between a deadline and its timer.
   * @throws InvalidConfigError for a negative or non-finite `ms`.
   */
  readonly jump = (ms: number): void => {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) fail('clock.jump(ms): ms must be a finite number ≥ 0');
    this.#time += ms;
  };

  /** Lets pending promise reactions run without moving the clock (one macrotask turn). */
  readonly settle = (): Promise<void> => settleMicrotasks();

  /** When the pending timers are due (epoch ms), earliest first. */
  readonly pendingTimers = (): number[] => [...this.#pending.values()].map((timer) => timer.at).sort((a, b) => a - b);

  /**
   * Resolves once `count` timers have been scheduled on this clock since it was made (`setTimeout`,
   * `setInterval` and `schedule` alike): to wait until work that arms a timer has got that far.
   */
  readonly whenScheduled = (count: number): Promise<void> => {
    if (!Number.isInteger(count) || count < 0) {
      return Promise.reject(new InvalidConfigError({ message: 'clock.whenScheduled(count): count must be an integer ≥ 0' }));
    }
    if (this.#scheduled >= count) return Promise.resolve();
    return new Promise((resolve) => this.#scheduleWaiters.add({ count, resolve }));
  };

  #add(method: string, callback: () => void, delayMs: number, repeat: boolean): PendingTimer {
    if (typeof callback !== 'function') fail(`clock.${method}(callback, delayMs): callback must be a function`);
    const delay = checkDelay(method, delayMs);
    const every = repeat ? Math.max(1, delay) : undefined;
    const timer: PendingTimer = { id: ++this.#nextId, at: this.#time + (every ?? delay), every, callback };
    this.#pending.set(timer.id, timer);
    this.#scheduled++;
    for (const waiter of this.#scheduleWaiters) {
      if (this.#scheduled < waiter.count) continue;
      this.#scheduleWaiters.delete(waiter);
      waiter.resolve();
    }
    return timer;
  }

  /** The pending timer due first among those due at or before `until`; on a tie, the one scheduled first. */
  #next(until: number): PendingTimer | undefined {
    let next: PendingTimer | undefined;
    // A Map iterates in insertion (scheduling) order, so keeping the first of equal times breaks ties.
    for (const timer of this.#pending.values()) {
      if (timer.at <= until && (next === undefined || timer.at < next.at)) next = timer;
    }
    return next;
  }

  async #runUntil(until: number, method: string): Promise<number> {
    if (this.#advancing)
      fail(`clock.${method}() was called while another advance is running; await the first one before moving the clock again`);
    this.#advancing = true;
    let fired = 0;
    try {
      await settleMicrotasks();
      for (let timer = this.#next(until); timer !== undefined; timer = this.#next(until)) {
        this.#time = Math.max(this.#time, timer.at);
        if (timer.every === undefined) this.#pending.delete(timer.id);
        else timer.at += timer.every;
        fired++;
        timer.callback();
        await settleMicrotasks();
      }
      this.#time = Math.max(this.#time, until);
      await settleMicrotasks();
      return fired;
    } finally {
      this.#advancing = false;
    }
  }
}

/**
 * A new manual clock (see `ManualClock`).
 * @throws InvalidConfigError for a `start` that is not a finite number.
 * @example
 * const clock = createManualClock();
 * const factory = createEngineFactory({ agents, now: clock.now, timers: clock });
 * await clock.advance(1_000); // deadlines within the next second fire now
 */
export function createManualClock(options?: ManualClockOptions): ManualClock {
  return new ManualClock(options);
}
