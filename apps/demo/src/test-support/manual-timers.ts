import type { ScheduleTimer } from '../server/approval-expiry.js';

interface PendingTimer {
  readonly at: number;
  readonly callback: () => void;
}

/**
 * Timers a test fires by hand (`createDemoServer({ approvalTimers })`), on the test's clock: a timer
 * is due once the clock has reached the time it was scheduled for. Nothing fires by itself, so an
 * approval timeout happens exactly when the test says, whatever the machine's speed.
 */
export class ManualTimers {
  readonly #now: () => number;
  readonly #pending = new Set<PendingTimer>();
  readonly #waiters: Array<{ count: number; resolve: () => void }> = [];
  #scheduled = 0;

  constructor(now: () => number) {
    this.#now = now;
  }

  /** The `ScheduleTimer` to inject. */
  readonly schedule: ScheduleTimer = (delayMs, callback) => {
    const timer = { at: this.#now() + delayMs, callback };
    this.#pending.add(timer);
    this.#scheduled++;
    for (const waiter of this.#waiters.filter((candidate) => this.#scheduled >= candidate.count)) {
      this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
    return () => this.#pending.delete(timer);
  };

  /** Resolves once `count` timers have been scheduled in all (work that re-arms a timer has got that far). */
  scheduled(count: number): Promise<void> {
    if (this.#scheduled >= count) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ count, resolve }));
  }

  /** Fires every timer due on the clock now (once each); returns how many fired. */
  fireDue(): number {
    const due = [...this.#pending].filter((timer) => timer.at <= this.#now());
    for (const timer of due) {
      this.#pending.delete(timer);
      timer.callback();
    }
    return due.length;
  }

  /** When the timers still pending are due (epoch ms, earliest first). */
  get pendingAt(): number[] {
    return [...this.#pending].map((timer) => timer.at).sort((a, b) => a - b);
  }
}
