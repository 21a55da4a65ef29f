import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareStreamIds, formatStreamId, nextStreamId, parseStreamId } from './stream-id.js';

const MAX = 2n ** 64n - 1n;
const part = fc.bigInt({ min: 0n, max: MAX });
const streamId = fc.record({ ms: part, seq: part });

describe('stream ids', () => {
  it('round-trips every valid id through its text form', () => {
    fc.assert(
      fc.property(streamId, (id) => {
        expect(parseStreamId(formatStreamId(id))).toEqual(id);
      }),
    );
  });

  it('orders ids as (ms, seq) pairs', () => {
    fc.assert(
      fc.property(streamId, streamId, (a, b) => {
        const expected = a.ms === b.ms ? Math.sign(Number(a.seq - b.seq)) : Math.sign(Number(a.ms - b.ms));
        expect(Math.sign(compareStreamIds(a, b))).toBe(expected);
      }),
    );
  });

  it('nextStreamId is the smallest id after the given one', () => {
    fc.assert(
      fc.property(streamId, (id) => {
        const next = nextStreamId(id);
        if (id.ms === MAX && id.seq === MAX) {
          expect(next).toBeUndefined();
          return;
        }
        expect(next).toBeDefined();
        expect(compareStreamIds(next!, id)).toBeGreaterThan(0);
        expect(next).toEqual(id.seq < MAX ? { ms: id.ms, seq: id.seq + 1n } : { ms: id.ms + 1n, seq: 0n });
      }),
    );
  });

  it.each([
    '',
    '0',
    'abc',
    '1-',
    '-1',
    '1-2-3',
    ' 1-0',
    '1-0 ',
    '1.5-0',
    '18446744073709551616-0',
    '0-18446744073709551616',
    '123456789012345678901-0',
  ])('rejects %j', (text) => expect(parseStreamId(text)).toBeUndefined());

  it('rejects non-strings', () => {
    for (const value of [undefined, null, 1, {}, ['1-0']]) expect(parseStreamId(value)).toBeUndefined();
  });
});
