import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { NON_ERROR_NAME, describeThrown, renderThrownValue, toRunError } from './run-error.js';

describe('toRunError', () => {
  it('keeps the name and message of a thrown Error', () => {
    expect(toRunError('AGENT_FAILED', new TypeError('bad type'))).toEqual({ code: 'AGENT_FAILED', name: 'TypeError', message: 'bad type' });
  });

  it('recognises an Error from another realm', () => {
    const foreign = runInNewContext('new RangeError("far away")') as unknown;
    expect(foreign instanceof Error).toBe(false);
    expect(describeThrown(foreign)).toEqual({ name: 'RangeError', message: 'far away' });
  });

  it.each([
    ['a string', 'boom', 'boom'],
    ['undefined', undefined, 'undefined'],
    ['null', null, 'null'],
    ['a number', 42, '42'],
    ['a bigint', 7n, '7n'],
    ['a symbol', Symbol('s'), 'Symbol(s)'],
    ['a plain object', { reason: 'x' }, '{"reason":"x"}'],
  ])('names %s NonError with a safe rendering', (_label, thrown, message) => {
    expect(toRunError('AGENT_FAILED', thrown)).toEqual({ code: 'AGENT_FAILED', name: NON_ERROR_NAME, message });
  });

  it('redacts secrets from a thrown object before rendering it', () => {
    expect(describeThrown({ apiKey: 'sk-123', user: 'ann' }).message).toBe('{"apiKey":"[REDACTED]","user":"ann"}');
  });

  it('never throws, even for a Proxy whose traps throw', () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
        ownKeys() {
          throw new Error('trap');
        },
        getPrototypeOf() {
          throw new Error('trap');
        },
      },
    );
    expect(() => describeThrown(hostile)).not.toThrow();
    expect(typeof renderThrownValue(hostile)).toBe('string');
  });

  it('truncates huge messages', () => {
    expect(renderThrownValue('x'.repeat(10_000)).length).toBeLessThan(2_100);
  });
});
