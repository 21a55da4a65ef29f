import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { InvalidUserContextError } from './errors/invalid-user-context-error.js';
import { createUserExecutionContext, isUserExecutionContext, type UserExecutionContextInput } from './user-execution-context.js';

// The exact wording of every rule createUserExecutionContext and ctx.child enforce, and the bounds
// they enforce it at (user-execution-context.test.ts covers which inputs are refused at all).

const require = createRequire(import.meta.url);
// The built CommonJS copy of this package: a second, independent copy of every module.
const cjs: typeof import('./index.js') = require('../dist/index.cjs');

const VALID: UserExecutionContextInput = { userId: 'u_42', threadId: 't_1', runId: 'r_1' };

/** The InvalidUserContextError `fn` throws (fails the test when it throws nothing or something else). */
function refusal(fn: () => unknown): InvalidUserContextError {
  try {
    fn();
  } catch (error) {
    expect(InvalidUserContextError.isInstance(error), String(error)).toBe(true);
    expect((error as InvalidUserContextError).code).toBe('INVALID_USER_CONTEXT');
    return error as InvalidUserContextError;
  }
  throw new Error('expected the call to throw');
}

function withMetadata(metadata: unknown): UserExecutionContextInput {
  return { ...VALID, metadata: metadata as Record<string, unknown> };
}

/** `levels` objects (or arrays) nested in one another around a number. */
function nested(levels: number, kind: 'object' | 'array'): unknown {
  let value: unknown = 1;
  for (let level = 0; level < levels; level++) value = kind === 'object' ? { d: value } : [value];
  return value;
}

const revoked = (() => {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
})();

const getterAtIndex = (() => {
  const list: unknown[] = [1];
  Object.defineProperty(list, 1, { get: () => 2, enumerable: true });
  return list;
})();

describe('createUserExecutionContext: the wording of each rule', () => {
  it.each([
    ['NaN', { a: Number.NaN }, 'metadata.a must be a finite number'],
    ['undefined', { a: undefined }, 'metadata.a must be JSON-like (null, boolean, number, string, array or plain object), not undefined'],
    ['a bigint', { a: 1n }, 'metadata.a must be JSON-like (null, boolean, number, string, array or plain object), not bigint'],
    // biome-ignore lint/suspicious/noSparseArray: the hole is the point
    ['a hole', { list: [1, , 3] }, 'metadata.list.1 must not be a hole in an array'],
    ['a getter at an array index', { list: getterAtIndex }, 'metadata.list.1 must be a plain data property (getters are not allowed)'],
    [
      'a getter in an object',
      Object.defineProperty({}, 'a', { get: () => 1, enumerable: true }),
      'metadata.a must be a plain data property (getters are not allowed)',
    ],
    ['a Date', { a: new Date(0) }, 'metadata.a must be a plain object (class instances, dates and maps are not allowed)'],
    ['a symbol key', { a: { [Symbol('s')]: 1 } }, 'metadata.a must not have symbol keys'],
    ['a string as metadata', 'plan', 'metadata must be a plain object'],
    ['an array as metadata', [1], 'metadata must be a plain object'],
    ['a revoked Proxy as metadata', revoked, 'metadata could not be read as plain JSON-like data'],
  ])('refuses %s in metadata, saying which rule it breaks', (_label, metadata, message) => {
    expect(refusal(() => createUserExecutionContext(withMetadata(metadata))).message).toBe(message);
  });

  it('refuses an unknown key, listing the known fields', () => {
    expect(refusal(() => createUserExecutionContext({ ...VALID, role: 'admin' } as never)).message).toBe(
      'role is not a known context field (known: userId, threadId, runId, requestId, sessionId, connectionId, metadata)',
    );
  });

  it('says an input it could not read "could not be read", naming the field or the context', () => {
    const throwingGetter = {
      ...VALID,
      get sessionId(): string {
        throw new Error('getter');
      },
    };
    expect(refusal(() => createUserExecutionContext(throwingGetter)).message).toBe('sessionId could not be read');
    expect(refusal(() => createUserExecutionContext(revoked as never)).message).toBe('context could not be read');
  });

  it('says ctx.child called on something else must be a context made by createUserExecutionContext', () => {
    const ctx = createUserExecutionContext(VALID);
    expect(refusal(() => ctx.child.call({ ...ctx }, 'op')).message).toBe('context must be a context made by createUserExecutionContext');
  });
});

describe('createUserExecutionContext: how deep metadata may nest', () => {
  it.each(['object', 'array'] as const)('accepts 32 levels of %s below the metadata object and refuses 33', (kind) => {
    expect(createUserExecutionContext(withMetadata({ x: nested(32, kind) })).metadata.x).toEqual(nested(32, kind));
    const error = refusal(() => createUserExecutionContext(withMetadata({ x: nested(33, kind) })));
    const step = kind === 'object' ? '.d' : '.0';
    expect(error.field).toBe(`metadata.x${step.repeat(32)}`);
    expect(error.message).toBe(`${error.field} must not nest deeper than 32 levels`);
  });
});

describe('ctx.child without a session or a connection', () => {
  it('has neither, and every copy of the package recognises it', () => {
    const child = createUserExecutionContext(VALID).child('op');
    expect(Object.hasOwn(child, 'sessionId')).toBe(false);
    expect(Object.hasOwn(child, 'connectionId')).toBe(false);
    expect(isUserExecutionContext(child)).toBe(true);
    expect(cjs.isUserExecutionContext(child)).toBe(true);
  });
});
