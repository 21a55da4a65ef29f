import { InvalidConfigError } from './errors/invalid-config-error.js';
import { UntrustedRegistryError } from './errors/untrusted-registry-error.js';

// Captured once, when this module loads. Code that patches `WeakSet.prototype`, `Reflect` or `Object`
// later cannot change what a registry answers, and a registry's own properties are never consulted:
// every call goes through these intrinsics. (Code that ran before Baton loaded is trusted; see the
// README's threat model.)
const IntrinsicWeakSet = WeakSet;
const intrinsicWeakSetPrototype = WeakSet.prototype;
const weakSetHas = WeakSet.prototype.has;
const weakSetAdd = WeakSet.prototype.add;
const { apply, defineProperty, getPrototypeOf, ownKeys } = Reflect;
const { freeze, getOwnPropertyDescriptor } = Object;

/** Keys under this prefix name the contract's own registries; `globalWeakSet` refuses them. */
const CONTRACT_KEY_PREFIX = 'baton.engine-contract.';

/** A process-wide set of objects: membership by identity, shared by every copy of a package. */
export interface GlobalWeakSet {
  /** True when `value` was added (by any copy); false for anything else, primitives included. Never throws. */
  has(value: unknown): boolean;
  /** Adds `value`. */
  add(value: object): void;
}

/**
 * A process-wide `WeakSet` kept under `Symbol.for(key)` on `globalThis`, so that the ESM and the CJS
 * build of a package (or two installed copies) agree on which objects they made.
 *
 * Hardened against planted registries: the slot must hold a real `WeakSet` (one with the internal
 * slot, so not a Proxy or a look-alike) whose prototype is exactly the intrinsic `WeakSet.prototype`
 * (so not a subclass that overrides `has`) and with no own properties; it is then frozen and its
 * slot made read-only. Anything else in the slot throws instead of being trusted. The returned
 * object calls the intrinsic `has`/`add` captured at load, never the set's own methods.
 *
 * Keys under `baton.engine-contract.` are the contract's own and are refused.
 * @throws UntrustedRegistryError when the slot holds anything else, or cannot be created.
 * @throws InvalidConfigError for a key reserved by the contract.
 * @internal For Baton's own packages (the orchestrator's workflow definitions); not public API.
 */
export function globalWeakSet(key: string): GlobalWeakSet {
  if (key.startsWith(CONTRACT_KEY_PREFIX)) {
    throw new InvalidConfigError({
      message: `globalWeakSet(key): keys starting with "${CONTRACT_KEY_PREFIX}" are reserved for @baton/engine-contract`,
    });
  }
  return contractWeakSet(key);
}

/**
 * `globalWeakSet` without the reserved-key check: the contract's own registries (engines, contexts).
 * Not exported from the package, so no typed entry point hands out the engine registry.
 * @internal
 */
export function contractWeakSet(key: string): GlobalWeakSet {
  const set = adoptOrCreate(key, Symbol.for(key));
  return freeze({
    has: (value: unknown): boolean => apply(weakSetHas, set, [value]) as boolean,
    add: (value: object): void => {
      apply(weakSetAdd, set, [value]);
    },
  });
}

function adoptOrCreate(key: string, symbol: symbol): WeakSet<object> {
  // Own property only: a value inherited from a polluted Object.prototype is not the registry.
  const descriptor = getOwnPropertyDescriptor(globalThis, symbol);
  if (descriptor === undefined) return create(key, symbol);
  // An accessor could answer differently on every read: never trusted.
  if (!('value' in descriptor)) throw new UntrustedRegistryError({ key, received: 'an accessor property (a getter or setter)' });
  const existing: unknown = descriptor.value;
  const problem = describeProblem(existing);
  if (problem !== undefined) throw new UntrustedRegistryError({ key, received: problem });
  const set = existing as WeakSet<object>;
  // Made by another copy of a package: lock it as `create` would have, so nothing can be planted later.
  freeze(set);
  if (descriptor.writable === true || descriptor.configurable === true) lock(key, symbol, set);
  return set;
}

function create(key: string, symbol: symbol): WeakSet<object> {
  // Frozen: no own `has` can be added later (older copies may call the set's methods directly).
  const created = freeze(new IntrinsicWeakSet<object>());
  lock(key, symbol, created);
  return created;
}

/** Defines the slot read-only and non-configurable: once installed, the registry cannot be swapped. */
function lock(key: string, symbol: symbol, set: WeakSet<object>): void {
  // `enumerable` is left out: false for a new slot, unchanged for an adopted one (changing it could fail).
  const locked = defineProperty(globalThis, symbol, { value: set, writable: false, configurable: false });
  if (!locked) {
    throw new UntrustedRegistryError({
      key,
      received: 'a slot globalThis refused to define',
      message:
        `globalThis[Symbol.for('${key}')] could not be defined (is globalThis frozen or not extensible?): ` +
        "the copies of Baton's packages in this process cannot share their registry, so Baton refuses to start.",
    });
  }
}

/** Why `value` is not a registry Baton trusts, or `undefined` when it is one. Runs no code of `value`. */
function describeProblem(value: unknown): string | undefined {
  if (value === null) return 'null';
  if (typeof value === 'undefined') return 'undefined';
  if (typeof value === 'function') return 'a function';
  if (typeof value !== 'object') return `a ${typeof value}`;
  try {
    // The intrinsic `has` checks the internal [[WeakSetData]] slot: it throws for a look-alike and
    // for a Proxy (even one around a real WeakSet), without running any trap.
    apply(weakSetHas, value, [{}]);
  } catch {
    return 'an object that is not a WeakSet (a look-alike or a Proxy)';
  }
  // `value` is a real WeakSet, not a Proxy: reading its prototype and keys runs no foreign code.
  if (getPrototypeOf(value) !== intrinsicWeakSetPrototype) return 'a WeakSet whose prototype is not WeakSet.prototype (a subclass?)';
  if (ownKeys(value).length > 0) return 'a WeakSet with own properties (an overridden method?)';
  return undefined;
}
