import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { InvalidConfigError } from './errors/invalid-config-error.js';
import { UntrustedRegistryError } from './errors/untrusted-registry-error.js';
import { contractWeakSet, globalWeakSet } from './global-weak-set.js';

let counter = 0;
const uniqueKey = () => `baton.test.global-weak-set.${process.pid}.${Date.now()}.${counter++}`;
const slots = globalThis as unknown as Record<symbol, unknown>;

/** Puts `value` in the slot of `key` before any copy opened it, as code loaded before Baton could. */
function plant(key: string, value: unknown): void {
  Object.defineProperty(globalThis, Symbol.for(key), { value, configurable: true, writable: true });
}

function loadError(key: string): UntrustedRegistryError {
  let caught: unknown;
  try {
    globalWeakSet(key);
  } catch (error) {
    caught = error;
  }
  expect(UntrustedRegistryError.isInstance(caught), String(caught)).toBe(true);
  const error = caught as UntrustedRegistryError;
  expect(error.code).toBe('UNTRUSTED_REGISTRY');
  expect(error.key).toBe(key);
  expect(error.message).toContain(`globalThis[Symbol.for('${key}')] holds something other than Baton's WeakSet`);
  expect(error.message).toContain('refusing to trust it');
  return error;
}

describe('globalWeakSet: sharing', () => {
  it('shares membership between every opening of the same key (as the ESM and CJS copies do)', () => {
    const key = uniqueKey();
    const first = globalWeakSet(key);
    const second = globalWeakSet(key);
    const member = {};
    first.add(member);
    expect(second.has(member)).toBe(true);
    expect(second.has({})).toBe(false);
  });

  it('keeps different keys apart', () => {
    const member = {};
    globalWeakSet(uniqueKey()).add(member);
    expect(globalWeakSet(uniqueKey()).has(member)).toBe(false);
  });

  it('answers false for primitives without throwing', () => {
    const set = globalWeakSet(uniqueKey());
    for (const value of [null, undefined, 0, 'x', true, 1n, Symbol('s')]) expect(set.has(value)).toBe(false);
  });

  it('installs a frozen intrinsic WeakSet in a read-only, non-enumerable, non-configurable slot', () => {
    const key = uniqueKey();
    globalWeakSet(key);
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, Symbol.for(key));
    expect(descriptor).toMatchObject({ writable: false, enumerable: false, configurable: false });
    expect(Object.getPrototypeOf(descriptor?.value)).toBe(WeakSet.prototype);
    expect(Object.isFrozen(descriptor?.value)).toBe(true);
  });

  it('returns a frozen view whose methods cannot be swapped', () => {
    const set = globalWeakSet(uniqueKey());
    expect(Object.isFrozen(set)).toBe(true);
    expect(Object.keys(set).sort()).toEqual(['add', 'has']);
  });
});

describe('globalWeakSet: adopting a registry made by another copy', () => {
  it('adopts an intrinsic WeakSet already in the slot, then freezes it and locks the slot', () => {
    const key = uniqueKey();
    const existing = new WeakSet<object>();
    const member = {};
    existing.add(member);
    plant(key, existing);
    expect(globalWeakSet(key).has(member)).toBe(true);
    expect(Object.isFrozen(existing)).toBe(true);
    expect(Object.getOwnPropertyDescriptor(globalThis, Symbol.for(key))).toMatchObject({
      value: existing,
      writable: false,
      configurable: false,
    });
  });

  it('adopts a WeakSet in a non-configurable but writable slot and makes it read-only', () => {
    const key = uniqueKey();
    const existing = new WeakSet<object>();
    Object.defineProperty(globalThis, Symbol.for(key), { value: existing, configurable: false, writable: true, enumerable: true });
    globalWeakSet(key);
    // enumerable is left as it was: changing it on a non-configurable property would fail.
    expect(Object.getOwnPropertyDescriptor(globalThis, Symbol.for(key))).toMatchObject({
      value: existing,
      writable: false,
      configurable: false,
      enumerable: true,
    });
  });

  it('adopts a WeakSet in a read-only but configurable slot and makes the slot non-configurable', () => {
    const key = uniqueKey();
    const existing = new WeakSet<object>();
    Object.defineProperty(globalThis, Symbol.for(key), { value: existing, configurable: true, writable: false });
    globalWeakSet(key);
    expect(Object.getOwnPropertyDescriptor(globalThis, Symbol.for(key))).toMatchObject({
      value: existing,
      writable: false,
      configurable: false,
    });
    expect(() => Object.defineProperty(globalThis, Symbol.for(key), { value: new WeakSet() })).toThrow(TypeError);
  });

  it('ignores a registry inherited through a polluted Object.prototype and installs its own', () => {
    const key = uniqueKey();
    const symbol = Symbol.for(key);
    const inherited = { has: () => true, add: () => {} };
    Object.defineProperty(Object.prototype, symbol, { value: inherited, configurable: true });
    try {
      const set = globalWeakSet(key);
      expect(set.has({})).toBe(false);
      expect(Object.getOwnPropertyDescriptor(globalThis, symbol)?.value).toBeInstanceOf(WeakSet);
    } finally {
      delete (Object.prototype as unknown as Record<symbol, unknown>)[symbol];
    }
  });
});

describe('globalWeakSet: refusing planted registries', () => {
  it('throws for a WeakSet subclass that answers true to everything', () => {
    const key = uniqueKey();
    class AlwaysMember extends WeakSet<object> {
      override has(): boolean {
        return true;
      }
    }
    plant(key, new AlwaysMember());
    expect(loadError(key).received).toBe('a WeakSet whose prototype is not WeakSet.prototype (a subclass?)');
  });

  it('throws for a plain object with has and add', () => {
    const key = uniqueKey();
    plant(key, { has: () => true, add: () => {} });
    expect(loadError(key).received).toBe('an object that is not a WeakSet (a look-alike or a Proxy)');
  });

  it('throws for a Proxy, even around a real WeakSet, without running its traps', () => {
    const key = uniqueKey();
    let trapsRun = 0;
    const trap = () => {
      trapsRun++;
      return undefined;
    };
    plant(key, new Proxy(new WeakSet(), { get: trap, getPrototypeOf: () => trap() ?? WeakSet.prototype, ownKeys: () => trap() ?? [] }));
    expect(loadError(key).received).toBe('an object that is not a WeakSet (a look-alike or a Proxy)');
    expect(trapsRun).toBe(0);
  });

  it('throws for a real WeakSet carrying its own has method', () => {
    const key = uniqueKey();
    plant(key, Object.assign(new WeakSet(), { has: () => true }));
    expect(loadError(key).received).toBe('a WeakSet with own properties (an overridden method?)');
  });

  it('throws for a WeakSet whose prototype was swapped or that comes from another realm', () => {
    const swapped = new WeakSet();
    Object.setPrototypeOf(swapped, Object.create(WeakSet.prototype) as object);
    const fromOtherRealm: unknown = runInNewContext('new WeakSet()');
    for (const value of [swapped, fromOtherRealm]) {
      const key = uniqueKey();
      plant(key, value);
      expect(loadError(key).received).toContain('prototype is not WeakSet.prototype');
    }
  });

  it('throws for an accessor in the slot, without calling it', () => {
    const key = uniqueKey();
    let calls = 0;
    Object.defineProperty(globalThis, Symbol.for(key), {
      get: () => {
        calls++;
        return new WeakSet();
      },
      configurable: true,
    });
    expect(loadError(key).received).toBe('an accessor property (a getter or setter)');
    expect(calls).toBe(0);
  });

  it.each([
    ['null', null, 'null'],
    ['undefined', undefined, 'undefined'],
    ['a string', 'occupied', 'a string'],
    ['a number', 1, 'a number'],
    ['a function', () => true, 'a function'],
    ['a WeakMap', new WeakMap(), 'an object that is not a WeakSet (a look-alike or a Proxy)'],
    ['a Set', new Set(), 'an object that is not a WeakSet (a look-alike or a Proxy)'],
  ])('throws for %s in the slot', (_label, value, received) => {
    const key = uniqueKey();
    plant(key, value);
    expect(loadError(key).received).toBe(received);
  });

  it('throws even for a non-configurable impostor, and leaves it where it is', () => {
    const key = uniqueKey();
    Object.defineProperty(globalThis, Symbol.for(key), { value: 'occupied', configurable: false, writable: false });
    loadError(key);
    expect(slots[Symbol.for(key)]).toBe('occupied');
  });
});

describe('globalWeakSet: intrinsics captured at load', () => {
  it('keeps using the intrinsic has and add when WeakSet.prototype is patched later', () => {
    const set = globalWeakSet(uniqueKey());
    const member = {};
    const { has, add } = WeakSet.prototype;
    try {
      WeakSet.prototype.has = () => true;
      WeakSet.prototype.add = function (this: WeakSet<object>) {
        return this;
      };
      set.add(member);
      expect(set.has({})).toBe(false);
    } finally {
      WeakSet.prototype.has = has;
      WeakSet.prototype.add = add;
    }
    expect(set.has(member)).toBe(true);
  });
});

describe('globalWeakSet: reserved keys', () => {
  it("refuses the contract's own keys, so no typed call hands out the engine registry", () => {
    for (const key of [
      'baton.engine-contract.genuine-engines.v1',
      'baton.engine-contract.user-execution-contexts.v1',
      'baton.engine-contract.',
    ]) {
      expect(() => globalWeakSet(key)).toThrow(InvalidConfigError);
      expect(() => globalWeakSet(key)).toThrow('keys starting with "baton.engine-contract." are reserved for @baton/engine-contract');
    }
  });

  it('lets the contract itself open them', () => {
    const key = `baton.engine-contract.test.${uniqueKey()}`;
    const member = {};
    contractWeakSet(key).add(member);
    expect(contractWeakSet(key).has(member)).toBe(true);
  });
});
