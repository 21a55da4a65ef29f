import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import {
  describeZodIssue,
  firstZodIssue,
  type GlobalWeakSet,
  globalWeakSet,
  isAbortSignal,
  isAgentName,
  isZodSchema,
  type ZodIssueSummary,
} from './index.js';

describe('helpers for Baton’s own packages: types', () => {
  it('narrow what they check', () => {
    const value: unknown = null;
    if (isAbortSignal(value)) expectTypeOf(value).toEqualTypeOf<AbortSignal>();
    if (isAgentName(value)) expectTypeOf(value).toEqualTypeOf<string>();
    if (isZodSchema(value)) expectTypeOf(value.safeParseAsync).returns.toEqualTypeOf<Promise<unknown>>();
  });

  it('take a ZodError as it comes from safeParse', () => {
    const parsed = z.string().safeParse(1);
    if (!parsed.success) {
      expectTypeOf(describeZodIssue(parsed.error, { root: 'event' })).toEqualTypeOf<string>();
      expectTypeOf(firstZodIssue(parsed.error)).toEqualTypeOf<ZodIssueSummary>();
    }
    // @ts-expect-error a plain Error is not a zod error
    describeZodIssue(new Error('x'));
  });

  it('globalWeakSet gives has(unknown) and add(object)', () => {
    const set = globalWeakSet('baton.example.v1');
    expectTypeOf(set).toEqualTypeOf<GlobalWeakSet>();
    expectTypeOf(set.has).toEqualTypeOf<(value: unknown) => boolean>();
    // @ts-expect-error only objects can be added
    set.add('x');
  });
});
