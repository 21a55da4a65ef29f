import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeZodIssue, firstZodIssue, type ZodErrorLike } from './zod-issue.js';

function errorOf(schema: z.ZodType, value: unknown): z.ZodError {
  const parsed = schema.safeParse(value);
  if (parsed.success) throw new Error('expected a failure');
  return parsed.error;
}

describe('describeZodIssue', () => {
  it('writes the first issue as path: message, the path dotted', () => {
    const error = errorOf(z.object({ a: z.array(z.object({ b: z.string() })) }), { a: [{ b: 1 }] });
    expect(describeZodIssue(error)).toBe(`a.0.b: ${error.issues[0]!.message}`);
    expect(describeZodIssue(error)).toBe('a.0.b: Invalid input: expected string, received number');
  });

  it('uses only the first issue', () => {
    const error = errorOf(z.object({ a: z.string(), b: z.string() }), { a: 1, b: 2 });
    expect(error.issues).toHaveLength(2);
    expect(describeZodIssue(error)).toMatch(/^a: /);
  });

  it("names the root 'value' by default, or as told, when the value itself is at fault", () => {
    const error = errorOf(z.string(), 5);
    expect(describeZodIssue(error)).toBe('value: Invalid input: expected string, received number');
    expect(describeZodIssue(error, { root: 'event' })).toBe('event: Invalid input: expected string, received number');
    expect(describeZodIssue(error, {})).toMatch(/^value: /);
  });

  it('ignores root when there is a path', () => {
    expect(describeZodIssue(errorOf(z.object({ seq: z.number().nonnegative() }), { seq: -1 }), { root: 'event' })).toBe(
      'seq: Too small: expected number to be >=0',
    );
  });

  it("says 'invalid' at the root for an error without issues", () => {
    expect(describeZodIssue({ issues: [] })).toBe('value: invalid');
    expect(describeZodIssue(new z.ZodError([]), { root: 'frame' })).toBe('frame: invalid');
  });

  it('writes a symbol path segment instead of throwing as Array#join would', () => {
    const error: ZodErrorLike = { issues: [{ path: ['a', Symbol('key'), 2], message: 'bad' }] };
    expect(() => ['a', Symbol('key')].join('.')).toThrow(TypeError);
    expect(describeZodIssue(error)).toBe('a.Symbol(key).2: bad');
  });

  it('never echoes the rejected value', () => {
    const error = errorOf(z.object({ apiKey: z.number() }), { apiKey: 'sk-TOPSECRET' });
    expect(describeZodIssue(error)).not.toContain('TOPSECRET');
  });
});

describe('firstZodIssue', () => {
  it("gives the dotted path and message, with '' for the root", () => {
    expect(firstZodIssue(errorOf(z.object({ a: z.object({ b: z.string() }) }), { a: { b: 1 } }))).toEqual({
      path: 'a.b',
      message: 'Invalid input: expected string, received number',
    });
    expect(firstZodIssue(errorOf(z.string(), 1))).toEqual({ path: '', message: 'Invalid input: expected string, received number' });
    expect(firstZodIssue({ issues: [] })).toEqual({ path: '', message: 'invalid' });
  });
});
