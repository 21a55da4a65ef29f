import { createRequire } from 'node:module';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { BatonError } from './errors/baton-error.js';
import { InvalidUserContextError } from './errors/invalid-user-context-error.js';
import {
  createUserExecutionContext,
  isUserExecutionContext,
  MAX_CONTEXT_DEPTH,
  MAX_ID_LENGTH,
  PLACEHOLDER_IDS,
  type UserExecutionContext,
  type UserExecutionContextInput,
} from './user-execution-context.js';

const require = createRequire(import.meta.url);
// The built CommonJS copy of this package: a second, independent copy of every module.
const cjs: typeof import('./index.js') = require('../dist/index.cjs');

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ID_FIELDS = ['userId', 'threadId', 'runId', 'requestId', 'sessionId', 'connectionId'] as const;
const REQUIRED_ID_FIELDS = ['userId', 'threadId', 'runId'] as const;
const VALID: UserExecutionContextInput = { userId: 'u_42', threadId: 't_1', runId: 'r_1' };

/** Calls `fn`, expects it to throw, and returns what it threw. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

/** Expects `createUserExecutionContext(input)` to throw an InvalidUserContextError for `field`. */
function rejection(input: unknown, field: string): InvalidUserContextError {
  const error = thrown(() => createUserExecutionContext(input as UserExecutionContextInput));
  expect(InvalidUserContextError.isInstance(error), String(error)).toBe(true);
  const typed = error as InvalidUserContextError;
  expect(typed.code).toBe('INVALID_USER_CONTEXT');
  expect(typed.field).toBe(field);
  expect(typed.message.startsWith(`${field} `)).toBe(true);
  return typed;
}

function withMetadata(metadata: unknown): UserExecutionContextInput {
  return { ...VALID, metadata: metadata as Record<string, unknown> };
}

/** Every object and array reachable from `value` (including itself). */
function reachableObjects(value: unknown, seen = new Set<object>()): Set<object> {
  if (typeof value === 'object' && value !== null && !seen.has(value)) {
    seen.add(value);
    for (const key of Reflect.ownKeys(value)) reachableObjects((value as Record<PropertyKey, unknown>)[key], seen);
  }
  return seen;
}

// The exact messages an id rule can produce: a rejected id can never appear in one of them.
const ID_RULES = [
  'must be a non-empty string',
  `must be at most ${MAX_ID_LENGTH} characters`,
  'must not contain whitespace or control characters',
  'must be a real identifier, not a placeholder value',
];

describe('createUserExecutionContext: ids', () => {
  it('returns a context carrying the given ids', () => {
    const ctx = createUserExecutionContext({ ...VALID, requestId: 'req_1', sessionId: 's_1', connectionId: 'c_1' });
    expect(ctx).toMatchObject({
      userId: 'u_42',
      threadId: 't_1',
      runId: 'r_1',
      requestId: 'req_1',
      sessionId: 's_1',
      connectionId: 'c_1',
      depth: 0,
      metadata: {},
    });
    expect(ctx.parentRequestId).toBeUndefined();
  });

  it('leaves sessionId, connectionId and parentRequestId absent when not given', () => {
    const ctx = createUserExecutionContext(VALID);
    expect('sessionId' in ctx).toBe(false);
    expect('connectionId' in ctx).toBe(false);
    expect('parentRequestId' in ctx).toBe(false);
  });

  it('defaults requestId to a fresh random UUID', () => {
    const first = createUserExecutionContext(VALID);
    const second = createUserExecutionContext(VALID);
    expect(first.requestId).toMatch(UUID);
    expect(second.requestId).toMatch(UUID);
    expect(first.requestId).not.toBe(second.requestId);
  });

  it('stamps createdAt with the creation time in epoch ms', () => {
    const before = Date.now();
    const ctx = createUserExecutionContext(VALID);
    const after = Date.now();
    expect(ctx.createdAt).toBeGreaterThanOrEqual(before);
    expect(ctx.createdAt).toBeLessThanOrEqual(after);
  });

  it.each(REQUIRED_ID_FIELDS)('refuses a missing %s', (field) => {
    const input: Record<string, unknown> = { ...VALID };
    delete input[field];
    const error = rejection(input, field);
    expect(error.message).toBe(`${field} must be a non-empty string`);
  });

  it.each(ID_FIELDS)('refuses an empty or non-string %s', (field) => {
    for (const value of ['', 42, null, true, {}, ['u'], Symbol('u'), 1n, new String('abc')]) {
      rejection({ ...VALID, [field]: value }, field);
    }
  });

  it.each(ID_FIELDS)('refuses whitespace anywhere in %s', (field) => {
    for (const value of [' u1', 'u1 ', 'u 1', '\tu1', 'u1\n', '\u00a0u1', 'u\u20281', 'u\u3000 1', ' ']) {
      const error = rejection({ ...VALID, [field]: value }, field);
      expect(error.message).toBe(`${field} must not contain whitespace or control characters`);
    }
  });

  it.each(ID_FIELDS)('refuses control, invisible format characters and lone surrogates in %s', (field) => {
    for (const value of ['u\u00001', 'u\u0007', '\u001bu', 'u\u007f', 'u\u009f', 'u\u200b1', 'u\u200e', '\ufeffu', 'u\ud800', '\udc00u']) {
      rejection({ ...VALID, [field]: value }, field);
    }
  });

  it('accepts ids of exactly 256 characters and refuses 257 and 10 kB without echoing them', () => {
    expect(MAX_ID_LENGTH).toBe(256);
    expect(createUserExecutionContext({ ...VALID, userId: 'a'.repeat(256) }).userId).toHaveLength(256);
    rejection({ ...VALID, userId: 'a'.repeat(257) }, 'userId');
    const huge = 'Q'.repeat(10 * 1024);
    const error = rejection({ ...VALID, runId: huge }, 'runId');
    expect(error.message).toBe('runId must be at most 256 characters');
  });

  it('accepts non-ASCII ids (letters, emoji) that contain no whitespace or control characters', () => {
    const ctx = createUserExecutionContext({ ...VALID, userId: 'Zoë_用户_🚀', threadId: 'thread:1/2', runId: 'r-1.2' });
    expect(ctx.userId).toBe('Zoë_用户_🚀');
  });

  it('lists exactly the placeholder values of the spec', () => {
    expect([...PLACEHOLDER_IDS].sort()).toEqual(
      ['registry', 'placeholder', 'default', 'temp', 'none', 'null', 'undefined', 'xxx', 'example', 'test', 'demo'].sort(),
    );
    expect(Object.isFrozen(PLACEHOLDER_IDS)).toBe(true);
  });

  it.each(ID_FIELDS)('refuses every placeholder value in lower, upper and mixed case as %s', (field) => {
    for (const placeholder of PLACEHOLDER_IDS) {
      for (const value of [placeholder, placeholder.toUpperCase(), placeholder[0]!.toUpperCase() + placeholder.slice(1)]) {
        const error = rejection({ ...VALID, [field]: value }, field);
        expect(error.message).toBe(`${field} must be a real identifier, not a placeholder value`);
      }
    }
  });

  it('refuses a placeholder spelled with a Unicode case variant (long s in "teſt")', () => {
    rejection({ ...VALID, userId: 'teſt' }, 'userId');
  });

  it('accepts ids that merely contain a placeholder word', () => {
    const ctx = createUserExecutionContext({ userId: 'test-user-1', threadId: 'default_thread_2', runId: 'demo.run.3' });
    expect(ctx.userId).toBe('test-user-1');
  });

  it('names the field and rule but never the rejected value in the message', () => {
    const secret = 'sk_live_SUPERSECRET value';
    const error = rejection({ ...VALID, userId: secret }, 'userId');
    expect(error.message).toBe('userId must not contain whitespace or control characters');
    expect(error.message).not.toContain('SUPERSECRET');
    const placeholder = rejection({ ...VALID, sessionId: 'PlaceHolder' }, 'sessionId');
    expect(placeholder.message).not.toContain('PlaceHolder');
  });
});

describe('createUserExecutionContext: input shape', () => {
  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a number', 42],
    ['a string', 'u_42'],
    ['a boolean', true],
    ['a symbol', Symbol('ctx')],
    ['a bigint', 1n],
    ['an array', ['u', 't', 'r']],
    ['a function', () => VALID],
  ])('refuses %s as input with field "context"', (_label, input) => {
    const error = rejection(input, 'context');
    expect(error.message).toBe('context must be an object');
  });

  it('refuses an unknown key, naming it as the field', () => {
    const error = rejection({ ...VALID, role: 'admin' }, 'role');
    expect(error.message).toContain('is not a known context field');
    expect(error.message).not.toContain('admin');
  });

  it('refuses a symbol key', () => {
    rejection({ ...VALID, [Symbol('extra')]: 1 }, 'context');
  });

  it('refuses a Proxy input whose ownKeys trap throws, with the trap error as cause', () => {
    const boom = new Error('ownKeys trap');
    const input = new Proxy(
      { ...VALID },
      {
        ownKeys: () => {
          throw boom;
        },
      },
    );
    const error = rejection(input, 'context');
    expect(error.cause).toBe(boom);
  });

  it('refuses a Proxy input whose get trap throws, naming the field being read', () => {
    const boom = new Error('get trap');
    const input = new Proxy(
      { ...VALID },
      {
        get: () => {
          throw boom;
        },
      },
    );
    const error = rejection(input, 'userId');
    expect(error.cause).toBe(boom);
  });

  it('refuses a Proxy input whose get trap throws only for metadata', () => {
    const input = new Proxy(withMetadata({}), {
      get: (target, key, receiver) => {
        if (key === 'metadata') throw new Error('no metadata for you');
        return Reflect.get(target, key, receiver);
      },
    });
    rejection(input, 'metadata');
  });

  it('refuses a revoked Proxy as input without crashing', () => {
    const { proxy, revoke } = Proxy.revocable({ ...VALID }, {});
    revoke();
    rejection(proxy, 'context');
  });

  it('never takes an id from a polluted Object.prototype', () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto.sessionId = 'polluted-session';
    try {
      const ctx = createUserExecutionContext({ userId: 'u1', threadId: 't1', runId: 'r1' });
      expect(Object.hasOwn(ctx, 'sessionId')).toBe(false);
    } finally {
      delete proto.sessionId;
    }
  });

  it('refuses a getter that throws on the input', () => {
    const input = {
      ...VALID,
      get sessionId(): string {
        throw new Error('getter');
      },
    };
    rejection(input, 'sessionId');
  });
});

describe('createUserExecutionContext: metadata', () => {
  it('copies plain JSON-like metadata', () => {
    const metadata = {
      plan: 'pro',
      seats: 3,
      ratio: 0.5,
      beta: true,
      nothing: null,
      tags: ['a', 'b'],
      nested: { deep: { x: [1, { y: 'z' }] } },
    };
    const ctx = createUserExecutionContext(withMetadata(metadata));
    expect(ctx.metadata).toEqual(metadata);
    expect(ctx.metadata).not.toBe(metadata);
    expect(ctx.metadata.nested).not.toBe(metadata.nested);
  });

  it('defaults to an empty frozen object', () => {
    const ctx = createUserExecutionContext(VALID);
    expect(ctx.metadata).toEqual({});
    expect(Object.isFrozen(ctx.metadata)).toBe(true);
  });

  it('deep-freezes the context, its metadata and every nested object and array', () => {
    const ctx = createUserExecutionContext(withMetadata({ a: { b: [{ c: 1 }, [2]] } }));
    for (const object of reachableObjects(ctx)) expect(Object.isFrozen(object)).toBe(true);
    expect(Object.isFrozen(Object.getPrototypeOf(ctx))).toBe(true);
    expect(() => {
      (ctx as { userId: string }).userId = 'other';
    }).toThrow(TypeError);
    expect(() => {
      (ctx.metadata.a as { b: unknown[] }).b.push(3);
    }).toThrow(TypeError);
  });

  it('never shows a later mutation of the caller object, and leaves the caller object unfrozen', () => {
    const metadata = { plan: 'pro', nested: { level: 1 }, list: [1, 2] };
    const ctx = createUserExecutionContext(withMetadata(metadata));
    metadata.plan = 'free';
    metadata.nested.level = 2;
    metadata.list.push(3);
    (metadata as Record<string, unknown>).added = true;
    expect(ctx.metadata).toEqual({ plan: 'pro', nested: { level: 1 }, list: [1, 2] });
    expect(Object.isFrozen(metadata)).toBe(false);
    expect(Object.isFrozen(metadata.nested)).toBe(false);
  });

  it.each([
    ['a string', 'x'],
    ['a number', 1],
    ['null', null],
    ['an array', [1, 2]],
    ['a Date', new Date()],
    ['a Map', new Map()],
    ['a class instance', new (class Meta {})()],
  ])('refuses %s as metadata with field "metadata"', (_label, metadata) => {
    rejection(withMetadata(metadata), 'metadata');
  });

  class Point {
    x = 1;
  }
  it.each([
    ['undefined', undefined],
    ['a function', () => 1],
    ['a symbol', Symbol('s')],
    ['a bigint', 10n],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
    ['a Date', new Date(0)],
    ['a Map', new Map([['a', 1]])],
    ['a Set', new Set([1])],
    ['a class instance', new Point()],
    ['a RegExp', /x/],
    ['a boxed string', new String('x')],
    ['a typed array', new Uint8Array(2)],
    ['an Error', new Error('x')],
    ['a Promise', Promise.resolve(1)],
  ])('refuses %s nested in metadata, with the dotted path as field', (_label, value) => {
    rejection(withMetadata({ a: { b: value } }), 'metadata.a.b');
    rejection(withMetadata({ list: [0, value] }), 'metadata.list.1');
  });

  it('refuses a getter in nested metadata without calling it', () => {
    let calls = 0;
    const metadata = {
      a: {
        get b(): number {
          calls++;
          return 1;
        },
      },
    };
    const error = rejection(withMetadata(metadata), 'metadata.a.b');
    expect(error.message).toContain('getter');
    expect(calls).toBe(0);
  });

  it('refuses a getter at an array index', () => {
    const list: unknown[] = [1];
    Object.defineProperty(list, 1, { get: () => 2, enumerable: true });
    rejection(withMetadata({ list }), 'metadata.list.1');
  });

  it('refuses a sparse array', () => {
    // biome-ignore lint/suspicious/noSparseArray: the hole is the point
    rejection(withMetadata({ list: [1, , 3] }), 'metadata.list.1');
  });

  it('refuses a symbol key in nested metadata', () => {
    rejection(withMetadata({ a: { [Symbol('s')]: 1 } }), 'metadata.a');
  });

  it('refuses an object cycle and an array cycle', () => {
    const object: Record<string, unknown> = { name: 'loop' };
    object.self = object;
    expect(rejection(withMetadata({ a: object }), 'metadata.a.self').message).toContain('cycle');
    const list: unknown[] = [];
    list.push(list);
    rejection(withMetadata({ list }), 'metadata.list.0');
  });

  it('refuses the metadata object referring to itself', () => {
    const metadata: Record<string, unknown> = {};
    metadata.me = metadata;
    rejection(withMetadata(metadata), 'metadata.me');
  });

  it('accepts shared references that are not cycles, copying each occurrence', () => {
    const shared = { x: 1 };
    const ctx = createUserExecutionContext(withMetadata({ a: shared, b: shared, list: [shared, shared] }));
    expect(ctx.metadata).toEqual({ a: { x: 1 }, b: { x: 1 }, list: [{ x: 1 }, { x: 1 }] });
    expect(ctx.metadata.a).not.toBe(shared);
  });

  it('refuses metadata nested thousands of levels deep without overflowing the stack', () => {
    let deep: Record<string, unknown> = {};
    for (let index = 0; index < 10_000; index++) deep = { d: deep };
    const error = thrown(() => createUserExecutionContext(withMetadata(deep)));
    expect(InvalidUserContextError.isInstance(error)).toBe(true);
  });

  it('keeps a "__proto__" key as data and never changes a prototype', () => {
    const metadata = JSON.parse('{"__proto__": {"isAdmin": true}, "inner": {"__proto__": {"polluted": 1}}}') as Record<string, unknown>;
    const ctx = createUserExecutionContext(withMetadata(metadata));
    expect(Object.hasOwn(ctx.metadata, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(ctx.metadata)).toBe(Object.prototype);
    expect((ctx.metadata as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(Object.getOwnPropertyDescriptor(ctx.metadata, '__proto__')?.value).toEqual({ isAdmin: true });
    const inner = ctx.metadata.inner as Record<string, unknown>;
    expect(Object.hasOwn(inner, '__proto__')).toBe(true);
    expect(inner.polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('accepts null-prototype objects', () => {
    const metadata = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1 });
    expect(createUserExecutionContext(withMetadata(metadata)).metadata).toEqual({ a: 1 });
  });

  it('skips non-enumerable properties', () => {
    const metadata = { shown: 1 };
    Object.defineProperty(metadata, 'hidden', { value: 2, enumerable: false });
    expect(createUserExecutionContext(withMetadata(metadata)).metadata).toEqual({ shown: 1 });
  });

  it('refuses a metadata Proxy whose traps throw, with field "metadata" and the trap error as cause', () => {
    const boom = new Error('trap');
    for (const trap of ['ownKeys', 'getOwnPropertyDescriptor', 'getPrototypeOf'] as const) {
      const metadata = new Proxy(
        { a: 1 },
        {
          [trap]: () => {
            throw boom;
          },
        },
      );
      const error = rejection(withMetadata(metadata), 'metadata');
      expect(error.cause).toBe(boom);
    }
  });

  it('refuses a revoked Proxy as metadata or nested in it without crashing', () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    rejection(withMetadata(proxy), 'metadata');
    rejection(withMetadata({ a: proxy }), 'metadata');
  });

  it('never echoes a rejected nested value in the message', () => {
    const error = rejection(withMetadata({ card: { pan: 4111111111111111n } }), 'metadata.card.pan');
    expect(error.message).not.toContain('4111111111111111');
  });
});

describe('ctx.child', () => {
  // Made per test, not at collection: a broken createUserExecutionContext must fail tests, not the file's loading.
  let parent: UserExecutionContext;
  beforeEach(() => {
    parent = createUserExecutionContext({
      ...VALID,
      requestId: 'req_parent',
      sessionId: 's_1',
      connectionId: 'c_1',
      metadata: { plan: 'pro', region: 'eu' },
    });
  });

  it('keeps user, thread, run, session and connection, with a new requestId, depth + 1 and parentRequestId', () => {
    const child = parent.child('fetch-profile');
    expect(child).toMatchObject({
      userId: parent.userId,
      threadId: parent.threadId,
      runId: parent.runId,
      sessionId: 's_1',
      connectionId: 'c_1',
      depth: 1,
      parentRequestId: 'req_parent',
      operationName: 'fetch-profile',
    });
    expect(child.requestId).toMatch(UUID);
    expect(child.requestId).not.toBe(parent.requestId);
    expect(parent.child('again').requestId).not.toBe(child.requestId);
  });

  it('returns a deep-frozen context recognised by isUserExecutionContext', () => {
    const child = parent.child('op', { extra: { list: [1] } });
    expect(isUserExecutionContext(child)).toBe(true);
    for (const object of reachableObjects(child)) expect(Object.isFrozen(object)).toBe(true);
  });

  it('leaves the parent unchanged', () => {
    parent.child('op', { plan: 'free' });
    expect(parent.depth).toBe(0);
    expect(parent.metadata).toEqual({ plan: 'pro', region: 'eu' });
  });

  it("inherits the parent's metadata when none is given", () => {
    expect(parent.child('op').metadata).toEqual({ plan: 'pro', region: 'eu' });
  });

  it('shallowly merges metadata, the given keys winning', () => {
    const child = parent.child('op', { plan: 'free', step: 2 });
    expect(child.metadata).toEqual({ plan: 'free', region: 'eu', step: 2 });
  });

  it('validates and copies the given metadata like createUserExecutionContext', () => {
    const error = thrown(() => parent.child('op', { a: { b: () => 1 } }));
    expect(InvalidUserContextError.isInstance(error)).toBe(true);
    expect((error as InvalidUserContextError).field).toBe('metadata.a.b');
    const given = { nested: { n: 1 } };
    const child = parent.child('op', given);
    given.nested.n = 2;
    expect(child.metadata.nested).toEqual({ n: 1 });
  });

  it('keeps a "__proto__" key of child metadata as data', () => {
    const child = parent.child('op', JSON.parse('{"__proto__": {"isAdmin": true}}') as Record<string, unknown>);
    expect(Object.hasOwn(child.metadata, '__proto__')).toBe(true);
    expect((child.metadata as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it.each([
    ['', ''],
    ['whitespace', '  \t'],
    ['a number', 42],
    ['undefined', undefined],
  ])('refuses %s as operation name', (_label, name) => {
    const error = thrown(() => parent.child(name as string));
    expect(InvalidUserContextError.isInstance(error)).toBe(true);
    expect((error as InvalidUserContextError).field).toBe('operationName');
    expect((error as InvalidUserContextError).message).toBe('operationName must be a non-empty string');
  });

  it('allows depth 10 and refuses a child deeper than 10', () => {
    expect(MAX_CONTEXT_DEPTH).toBe(10);
    let ctx: UserExecutionContext = parent;
    for (let depth = 1; depth <= 10; depth++) {
      ctx = ctx.child(`level-${depth}`);
      expect(ctx.depth).toBe(depth);
    }
    const error = thrown(() => ctx.child('level-11'));
    expect(InvalidUserContextError.isInstance(error)).toBe(true);
    expect((error as InvalidUserContextError).field).toBe('depth');
    expect((error as InvalidUserContextError).message).toContain('10');
  });

  it('refuses to run on something that is not a made context', () => {
    const error = thrown(() => parent.child.call({ ...parent }, 'op'));
    expect(InvalidUserContextError.isInstance(error)).toBe(true);
    expect((error as InvalidUserContextError).field).toBe('context');
  });
});

describe('isUserExecutionContext', () => {
  let ctx: UserExecutionContext;
  beforeEach(() => {
    ctx = createUserExecutionContext(withMetadata({ a: 1 }));
  });

  it('is true for made contexts and their children', () => {
    expect(isUserExecutionContext(ctx)).toBe(true);
    expect(isUserExecutionContext(ctx.child('op'))).toBe(true);
  });

  it('is false for copies and look-alikes of a made context', () => {
    const lookAlikes: unknown[] = [
      { ...ctx },
      structuredClone({ ...ctx }),
      JSON.parse(JSON.stringify(ctx)),
      Object.create(ctx),
      new Proxy(ctx, {}),
      Object.assign(Object.create(Object.getPrototypeOf(ctx) as object), ctx),
      { userId: 'u_42', threadId: 't_1', runId: 'r_1', requestId: 'x', metadata: {}, depth: 0, createdAt: 0, child: ctx.child },
    ];
    for (const value of lookAlikes) expect(isUserExecutionContext(value)).toBe(false);
  });

  it('is false for non-objects', () => {
    for (const value of [null, undefined, 0, 'ctx', true, Symbol('ctx'), 1n, () => ctx]) {
      expect(isUserExecutionContext(value)).toBe(false);
    }
  });

  it('recognises contexts across the ESM source and the built CJS copy', () => {
    expect(cjs.createUserExecutionContext).not.toBe(createUserExecutionContext);
    const fromCjs = cjs.createUserExecutionContext(VALID);
    expect(isUserExecutionContext(fromCjs)).toBe(true);
    expect(cjs.isUserExecutionContext(ctx)).toBe(true);
    expect(isUserExecutionContext(fromCjs.child('op'))).toBe(true);
  });

  it('throws errors from the CJS copy that the source InvalidUserContextError recognises', () => {
    const error = thrown(() => cjs.createUserExecutionContext({ ...VALID, userId: 'TEST' }));
    expect(error instanceof InvalidUserContextError).toBe(false);
    expect(InvalidUserContextError.isInstance(error)).toBe(true);
  });
});

/**
 * Adds `value` to the shared registry of contexts the only way left to code outside the package:
 * reaching it through globalThis and calling the intrinsic add. Membership alone must not be enough.
 */
function forgeMembership<T extends object>(value: T): T {
  const registry = (globalThis as unknown as Record<symbol, unknown>)[Symbol.for('baton.engine-contract.user-execution-contexts.v1')];
  Reflect.apply(WeakSet.prototype.add, registry, [value]);
  return value;
}

describe('isUserExecutionContext: more than registry membership', () => {
  const fields = () => ({
    userId: 'u_42',
    threadId: 't_1',
    runId: 'r_1',
    requestId: 'q_1',
    metadata: Object.freeze({}),
    depth: 0,
    createdAt: 0,
  });

  it('is false for a thawed (not frozen) object in the registry, in both copies', () => {
    const forged = forgeMembership(fields());
    expect(isUserExecutionContext(forged)).toBe(false);
    expect(cjs.isUserExecutionContext(forged)).toBe(false);
  });

  it.each([
    ['a placeholder userId', { userId: 'test' }],
    ['an empty threadId', { threadId: '' }],
    ['a runId with whitespace', { runId: 'r 1' }],
    ['a requestId that is not a string', { requestId: 42 }],
    ['no requestId', { requestId: undefined }],
    ['an over-long sessionId', { sessionId: 'x'.repeat(MAX_ID_LENGTH + 1) }],
    ['a connectionId with a control character', { connectionId: 'c\u0000' }],
    ['metadata that is not frozen', { metadata: { a: 1 } }],
    ['no metadata', { metadata: undefined }],
    ['a string as metadata', { metadata: 'plan' }],
    ['null as metadata', { metadata: null }],
    ['a number as metadata', { metadata: 1 }],
    ['no userId', { userId: undefined }],
    ['no threadId', { threadId: undefined }],
    ['no runId', { runId: undefined }],
  ])('is false for a frozen object in the registry with %s', (_label, override) => {
    const value: Record<string, unknown> = { ...fields(), ...override };
    for (const [key, field] of Object.entries(value)) if (field === undefined) delete value[key];
    expect(isUserExecutionContext(forgeMembership(Object.freeze(value)))).toBe(false);
  });

  it('is false for a frozen object in the registry whose ids are getters (they could change on every read)', () => {
    let reads = 0;
    const forged = Object.freeze(
      Object.defineProperty(fields(), 'userId', {
        get: () => (reads++ % 2 === 0 ? 'u_42' : 'u_other'),
        enumerable: true,
      }),
    );
    expect(isUserExecutionContext(forgeMembership(forged))).toBe(false);
    expect(reads).toBe(0);
  });

  it('is false, without throwing, for a Proxy in the registry whose traps throw', () => {
    const hostile = new Proxy(Object.freeze(fields()), {
      isExtensible: () => {
        throw new Error('trap');
      },
    });
    expect(isUserExecutionContext(forgeMembership(hostile))).toBe(false);
  });

  it('refuses ctx.child on a thawed object in the registry', () => {
    const forged = forgeMembership({ ...fields(), child: createUserExecutionContext(VALID).child });
    expect(() => forged.child('op')).toThrow(InvalidUserContextError);
  });

  it('is true for a frozen object in the registry that obeys every rule: it is no more than createUserExecutionContext gives anyone', () => {
    expect(isUserExecutionContext(forgeMembership(Object.freeze(fields())))).toBe(true);
  });
});

describe('createUserExecutionContext: properties', () => {
  const anything = fc.anything({
    withBigInt: true,
    withBoxedValues: true,
    withDate: true,
    withMap: true,
    withNullPrototype: true,
    withObjectString: true,
    withSet: true,
    withSparseArray: true,
    withTypedArray: true,
  });
  const knownKeyRecord = fc.record(
    {
      userId: fc.oneof(fc.string(), anything),
      threadId: fc.oneof(fc.string(), anything),
      runId: fc.oneof(fc.string(), anything),
      requestId: fc.oneof(fc.string(), anything),
      sessionId: fc.oneof(fc.string(), anything),
      connectionId: fc.oneof(fc.string(), anything),
      metadata: anything,
    },
    { requiredKeys: [] },
  );
  const goodId = fc.stringMatching(/^[A-Za-z0-9_.:@-]{1,64}$/).filter((id) => !PLACEHOLDER_IDS.includes(id.toLowerCase()));

  it('never throws anything but InvalidUserContextError, whatever the input', () => {
    fc.assert(
      fc.property(fc.oneof(anything, knownKeyRecord), (input) => {
        try {
          const ctx = createUserExecutionContext(input as UserExecutionContextInput);
          expect(isUserExecutionContext(ctx)).toBe(true);
        } catch (error) {
          expect(InvalidUserContextError.isInstance(error), String(error)).toBe(true);
          expect(BatonError.isInstance(error)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  }, 120_000);

  it('never throws anything but InvalidUserContextError for valid ids with arbitrary metadata', () => {
    fc.assert(
      fc.property(anything, (metadata) => {
        try {
          createUserExecutionContext(withMetadata(metadata));
        } catch (error) {
          expect(InvalidUserContextError.isInstance(error), String(error)).toBe(true);
          expect((error as InvalidUserContextError).field.startsWith('metadata')).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  }, 120_000);

  it('accepts an arbitrary string id only if it is 1-256 chars with no whitespace/control chars and no placeholder, and never echoes it', () => {
    // Any code point, lone surrogates included, biased towards the low planes where the rules bite.
    // (Built by hand: fast-check's `unit: 'binary'` spends seconds building a reverse-mapping table.)
    const codePoint = fc.oneof(
      fc.integer({ min: 0, max: 0x3000 }),
      fc.integer({ min: 0xd800, max: 0xdfff }),
      fc.integer({ min: 0, max: 0x10ffff }),
    );
    const anyString = (maxLength: number) => fc.array(codePoint, { maxLength }).map((points) => String.fromCodePoint(...points));
    const candidate = fc.oneof(
      anyString(24),
      fc.tuple(fc.integer({ min: 250, max: 262 }), anyString(2)).map(([length, tail]) => 'x'.repeat(length) + tail),
      fc.string({ unit: 'grapheme', maxLength: 40 }),
      fc.string({ unit: fc.constantFrom(' ', '\t', '\n', '\u0000', '\u001f', '\u200b', 'a', 'B', '1'), maxLength: 8 }),
      fc.constantFrom(...PLACEHOLDER_IDS).chain((id) => fc.mixedCase(fc.constant(id))),
    );
    fc.assert(
      fc.property(fc.constantFrom(...ID_FIELDS), candidate, (field, value) => {
        let ctx: UserExecutionContext;
        try {
          ctx = createUserExecutionContext({ ...VALID, [field]: value });
        } catch (error) {
          expect(InvalidUserContextError.isInstance(error)).toBe(true);
          const typed = error as InvalidUserContextError;
          expect(typed.field).toBe(field);
          expect(ID_RULES.map((rule) => `${field} ${rule}`)).toContain(typed.message);
          return;
        }
        expect(ctx[field]).toBe(value);
        expect(value.length).toBeGreaterThan(0);
        expect(value.length).toBeLessThanOrEqual(MAX_ID_LENGTH);
        expect(value).not.toMatch(/[\s\p{Cc}\p{Cf}]/u);
        expect(PLACEHOLDER_IDS).not.toContain(value.toLowerCase());
      }),
      { numRuns: 1000 },
    );
  }, 120_000);

  it('accepts any id of ordinary characters unchanged', () => {
    fc.assert(
      fc.property(goodId, goodId, goodId, (userId, threadId, runId) => {
        const ctx = createUserExecutionContext({ userId, threadId, runId });
        expect([ctx.userId, ctx.threadId, ctx.runId]).toEqual([userId, threadId, runId]);
      }),
    );
  });

  it('refuses an otherwise valid id once any whitespace or control character is inserted anywhere', () => {
    const bad = fc.constantFrom(
      ' ',
      '\t',
      '\n',
      '\r',
      '\v',
      '\f',
      '\u00a0',
      '\u2028',
      '\u3000',
      '\u0000',
      '\u0008',
      '\u007f',
      '\u0085',
      '\u200b',
      '\ufeff',
    );
    fc.assert(
      fc.property(goodId, bad, fc.nat(), fc.constantFrom(...ID_FIELDS), (id, character, at, field) => {
        const index = at % (id.length + 1);
        rejection({ ...VALID, [field]: id.slice(0, index) + character + id.slice(index) }, field);
      }),
    );
  });

  it('never accepts a placeholder in any letter case, in any id field', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ID_FIELDS), fc.mixedCase(fc.constantFrom(...PLACEHOLDER_IDS)), (field, value) => {
        rejection({ ...VALID, [field]: value }, field);
      }),
    );
  });

  it('copies any JSON object metadata into an equal, deep-frozen, unaliased copy', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 6 })), (metadata) => {
        const ctx = createUserExecutionContext(withMetadata(metadata));
        expect(ctx.metadata).toEqual(metadata);
        const original = reachableObjects(metadata);
        for (const object of reachableObjects(ctx.metadata)) {
          expect(Object.isFrozen(object)).toBe(true);
          expect(original.has(object)).toBe(false);
        }
      }),
    );
  });
});

describe('ctx.child: properties', () => {
  const anything = fc.anything({
    withBigInt: true,
    withDate: true,
    withMap: true,
    withNullPrototype: true,
    withSet: true,
    withSparseArray: true,
  });
  const parentMetadata = fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 });

  it('never throws anything but InvalidUserContextError for any operation name and metadata, and a child always extends its parent', () => {
    fc.assert(
      fc.property(
        parentMetadata,
        fc.oneof(fc.string({ maxLength: 8 }), anything),
        fc.oneof(parentMetadata, anything),
        (metadata, operationName, extra) => {
          const parent = createUserExecutionContext({ ...VALID, sessionId: 's_1', metadata });
          let child: UserExecutionContext;
          try {
            child = parent.child(operationName as string, extra as Record<string, unknown>);
          } catch (error) {
            expect(InvalidUserContextError.isInstance(error), String(error)).toBe(true);
            expect(['operationName', 'metadata'].some((field) => (error as InvalidUserContextError).field.startsWith(field))).toBe(true);
            return;
          }
          expect(typeof operationName === 'string' && operationName.trim().length > 0).toBe(true);
          expect(isUserExecutionContext(child)).toBe(true);
          expect(Object.isFrozen(child) && Object.isFrozen(child.metadata)).toBe(true);
          expect([child.userId, child.threadId, child.runId, child.sessionId]).toEqual([
            parent.userId,
            parent.threadId,
            parent.runId,
            parent.sessionId,
          ]);
          expect(child).toMatchObject({ depth: parent.depth + 1, parentRequestId: parent.requestId, operationName });
          expect(child.requestId).not.toBe(parent.requestId);
          // Shallow merge, the given keys winning; the parent is untouched.
          const given = extra === undefined ? {} : (extra as Record<string, unknown>);
          expect(child.metadata).toEqual({ ...parent.metadata, ...given });
          expect(parent.metadata).toEqual(metadata);
        },
      ),
      { numRuns: 500 },
    );
  }, 120_000);
});
