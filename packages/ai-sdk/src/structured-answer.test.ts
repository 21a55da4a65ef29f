import { describe, expect, it } from 'vitest';
import { parseStructuredAnswer } from './structured-answer.js';

describe('parseStructuredAnswer', () => {
  it('parses JSON, around whitespace included', () => {
    expect(parseStructuredAnswer(' {"a": 1, "b": [true]}\n')).toEqual({ a: 1, b: [true] });
    expect(parseStructuredAnswer('"text"')).toBe('text');
  });

  it('parses JSON inside one Markdown code fence', () => {
    expect(parseStructuredAnswer('```json\n{"a": 1}\n```')).toEqual({ a: 1 });
    expect(parseStructuredAnswer('```\n[1, 2]```')).toEqual([1, 2]);
  });

  it('returns text that is not JSON unchanged, for the schema check to report', () => {
    expect(parseStructuredAnswer('Sure! {"a": 1}')).toBe('Sure! {"a": 1}');
    expect(parseStructuredAnswer('')).toBe('');
  });
});
