import { describe, expect, it } from 'vitest';
import { canonicalStreamId, compareStreamIds } from './stream-id.js';

describe('stream ids', () => {
  it('accepts full <ms>-<seq> ids only, in canonical form', () => {
    expect(canonicalStreamId('1700000000000-0')).toBe('1700000000000-0');
    expect(canonicalStreamId('0001-02')).toBe('1-2');
    for (const text of ['0', '', 'abc', '1-', '-1', '1-2-3', '0a1b2c3d-0000000005', ' 1-2', `${2n ** 64n}-0`, `${'9'.repeat(21)}-0`]) {
      expect(canonicalStreamId(text)).toBeUndefined();
    }
  });

  it('orders ids numerically, not as strings', () => {
    expect(compareStreamIds('9-0', '10-0')).toBeLessThan(0);
    expect(compareStreamIds('10-0', '9-5')).toBeGreaterThan(0);
    expect(compareStreamIds('5-10', '5-9')).toBeGreaterThan(0);
    expect(compareStreamIds('5-3', '5-3')).toBe(0);
    expect(compareStreamIds('0', '1-0')).toBeLessThan(0);
    expect(compareStreamIds('0', '0-0')).toBe(0);
  });
});
