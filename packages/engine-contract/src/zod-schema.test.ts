import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as zm from 'zod/mini';
import { isZodSchema } from './zod-schema.js';

describe('isZodSchema', () => {
  it('accepts zod schemas, classic and mini', () => {
    for (const schema of [
      z.string(),
      z.object({ a: z.number() }),
      z.string().transform(Number),
      zm.string(),
      zm.object({ a: zm.number() }),
    ]) {
      expect(isZodSchema(schema)).toBe(true);
    }
  });

  it('accepts any object with safeParse and safeParseAsync methods (another copy of zod)', () => {
    expect(isZodSchema({ safeParse: () => ({ success: true }), safeParseAsync: async () => ({ success: true }) })).toBe(true);
  });

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a string', 'z.string()'],
    ['an empty object', {}],
    ['an object with only safeParseAsync', { safeParseAsync: async () => ({}) }],
    ['an object with only safeParse', { safeParse: () => ({}) }],
    ['an object whose methods are not functions', { safeParse: 1, safeParseAsync: 1 }],
    ['a function carrying both methods', Object.assign(() => undefined, { safeParse: () => ({}), safeParseAsync: async () => ({}) })],
  ])('refuses %s', (_label, value) => {
    expect(isZodSchema(value)).toBe(false);
  });

  it('answers false instead of throwing for a revoked Proxy or a throwing getter', () => {
    const { proxy, revoke } = Proxy.revocable(z.string(), {});
    revoke();
    const throwing = Object.defineProperty({}, 'safeParse', {
      get() {
        throw new Error('getter');
      },
    });
    expect(isZodSchema(proxy)).toBe(false);
    expect(isZodSchema(throwing)).toBe(false);
  });
});
