import { type EngineTimerHandle, type EngineTimers, GLOBAL_TIMERS } from './engine-timers.js';

/** setTimeout's largest delay; a longer one fires at once (with a warning), so timers are clamped to it. @internal */
export const MAX_TIMER_DELAY_MS = 2_147_483_647;

/**
 * One engine's single deadline timer, armed for the earliest deadline of its pending calls. One
 * timer per engine rather than one per run: clearTimeout + setTimeout per run costs ~0.4 µs on
 * Node 20, a ref/unref toggle 15 ns. The timer stays armed while the engine is idle (deadlines only
 * move later, so it rarely needs re-arming) but is unref'd then, so it never keeps the process alive.
 * @internal
 */
export class DeadlineTimer {
  #timer: EngineTimerHandle | undefined = undefined;
  #deadline = Number.POSITIVE_INFINITY;
  #firesAt = 0;
  readonly #now: () => number;
  readonly #timers: EngineTimers;
  readonly #onDue: (reached: number) => void;
  // Hoisted once per engine: arming costs no closure.
  readonly #onTimeout = (): void => this.#fire();

  /**
   * @param onDue called when the timer fires, with the time it stands for: the later of the clock and
   *   the moment it was armed for, so a frozen injected clock cannot stall timeouts. It runs with no
   *   timer armed; it re-arms through `schedule`.
   * @param timers the factory's timers (Node's by default; a test clock's in tests).
   */
  constructor(now: () => number, onDue: (reached: number) => void, timers: EngineTimers = GLOBAL_TIMERS) {
    this.#now = now;
    this.#timers = timers;
    this.#onDue = onDue;
  }

  /** Arms the timer for `deadline` when that is earlier than the deadline it is armed for. */
  schedule(deadline: number, now: number): void {
    // Called on every executeAgent: the rare arming stays out of line, so that this check is all the
    // hot path inlines.
    if (deadline < this.#deadline) this.#arm(deadline, now);
  }

  #arm(deadline: number, now: number): void {
    if (this.#timer !== undefined) this.#timers.clearTimeout(this.#timer);
    const wanted = deadline - now;
    const delay = Math.min(Math.max(wanted, 0), MAX_TIMER_DELAY_MS);
    this.#deadline = deadline;
    this.#firesAt = now + delay;
    this.#timer = this.#timers.setTimeout(this.#onTimeout, delay);
  }

  /** The engine has pending calls again: the timer may keep the process alive. */
  hold(): void {
    if (this.#timer !== undefined) this.#timer.ref?.();
  }

  /** Nothing is pending: the timer must not keep the process alive. */
  release(): void {
    if (this.#timer !== undefined) this.#timer.unref?.();
  }

  /** Disarms the timer for good (dispose). */
  stop(): void {
    if (this.#timer === undefined) return;
    this.#timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#deadline = Number.POSITIVE_INFINITY;
  }

  #fire(): void {
    this.#timer = undefined;
    this.#deadline = Number.POSITIVE_INFINITY;
    this.#onDue(Math.max(this.#firesAt, this.#now()));
  }
}
