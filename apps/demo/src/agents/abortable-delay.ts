/**
 * Waits `ms` milliseconds, or rejects with the signal's reason as soon as `signal` aborts, so an agent
 * that is cancelled or timed out stops at its next pause instead of running to the end.
 */
export function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal));
    };
    const timer = setTimeout(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted', 'AbortError');
}

/** Pauses for a base duration scaled by the demo's `delayScale`; rejects when the signal aborts. */
export type Pace = (baseMs: number, signal: AbortSignal) => Promise<void>;

/**
 * Makes the pacing function every demo agent uses. `delayScale` 1 gives the realistic delays a person
 * watches (tens to hundreds of ms per step), 0 makes tests fast while still yielding to the event loop.
 */
export function createPace(delayScale: number): Pace {
  if (!Number.isFinite(delayScale) || delayScale < 0) throw new RangeError('delayScale must be a finite number >= 0');
  return (baseMs, signal) => abortableDelay(Math.round(baseMs * delayScale), signal);
}
