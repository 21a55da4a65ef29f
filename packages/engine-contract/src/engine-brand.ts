import { EngineValidationError } from './errors/engine-validation-error.js';
import { contractWeakSet } from './global-weak-set.js';
import type { UserExecutionEngine } from './user-execution-engine.js';

// Identity-based: a Proxy, a subclass instance or a look-alike is a different object and is not in
// the set. Shared through globalThis so the ESM and the CJS build of this package agree.
// Only `@baton/engine-factory` adds to it: it reaches the set by this key and calls the intrinsic
// `WeakSet.prototype.add` on it. No entry point of this package exports a way to add, and the key is
// part of the contract between the two packages: changing it means changing the factory too.
const genuineEngines = contractWeakSet('baton.engine-contract.genuine-engines.v1');

/** True only for engines made by `@baton/engine-factory`; false for look-alikes, proxies, subclasses and legacy engines. */
export function isUserExecutionEngine(value: unknown): value is UserExecutionEngine {
  return typeof value === 'object' && value !== null && genuineEngines.has(value);
}

/**
 * Passes only for engines made by `@baton/engine-factory`.
 * @throws EngineValidationError saying what was received and how to get a genuine engine.
 */
export function assertUserExecutionEngine(value: unknown): asserts value is UserExecutionEngine {
  if (!isUserExecutionEngine(value)) throw new EngineValidationError({ received: describe(value) });
}

/** A short description of a value for error messages: its type or class, never its contents. */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object' && typeof value !== 'function') return typeof value === 'undefined' ? 'undefined' : `a ${typeof value}`;
  // Reading `name` or the prototype can throw (a revoked Proxy, a throwing `static get name`).
  try {
    if (typeof value === 'function') {
      const name: unknown = value.name;
      return `a function or class${typeof name === 'string' && name !== '' ? ` named ${name}` : ''}`;
    }
    const name = (Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null)?.constructor?.name;
    if (typeof name === 'string' && name !== '' && name !== 'Object') return `an instance of ${name}`;
    return 'a plain object';
  } catch {
    return `${typeof value === 'function' ? 'a function' : 'an object'} that could not be inspected (a revoked Proxy?)`;
  }
}
