/**
 * True for an `AbortSignal`: an object whose `aborted` is a boolean and which has
 * `addEventListener` and `removeEventListener` methods, all the engine and the orchestrator use.
 *
 * Duck-typed on purpose. `instanceof AbortSignal` is false for a signal from another realm (a `vm`
 * context, a jsdom window in tests) or from a polyfill, although such a signal works. Node's own
 * `aborted` getter throws for an object that merely inherits from `AbortSignal.prototype`, and a
 * revoked Proxy throws on any read: both are caught and answered `false`, so this never throws.
 * @internal For Baton's own packages; not public API.
 */
export function isAbortSignal(value: unknown): value is AbortSignal {
  if (typeof value !== 'object' || value === null) return false;
  try {
    const candidate = value as AbortSignal;
    return (
      typeof candidate.aborted === 'boolean' &&
      typeof candidate.addEventListener === 'function' &&
      typeof candidate.removeEventListener === 'function'
    );
  } catch {
    return false;
  }
}
