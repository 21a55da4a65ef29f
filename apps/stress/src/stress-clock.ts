import type { EngineFactoryOptions } from '@baton/engine-factory';

/** The timers the engine factory takes (`EngineFactoryOptions.timers`): deadlines, dispose waits, the reaper. */
export type StressTimers = NonNullable<EngineFactoryOptions['timers']>;

/**
 * Where the workload's time comes from. Every deadline, pause and idle gap of a stress run (the
 * factory's, the orchestrator's and the scripted agents') reads this one clock, so that the run's
 * outcome is decided by the order of events on it. `virtual` (the default): time moves only when
 * the workload has nothing left to do at the current instant, so the same seed gives the same run
 * on a fast and on an overloaded machine. `wall`: real time, for hunting event-loop-lag bugs.
 */
export interface StressClock {
  /** `virtual` or `wall`. */
  readonly kind: 'virtual' | 'wall';
  /** The current time in epoch ms (the factory's and the orchestrator's `now`). */
  now(): number;
  /** Timers on this clock, for the factory. */
  readonly timers: StressTimers;
  /** Resolves after `ms` of this clock's time; `0` waits for the work already queued to run first. */
  sleep(ms: number): Promise<void>;
  /**
   * Lets `work` run until it settles, or until `limitMs` of this clock's time have passed.
   * Resolves `true` when it settled, `false` when the limit came first (never rejects).
   */
  settles(work: Promise<unknown>, limitMs: number): Promise<boolean>;
}

/** Real time: Node's timers and `Date.now`. A watchdog on real time bounds `settles`. */
export function createWallClock(): StressClock {
  return {
    kind: 'wall',
    now: Date.now,
    timers: {
      setTimeout: (callback, delayMs) => setTimeout(callback, delayMs),
      clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
      setInterval: (callback, delayMs) => setInterval(callback, delayMs),
      clearInterval: (handle) => clearInterval(handle as ReturnType<typeof setInterval>),
    },
    sleep: (ms) => new Promise((resolve) => (ms <= 0 ? setImmediate(resolve) : setTimeout(resolve, ms))),
    async settles(work, limitMs) {
      let watchdog: ReturnType<typeof setTimeout> | undefined;
      const settled = await Promise.race([
        work.then(
          () => true,
          () => true,
        ),
        new Promise<false>((resolve) => {
          watchdog = setTimeout(() => resolve(false), limitMs);
        }),
      ]);
      clearTimeout(watchdog);
      return settled;
    },
  };
}
