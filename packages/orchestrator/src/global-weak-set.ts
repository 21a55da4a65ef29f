/**
 * A process-wide WeakSet kept under a `Symbol.for` key on `globalThis`, so that the ESM and the CJS
 * build of this package (or two installed copies) agree on which workflow definitions they made.
 * Falls back to a module-private set when the global slot is taken by something else.
 * @internal
 */
export function globalWeakSet(key: string): WeakSet<object> {
  const symbol = Symbol.for(key);
  const slot = globalThis as unknown as Record<symbol, unknown>;
  const existing = slot[symbol];
  if (existing instanceof WeakSet) return existing as WeakSet<object>;
  const created = new WeakSet<object>();
  try {
    Object.defineProperty(globalThis, symbol, { value: created, enumerable: false, configurable: false, writable: false });
  } catch {
    // The key is occupied by a non-configurable non-WeakSet: keep working, unshared.
  }
  return created;
}
