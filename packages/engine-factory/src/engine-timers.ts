/**
 * A timer handle as the factory's timers return it. Node's `Timeout` has `ref`/`unref` (whether the
 * timer keeps the process alive); a manual test clock may leave them out, and the factory then skips them.
 */
export interface EngineTimerHandle {
  ref?(): unknown;
  unref?(): unknown;
}

/**
 * The timers the factory schedules with: each engine's deadline timer, the dispose timeout and the
 * idle-engine reaper. Default: Node's global timers. Give a manual clock's timers (with the same clock
 * as `now`) to make timeouts, disposal and reaping happen exactly when a test moves the clock, as
 * `@baton/testing`'s `createTestFactory` does.
 */
export interface EngineTimers {
  /** Calls `callback` once, `delayMs` (≥ 0) from now. */
  setTimeout(callback: () => void, delayMs: number): EngineTimerHandle;
  /** Cancels a timer made by this `setTimeout`; a fired or cancelled one is ignored. */
  clearTimeout(handle: EngineTimerHandle): void;
  /** Calls `callback` every `delayMs` (≥ 1) until cleared. */
  setInterval(callback: () => void, delayMs: number): EngineTimerHandle;
  /** Stops a timer made by this `setInterval`. */
  clearInterval(handle: EngineTimerHandle): void;
}

/**
 * Node's timers, looked up on every call (not captured at load), so that fake timers installed later
 * (`vi.useFakeTimers()`) still reach the factory. @internal
 */
export const GLOBAL_TIMERS: EngineTimers = Object.freeze({
  setTimeout: (callback: () => void, delayMs: number) => setTimeout(callback, delayMs),
  clearTimeout: (handle: EngineTimerHandle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  setInterval: (callback: () => void, delayMs: number) => setInterval(callback, delayMs),
  clearInterval: (handle: EngineTimerHandle) => clearInterval(handle as ReturnType<typeof setInterval>),
});

const TIMER_METHODS = ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] as const;

/** True when `value` has the four timer functions. @internal */
export function isEngineTimers(value: unknown): value is EngineTimers {
  if (typeof value !== 'object' || value === null) return false;
  return TIMER_METHODS.every((method) => typeof (value as Record<string, unknown>)[method] === 'function');
}
