import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MARKER, secret, textWithCredentials } from './__fixtures__/credential-arbitraries.js';
import { SECRET_WORDS } from './__fixtures__/secret-words.js';
import { redact } from './redact.js';
import { redactSecretsInText } from './redact-secrets-in-text.js';
import { isSecretKey, REDACTED } from './secret-key.js';

/** Walks every plain object / array in `value` and calls `visit(key, item)` for each object entry. */
function walk(value: unknown, visit: (key: string, item: unknown) => void, seen = new Set<object>()): void {
  if (typeof value !== 'object' || value === null || seen.has(value)) return;
  seen.add(value);
  if (Array.isArray(value)) {
    for (const item of value) walk(item, visit, seen);
    return;
  }
  for (const key of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[key];
    visit(key, item);
    walk(item, visit, seen);
  }
}

describe('redact', () => {
  it('replaces a secret-keyed value with "[REDACTED]" and keeps other keys', () => {
    expect(REDACTED).toBe('[REDACTED]');
    expect(redact({ user: 'ann', apiKey: 'sk-1' })).toEqual({ user: 'ann', apiKey: '[REDACTED]' });
  });

  it('redacts header-style and compound keys', () => {
    expect(redact({ 'x-api-key': 'k', Auth_Token: 't', db_password_hash: 'h', Cookie: 'c', host: 'example.org' })).toEqual({
      'x-api-key': REDACTED,
      Auth_Token: REDACTED,
      db_password_hash: REDACTED,
      Cookie: REDACTED,
      host: 'example.org',
    });
  });

  it('keeps numbers and booleans under secret keys', () => {
    expect(redact({ maxTokens: 512, token: 0, hasPassword: false, secret: true, tokenLimit: Number.NaN })).toEqual({
      maxTokens: 512,
      token: 0,
      hasPassword: false,
      secret: true,
      tokenLimit: Number.NaN,
    });
  });

  it('redacts every other kind of value under a secret key, including objects, arrays, null and undefined', () => {
    const output = redact({
      password: 'p',
      token: { nested: 'x' },
      secret: ['a', 1],
      credential: null,
      cookie: undefined,
      apikey: 10n,
      authorization: () => 'x',
      privateKey: new Date(0),
    });
    for (const value of Object.values(output)) expect(value).toBe(REDACTED);
  });

  it('redacts at any depth inside nested objects and arrays', () => {
    const input = {
      level1: [{ level2: { items: [[{ password: 'p', keep: 'k' }]], headers: { authorization: 'Bearer x' } } }],
    };
    expect(redact(input)).toEqual({
      level1: [{ level2: { items: [[{ password: REDACTED, keep: 'k' }]], headers: { authorization: REDACTED } } }],
    });
  });

  it('returns primitives, null and undefined unchanged', () => {
    for (const value of ['secret', 42, true, null, undefined, 1n]) expect(redact(value)).toBe(value);
    const symbol = Symbol('s');
    expect(redact(symbol)).toBe(symbol);
  });

  it('does not mutate its input and returns a copy', () => {
    const input = { user: 'ann', password: 'p', nested: { token: 't', list: [{ secret: 's' }] } };
    const snapshot = structuredClone(input);
    const output = redact(input);
    expect(input).toEqual(snapshot);
    expect(output).not.toBe(input);
    expect(output.nested).not.toBe(input.nested);
    expect(output.nested.list).not.toBe(input.nested.list);
  });

  it('works on a frozen input', () => {
    const input = Object.freeze({ token: 't', inner: Object.freeze({ secret: 's' }) });
    expect(redact(input)).toEqual({ token: REDACTED, inner: { secret: REDACTED } });
  });

  it('replaces a cycle with "[Circular]" instead of recursing forever', () => {
    const input: Record<string, unknown> = { name: 'loop', password: 'p' };
    input.self = input;
    input.list = [input];
    expect(redact(input)).toEqual({ name: 'loop', password: REDACTED, self: '[Circular]', list: ['[Circular]'] });
  });

  it('copies shared non-cyclic references at each occurrence', () => {
    const shared = { token: 't', id: 1 };
    expect(redact({ a: shared, b: shared })).toEqual({ a: { token: REDACTED, id: 1 }, b: { token: REDACTED, id: 1 } });
  });

  it('turns a Map into a plain object with redacted entries and a Set into an array', () => {
    const map = new Map<unknown, unknown>([
      ['password', 'p'],
      ['user', 'ann'],
      ['nested', { apiKey: 'k' }],
    ]);
    expect(redact({ map })).toEqual({ map: { password: REDACTED, user: 'ann', nested: { apiKey: REDACTED } } });
    expect(redact(new Set([{ secret: 's' }, 'plain']))).toEqual([{ secret: REDACTED }, 'plain']);
    expect(map.get('password')).toBe('p');
  });

  it('copies the own fields of class instances and redacts them', () => {
    class Credentials {
      user = 'ann';
      password = 'p';
    }
    expect(redact({ login: new Credentials() })).toEqual({ login: { user: 'ann', password: REDACTED } });
  });

  it("keeps an Error's name and message and redacts its own secret fields", () => {
    const error = Object.assign(new Error('boom'), { token: 't' });
    expect(redact(error)).toEqual({ name: 'Error', message: 'boom', token: REDACTED });
  });

  it("scrubs the credentials in an Error's message and name", () => {
    const error = new Error('401 for api_key=sk-abcdef123456');
    error.name = 'Bearer abc123xyz';
    expect(redact({ error })).toEqual({ error: { name: `Bearer ${REDACTED}`, message: `401 for api_key=${REDACTED}` } });
  });

  it('keeps dates, as copies without their own properties', () => {
    const date = new Date(0);
    expect(redact({ when: date })).toEqual({ when: date });
    const rigged = Object.assign(new Date(0), { toJSON: () => 'sk-abcdef123456', token: 't' });
    const copy = redact({ when: rigged }).when;
    expect(copy).not.toBe(rigged);
    expect(copy.getTime()).toBe(0);
    expect(Object.keys(copy)).toEqual([]);
    expect(JSON.stringify(copy)).toBe('"1970-01-01T00:00:00.000Z"');
  });

  it('copies typed arrays without their own properties, and keeps a Buffer a Buffer', () => {
    const bytes = Object.assign(new Uint8Array([1, 2]), { token: 'sk-abcdef123456', toJSON: () => 'sk-abcdef123456' });
    const copy = redact({ bytes }).bytes;
    expect(copy).toBeInstanceOf(Uint8Array);
    expect([...copy]).toEqual([1, 2]);
    expect(JSON.stringify(copy)).toBe('{"0":1,"1":2}');
    const buffer = Buffer.from('hi');
    const bufferCopy = redact(buffer);
    expect(Buffer.isBuffer(bufferCopy)).toBe(true);
    expect(bufferCopy).not.toBe(buffer);
    expect(bufferCopy.toString()).toBe('hi');
  });

  it('turns boxed primitives into the primitive, a string scrubbed', () => {
    expect(redact([new String('Bearer abc123xyz'), new Number(2), new Boolean(false)])).toEqual([`Bearer ${REDACTED}`, 2, false]);
  });

  it('drops function-valued properties, an own toJSON included, so that serialising the copy cannot rebuild a secret', () => {
    const input = {
      apiKey: 'sk-abcdef123456',
      keep: 'k',
      toJSON() {
        return { apiKey: 'sk-abcdef123456' };
      },
      nested: { helper: () => 'x', toJSON: () => 'hunter2', id: 1 },
    };
    const output = redact(input);
    expect(output).toEqual({ apiKey: REDACTED, keep: 'k', nested: { id: 1 } });
    expect(Object.hasOwn(output, 'toJSON')).toBe(false);
    expect(JSON.stringify(output)).toBe(`{"apiKey":"${REDACTED}","keep":"k","nested":{"id":1}}`);
    expect(
      redact(
        new Map<string, unknown>([
          ['toJSON', () => 'hunter2'],
          ['a', 1],
        ]),
      ),
    ).toEqual({ a: 1 });
  });

  it('turns a function in an array or a set into undefined, and a function given alone into undefined', () => {
    const rigged = Object.assign(() => 'x', { toJSON: () => 'hunter2' });
    expect(redact([rigged, 1])).toEqual([undefined, 1]);
    expect(redact(new Set([rigged]))).toEqual([undefined]);
    expect(redact(rigged)).toBeUndefined();
    expect(JSON.stringify(redact({ list: [rigged] }))).toBe('{"list":[null]}');
  });

  it('scrubs credentials in every string at any depth: fields, array items, map values, set items', () => {
    const leak = 'failed with Bearer abc123xyz at postgres://ann:hunter2@db';
    const clean = `failed with Bearer ${REDACTED} at postgres://${REDACTED}@db`;
    expect(redact({ a: leak, b: [leak, { c: leak }], m: new Map([['d', leak]]), s: new Set([leak]) })).toEqual({
      a: clean,
      b: [clean, { c: clean }],
      m: { d: clean },
      s: [clean],
    });
    expect(redact(leak)).toBe(clean);
  });

  it('scrubs credentials held in keys, secret keys included', () => {
    expect(redact({ 'Bearer abc123xyz': 1, 'password=hunter2': 'x', plain: 2 })).toEqual({
      [`Bearer ${REDACTED}`]: 1,
      [`password=${REDACTED}`]: REDACTED,
      plain: 2,
    });
  });

  it('redacts the values of the widened secret keys', () => {
    expect(
      redact({ accessKey: 'a', auth: { user: 'ann', pass: 'p' }, pwd: 'p', connectionString: 'c', credentials: ['c'], author: 'Ann' }),
    ).toEqual({ accessKey: REDACTED, auth: REDACTED, pwd: REDACTED, connectionString: REDACTED, credentials: REDACTED, author: 'Ann' });
  });

  it('replaces a throwing getter with "[Unreadable]" (or "[REDACTED]" under a secret key) without throwing', () => {
    const input = {
      get boom(): string {
        throw new Error('getter');
      },
      get token(): string {
        throw new Error('getter');
      },
      fine: 1,
    };
    expect(redact(input)).toEqual({ boom: '[Unreadable]', token: REDACTED, fine: 1 });
  });

  it('never throws on a revoked Proxy or a Proxy with throwing traps', () => {
    const { proxy, revoke } = Proxy.revocable({ password: 'p' }, {});
    revoke();
    expect(redact(proxy)).toBe('[Unreadable]');
    expect(redact({ inner: proxy })).toEqual({ inner: '[Unreadable]' });
    const hostile = new Proxy(
      { a: 1 },
      {
        ownKeys: () => {
          throw new Error('trap');
        },
      },
    );
    expect(redact({ hostile })).toEqual({ hostile: '[Unreadable]' });
  });

  it('redacts array items even when the array overrides map', () => {
    class SneakyArray<T> extends Array<T> {
      override map<U>(): U[] {
        return this as unknown as U[];
      }
    }
    const input = SneakyArray.from([{ password: 'p' }]);
    expect(redact({ list: input })).toEqual({ list: [{ password: REDACTED }] });
  });

  it('keeps a "__proto__" key as data and never pollutes a prototype', () => {
    const input = JSON.parse('{"__proto__": {"password": "p", "polluted": "yes"}, "a": 1}') as Record<string, unknown>;
    const output = redact(input);
    expect(Object.getPrototypeOf(output)).toBe(Object.prototype);
    expect(Object.hasOwn(output, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(output, '__proto__')?.value).toEqual({ password: REDACTED, polluted: 'yes' });
    expect(output.polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('keeps the "__proto__" key of the copy an ordinary enumerable, writable, configurable data property', () => {
    const output = redact(JSON.parse('{"__proto__": "x"}') as Record<string, unknown>);
    expect(Object.getOwnPropertyDescriptor(output, '__proto__')).toEqual({
      value: 'x',
      enumerable: true,
      writable: true,
      configurable: true,
    });
  });

  it('copies only own fields of a class instance, never its prototype getters (not even name or message)', () => {
    class Named {
      field = 1;
      get name(): string {
        return 'from-prototype';
      }
      get message(): string {
        return 'from-prototype';
      }
    }
    expect(Object.keys(redact({ value: new Named() }).value)).toEqual(['field']);
  });

  it.each([
    ['objects', (inner: unknown) => ({ d: inner })],
    ['arrays', (inner: unknown) => [inner]],
    ['sets', (inner: unknown) => new Set([inner])],
    ['maps', (inner: unknown) => new Map([['d', inner]])],
  ])('cuts nested %s at exactly 64 levels with "[MaxDepth]"', (_kind, wrap) => {
    const nested = (levels: number): unknown => {
      let value: unknown = 'leaf';
      for (let index = 0; index < levels; index++) value = wrap(value);
      return value;
    };
    // 64 containers: the deepest one sits at depth 63 and is still copied; a 65th is cut at depth 64.
    expect(JSON.stringify(redact(nested(64)))).not.toContain('[MaxDepth]');
    expect(JSON.stringify(redact(nested(64)))).toContain('leaf');
    const cut = JSON.stringify(redact(nested(65)));
    expect(cut).toContain('[MaxDepth]');
    expect(cut).not.toContain('leaf');
  });

  it('stops at a very deep nesting without overflowing the stack', () => {
    let deep: Record<string, unknown> = { password: 'p' };
    for (let index = 0; index < 10_000; index++) deep = { d: deep };
    expect(() => redact(deep)).not.toThrow();
    expect(JSON.stringify(redact(deep))).toContain('[MaxDepth]');
  });
});

describe('redact: properties', () => {
  const secretKey = fc.oneof(
    fc.constantFrom('password', 'x-api-key', 'Auth_Token', 'db_password_hash', 'COOKIE', 'private_key', 'clientSecret', 'credentials'),
    fc
      .tuple(fc.string({ maxLength: 4 }), fc.mixedCase(fc.constantFrom(...SECRET_WORDS)), fc.string({ maxLength: 4 }))
      .map(([before, word, after]) => `${before}${word}${after}`),
  );
  const anyKey = fc.oneof(secretKey, fc.string({ maxLength: 10 }));
  // Every string value carries a unique marker, so leaks can be found in the output's JSON.
  const leaf = fc.oneof(
    fc.string().map((text) => `S3CR3T:${text}`),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
  );
  const { tree } = fc.letrec<{ tree: unknown; node: unknown }>((tie) => ({
    tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('node')),
    node: fc.oneof(
      fc.array(fc.tuple(anyKey, tie('tree')), { maxLength: 5 }).map((entries) => {
        const object: Record<string, unknown> = {};
        for (const [key, value] of entries)
          Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
        return object;
      }),
      fc.array(tie('tree'), { maxLength: 4 }),
      fc.array(fc.tuple(anyKey, tie('tree')), { maxLength: 3 }).map((entries) => new Map(entries)),
    ),
  }));

  it('lets no non-number, non-boolean value under a secret key survive, at any depth', () => {
    fc.assert(
      fc.property(tree, (input) => {
        const output = redact(input);
        walk(output, (key, item) => {
          if (isSecretKey(key)) expect(typeof item === 'number' || typeof item === 'boolean' || item === REDACTED).toBe(true);
        });
      }),
      { numRuns: 500 },
    );
  }, 120_000);

  it('leaks no string that sat under a secret key, in objects, arrays and maps', () => {
    fc.assert(
      fc.property(fc.dictionary(secretKey, tree, { maxKeys: 4 }), (secrets) => {
        const input = { visible: 'ok', wrapper: [secrets], map: new Map(Object.entries(secrets)) };
        const json = JSON.stringify(redact(input));
        expect(json).toContain('"visible":"ok"');
        expect(json).not.toContain('S3CR3T');
      }),
      { numRuns: 300 },
    );
  }, 120_000);

  const unchanged = (text: string): boolean => redactSecretsInText(text) === text;
  const noSecretKeys = (value: unknown): boolean => {
    if (typeof value === 'string') return unchanged(value);
    let clean = true;
    walk(value, (key, item) => {
      if (isSecretKey(key) || !unchanged(key) || (typeof item === 'string' && !unchanged(item))) clean = false;
    });
    return clean;
  };

  it('returns a deep-equal copy of any JSON value without secret keys or credentials, leaving the input untouched', () => {
    fc.assert(
      fc.property(fc.jsonValue().filter(noSecretKeys), (input) => {
        const snapshot = structuredClone(input);
        const output = redact(input);
        expect(output).toEqual(input);
        expect(input).toEqual(snapshot);
        if (typeof input === 'object' && input !== null) expect(output).not.toBe(input);
      }),
      { numRuns: 500 },
    );
  }, 120_000);

  /**
   * An independent model of the key rule: lower-cased, without "-" and "_", the key contains a secret
   * word, or one of its words is "auth" or "oauth". Text is scrubbed by `redactSecretsInText`.
   */
  const modelSecret = (key: string): boolean =>
    SECRET_WORDS.some((word) => key.toLowerCase().replaceAll('-', '').replaceAll('_', '').includes(word)) ||
    key
      .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
      .replace(/([A-Z])([A-Z][a-z])/g, '$1 $2')
      .toLowerCase()
      .split(/[^a-z]+/)
      .some((word) => word === 'auth' || word === 'oauth');
  const model = (value: unknown): unknown => {
    if (typeof value === 'string') return redactSecretsInText(value);
    if (Array.isArray(value)) return value.map(model);
    const entries =
      value instanceof Map
        ? [...value].map(([key, item]) => [String(key), item] as const)
        : typeof value === 'object' && value !== null
          ? Object.entries(value)
          : undefined;
    if (entries === undefined) return value;
    const copy: Record<string, unknown> = {};
    for (const [key, item] of entries) {
      const kept = typeof item === 'number' || typeof item === 'boolean' || !modelSecret(key) ? model(item) : REDACTED;
      const name = redactSecretsInText(key);
      Object.defineProperty(copy, name, { value: kept, enumerable: true, writable: true, configurable: true });
    }
    return copy;
  };

  it('changes exactly the secret-keyed values and the credentials in text of a random tree, and nothing else, at any depth', () => {
    fc.assert(
      fc.property(tree, (input) => {
        expect(redact(input)).toStrictEqual(model(input));
      }),
      { numRuns: 500 },
    );
  }, 120_000);

  // What an agent may hand over: credentials in text, under secret keys, in errors, behind an own
  // toJSON on objects, functions, dates and typed arrays, in maps and sets, at any depth.
  const { hostile } = fc.letrec<{ hostile: unknown; container: unknown }>((tie) => ({
    hostile: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      textWithCredentials,
      fc.string(),
      fc.integer(),
      textWithCredentials.map((message) => new Error(message)),
      secret.map((value) => Object.assign(new Date(0), { toJSON: () => value })),
      secret.map((value) => Object.assign(new Uint8Array(1), { toJSON: () => value, note: value })),
      tie('container'),
    ),
    container: fc.oneof(
      fc
        .tuple(fc.array(fc.tuple(fc.string({ maxLength: 8 }), tie('hostile')), { maxLength: 4 }), secret, fc.boolean())
        .map(([entries, value, withToJson]) => {
          const object: Record<string, unknown> = { password: value };
          for (const [key, item] of entries) Object.defineProperty(object, key, { value: item, enumerable: true, configurable: true });
          if (withToJson) object.toJSON = () => ({ password: value });
          return object;
        }),
      fc.array(tie('hostile'), { maxLength: 4 }),
      fc.array(tie('hostile'), { maxLength: 3 }).map((items) => new Set(items)),
      fc.array(fc.tuple(fc.string({ maxLength: 8 }), tie('hostile')), { maxLength: 3 }).map((entries) => new Map(entries)),
      secret.map((value) => Object.assign(() => value, { toJSON: () => value })),
    ),
  }));

  it('leaves no credential in the JSON of the copy, whatever the structure, text, errors and toJSON functions hold', () => {
    fc.assert(
      fc.property(hostile, (input) => {
        expect(JSON.stringify(redact({ output: input })) ?? '').not.toContain(MARKER);
      }),
      { numRuns: 500 },
    );
  }, 120_000);

  it('never throws, whatever the input', () => {
    fc.assert(
      fc.property(
        fc.anything({
          withBigInt: true,
          withBoxedValues: true,
          withDate: true,
          withMap: true,
          withNullPrototype: true,
          withSet: true,
          withSparseArray: true,
          withTypedArray: true,
        }),
        (input) => {
          redact(input);
        },
      ),
      { numRuns: 500 },
    );
  }, 120_000);
});
