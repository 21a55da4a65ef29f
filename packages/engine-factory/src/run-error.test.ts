import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { describeThrown, NON_ERROR_NAME, renderThrownValue, toRunError } from './run-error.js';

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

  it("redacts the credentials in an Error's message and name, and in a thrown string", () => {
    const error = new Error('401 for api_key=sk-abcdef123456 at https://ann:hunter2@api.test');
    error.name = 'Bearer abc123xyz';
    expect(toRunError('AGENT_FAILED', error)).toEqual({
      code: 'AGENT_FAILED',
      name: 'Bearer [REDACTED]',
      message: '401 for api_key=[REDACTED] at https://[REDACTED]@api.test',
    });
    expect(describeThrown('Authorization: Bearer abc123xyz').message).toBe('Authorization: Bearer [REDACTED]');
    expect(describeThrown({ note: 'password=hunter2' }).message).toBe('{"note":"password=[REDACTED]"}');
  });

  it('scrubs a long message before cutting it, so that the cut never leaves the start of a credential', () => {
    const message = describeThrown(new Error(`${'x'.repeat(1_995)} sk-abcdefghijklmnop`)).message;
    expect(message).toBe(`${'x'.repeat(1_995)} [RED…`);
    expect(describeThrown(new Error(`${'x'.repeat(20_000)} sk-abcdefghijklmnop`)).message).toBe(`${'x'.repeat(2_000)}…`);
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

describe('renderThrownValue and describeThrown: exact renderings', () => {
  it('keeps a message of exactly 2,000 characters and cuts a longer one to 2,000 plus an ellipsis', () => {
    expect(renderThrownValue('x'.repeat(2_000))).toBe('x'.repeat(2_000));
    expect(renderThrownValue('x'.repeat(2_001))).toBe(`${'x'.repeat(2_000)}…`);
    expect(describeThrown(new Error('y'.repeat(2_001))).message).toBe(`${'y'.repeat(2_000)}…`);
    expect(renderThrownValue({ text: 'z'.repeat(3_000) })).toHaveLength(2_001);
  });

  it.each([
    ['true', true, 'true'],
    ['a named function', function namedThrow() {}, '[function namedThrow]'],
    ['an anonymous function', Object.defineProperty(() => {}, 'name', { value: '' }), '[function anonymous]'],
    ['an array', [1, 'a'], '[1,"a"]'],
  ])('renders %s', (_label, value, rendering) => {
    expect(renderThrownValue(value)).toBe(rendering);
  });

  it("falls back to the object's tag when it cannot be rendered as JSON", () => {
    expect(renderThrownValue({ big: 1n })).toBe('[object Object]');
    expect(renderThrownValue(new Map([['a', 1]]))).toBe('{"a":1}');
  });

  it('renders a thrown object as its own fields: an own toJSON (which could rebuild a redacted secret) is dropped', () => {
    expect(renderThrownValue({ toJSON: () => undefined })).toBe('{}');
    expect(renderThrownValue({ apiKey: 'sk-abcdef123456', toJSON: () => ({ apiKey: 'sk-abcdef123456' }) })).toBe('{"apiKey":"[REDACTED]"}');
  });

  it("names an Error with an empty or non-string name 'Error', and renders a non-string message", () => {
    const unnamed = new Error('m');
    unnamed.name = '';
    expect(describeThrown(unnamed)).toEqual({ name: 'Error', message: 'm' });
    const odd = Object.assign(new Error('m'), { name: 42, message: { code: 7 } });
    expect(describeThrown(odd)).toEqual({ name: 'Error', message: '{"code":7}' });
  });

  it('describes an Error-like Proxy whose getters throw as an unreadable error', () => {
    const hostile = new Proxy(new Error('x'), {
      get() {
        throw new Error('trap');
      },
    });
    expect(describeThrown(hostile)).toEqual({ name: 'Error', message: 'The thrown error could not be read' });
  });
});
