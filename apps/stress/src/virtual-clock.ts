import type { StressClock, StressTimers } from './stress-clock.js';

// Captured at load: the clock must keep stepping even if a test fakes the global timers later.
const realSetImmediate = globalThis.setImmediate;
const nextMacrotask = (): Promise<void> => new Promise((resolve) => realSetImmediate(resolve));

/** 2026-01-01T00:00:00Z: a fixed start, so that a seed's timestamps are the same on every run. */
export const VIRTUAL_EPOCH_MS = Date.UTC(2026, 0, 1);

/** A pending timer; also its handle (`ref`/`unref` are no-ops: a virtual timer keeps nothing alive). */
class VirtualTimer {
  dueAt: number;
  /** Tie-break among timers due at the same instant: the order they were (re)scheduled in. */
  order: number;
  active = true;
  readonly callback: () => void;
  /** Set for `setInterval`: the timer is due again this long after it fires. */
  readonly intervalMs: number | undefined;

  constructor(callback: () => void, dueAt: number, order: number, intervalMs: number | undefined) {
    this.callback = callback;
    this.dueAt = dueAt;
    this.order = order;
    this.intervalMs = intervalMs;
  }

  ref(): this {
    return this;
  }

  unref(): this {
    return this;
  }
}

const earlier = (a: VirtualTimer, b: VirtualTimer): boolean => a.dueAt < b.dueAt || (a.dueAt === b.dueAt && a.order < b.order);

/** A binary min-heap of timers by (dueAt, order): tens of thousands are pending in a stress run. */
class TimerHeap {
  readonly #items: VirtualTimer[] = [];

  push(timer: VirtualTimer): void {
    const items = this.#items;
    items.push(timer);
    let index = items.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!earlier(items[index]!, items[parent]!)) break;
      [items[index], items[parent]] = [items[parent]!, items[index]!];
      index = parent;
    }
  }

  /** The earliest active timer, left in place (cancelled ones are dropped on the way). */
  peek(): VirtualTimer | undefined {
    while (this.#items.length > 0 && !this.#items[0]!.active) this.pop();
    return this.#items[0];
  }

  pop(): VirtualTimer | undefined {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    items[0] = last;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      const right = left + 1;
      let smallest = index;
      if (left < items.length && earlier(items[left]!, items[smallest]!)) smallest = left;
      if (right < items.length && earlier(items[right]!, items[smallest]!)) smallest = right;
      if (smallest === index) break;
      [items[index], items[smallest]] = [items[smallest]!, items[index]!];
      index = smallest;
    }
    return top;
  }
}

function toDelay(delayMs: number, minimum: number): number {
  return Number.isFinite(delayMs) ? Math.max(minimum, delayMs) : minimum;
}

/**
 * Virtual time for a stress run: a clock that stands still while there is work to do at the current
 * instant and jumps to the next timer only when the process is idle (every promise continuation and
 * every queued macrotask has run). A deadline is therefore missed only when the scripted work really
 * takes longer in the clock's time, never because the machine is busy: a hanging agent always
 * overruns, a quick one never does, whatever the load. Everything the workload waits for must be on
 * this clock (its timers, `sleep`), or `settles` sees it as stuck.
 * @example
 * const clock = new VirtualClock();
 * const factory = createEngineFactory({ agents, now: clock.now, timers: clock.timers });
 * const settled = await clock.settles(work(), 600_000); // false: stuck, or not done in 10 virtual minutes
 */
export class VirtualClock implements StressClock {
  readonly kind = 'virtual';
  readonly #heap = new TimerHeap();
  #now: number;
  #order = 0;
  #stepping = false;
  #fired = 0;

  /** @param startAt the clock's first reading (epoch ms). Default `VIRTUAL_EPOCH_MS`. */
  constructor(startAt = VIRTUAL_EPOCH_MS) {
    this.#now = startAt;
  }

  /** The clock's time (epoch ms). Bound: pass it around as a function. */
  readonly now = (): number => this.#now;

  /** How many timer callbacks have run (a measure of the work the run scheduled, for reports). */
  get firedTimers(): number {
    return this.#fired;
  }

  readonly timers: StressTimers = {
    setTimeout: (callback, delayMs) => this.#schedule(callback, toDelay(delayMs, 0), undefined),
    clearTimeout: (handle) => this.#cancel(handle),
    // An interval of 0 would fire forever without time moving on.
    setInterval: (callback, delayMs) => this.#schedule(callback, toDelay(delayMs, 1), toDelay(delayMs, 1)),
    clearInterval: (handle) => this.#cancel(handle),
  };

  /** Resolves when the clock reaches now + `ms`; `sleep(0)` after the work already due at this instant. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.#schedule(resolve, toDelay(ms, 0), undefined));
  }

  /**
   * Steps the clock until `work` settles: waits until the process is idle, then moves to the earliest
   * timer and runs it, and again. Resolves `false`, leaving later timers pending, when no timer is
   * left while `work` is still pending (it waits for something that cannot happen) or when the next
   * one is more than `limitMs` away from where the clock stood. One `settles` at a time.
   * @throws Error when called while another `settles` is stepping this clock.
   */
  async settles(work: Promise<unknown>, limitMs: number): Promise<boolean> {
    if (this.#stepping) throw new Error('VirtualClock.settles: the clock is already being stepped by another settles call');
    this.#stepping = true;
    let settled = false;
    const done = (): void => {
      settled = true;
    };
    work.then(done, done);
    const limit = this.#now + limitMs;
    try {
      for (;;) {
        // One real macrotask: every continuation the last timer (or the caller) started runs first.
        await nextMacrotask();
        if (settled) return true;
        const next = this.#heap.peek();
        if (next === undefined || next.dueAt > limit) return false;
        this.#fire(next);
      }
    } finally {
      this.#stepping = false;
    }
  }

  #schedule(callback: () => void, delayMs: number, intervalMs: number | undefined): VirtualTimer {
    const timer = new VirtualTimer(callback, this.#now + delayMs, this.#order++, intervalMs);
    this.#heap.push(timer);
    return timer;
  }

  #cancel(handle: unknown): void {
    if (handle instanceof VirtualTimer) handle.active = false;
  }

  #fire(timer: VirtualTimer): void {
    this.#heap.pop();
    this.#now = Math.max(this.#now, timer.dueAt);
    if (timer.intervalMs === undefined) timer.active = false;
    else {
      timer.dueAt = this.#now + timer.intervalMs;
      timer.order = this.#order++;
      this.#heap.push(timer);
    }
    this.#fired++;
    try {
      timer.callback();
    } catch (error) {
      // As with Node's timers: a throwing callback is an uncaught exception, not the clock's failure.
      queueMicrotask(() => {
        throw error;
      });
    }
  }
}
