import { describe, expect, it } from 'vitest';
import { globalWeakSet } from './global-weak-set.js';

let counter = 0;
const uniqueKey = () => `baton.test.orchestrator.global-weak-set.${process.pid}.${Date.now()}.${counter++}`;

describe('globalWeakSet', () => {
  it('returns the same set for the same key, shared through globalThis', () => {
    const key = uniqueKey();
    const first = globalWeakSet(key);
    const member = {};
    first.add(member);
    expect(globalWeakSet(key)).toBe(first);
    expect(globalWeakSet(key).has(member)).toBe(true);
    expect((globalThis as unknown as Record<symbol, unknown>)[Symbol.for(key)]).toBe(first);
  });

  it('returns different sets for different keys', () => {
    expect(globalWeakSet(uniqueKey())).not.toBe(globalWeakSet(uniqueKey()));
  });

  it('keeps the global slot non-writable and non-enumerable', () => {
    const key = uniqueKey();
    const set = globalWeakSet(key);
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, Symbol.for(key));
    expect(descriptor).toMatchObject({ value: set, writable: false, enumerable: false, configurable: false });
  });

  it('adopts a WeakSet already in the slot (put there by another copy)', () => {
    const key = uniqueKey();
    const existing = new WeakSet<object>();
    Object.defineProperty(globalThis, Symbol.for(key), { value: existing, configurable: false });
    expect(globalWeakSet(key)).toBe(existing);
  });

  it('falls back to a private working set when the slot holds something else and cannot be replaced', () => {
    const key = uniqueKey();
    Object.defineProperty(globalThis, Symbol.for(key), { value: 'occupied', configurable: false, writable: false });
    const set = globalWeakSet(key);
    const member = {};
    set.add(member);
    expect(set.has(member)).toBe(true);
    expect((globalThis as unknown as Record<symbol, unknown>)[Symbol.for(key)]).toBe('occupied');
  });
});
