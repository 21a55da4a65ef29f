/**
 * The error a model's stream fails with when its call is aborted: the signal's reason, as `fetch`
 * does, or an `AbortError` `DOMException` when there is none.
 * @internal
 */
export function abortErrorOf(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/**
 * Resolves after `ms` (on `setTimeout`, so fake timers drive it), or rejects with the abort error
 * as soon as `signal` aborts, clearing its timer. Rejects at once on an aborted signal; resolves at
 * once for `ms <= 0`.
 * @internal
 */
export function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(abortErrorOf(signal));
  if (ms <= 0) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortErrorOf(signal));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
