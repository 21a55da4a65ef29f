import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { isAbortSignal } from './abort-signal.js';

/** A minimal signal as a polyfill (or another realm's implementation) would make it. */
function polyfilledSignal(): AbortSignal {
  const target = new EventTarget();
  return Object.assign(target, { aborted: false, reason: undefined, onabort: null, throwIfAborted() {} }) as unknown as AbortSignal;
}

describe('isAbortSignal', () => {
  it('accepts signals of this realm: live, aborted, timeout and combined', () => {
    const controller = new AbortController();
    const aborted = new AbortController();
    aborted.abort();
    for (const signal of [
      controller.signal,
      aborted.signal,
      AbortSignal.abort(),
      AbortSignal.timeout(60_000),
      AbortSignal.any([controller.signal]),
    ]) {
      expect(isAbortSignal(signal)).toBe(true);
    }
  });

  it('accepts a signal from another realm, which instanceof refuses', () => {
    // A vm context has no EventTarget: a minimal signal built there stands for another realm's.
    const signal: unknown = runInNewContext('({ aborted: false, reason: undefined, addEventListener() {}, removeEventListener() {} })');
    expect(signal instanceof AbortSignal).toBe(false);
    expect(signal instanceof Object).toBe(false);
    expect(isAbortSignal(signal)).toBe(true);
  });

  it('accepts a polyfilled signal', () => {
    expect(isAbortSignal(polyfilledSignal())).toBe(true);
  });

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a boolean', true],
    ['an AbortController (not its signal)', new AbortController()],
    ['an EventTarget without aborted', new EventTarget()],
    ['an object with aborted but no listener methods', { aborted: false }],
    ['an object whose aborted is not a boolean', { aborted: 'no', addEventListener() {}, removeEventListener() {} }],
    ['an object without removeEventListener', { aborted: false, addEventListener() {} }],
    ['a function', () => undefined],
  ])('refuses %s', (_label, value) => {
    expect(isAbortSignal(value)).toBe(false);
  });

  it("answers false instead of throwing for an object that only inherits AbortSignal's prototype", () => {
    const impostor = Object.create(AbortSignal.prototype) as object;
    expect(() => (impostor as AbortSignal).aborted).toThrow();
    expect(isAbortSignal(impostor)).toBe(false);
  });

  it('answers false instead of throwing for a revoked Proxy', () => {
    const { proxy, revoke } = Proxy.revocable(new AbortController().signal, {});
    revoke();
    expect(isAbortSignal(proxy)).toBe(false);
  });
});
