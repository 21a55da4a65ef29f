import { describe, expect, it } from 'vitest';
import { parseStreamId } from './stream-id.js';
import { isTrimmedPast, parseStreamInfo } from './stream-info.js';

const id = (text: string) => parseStreamId(text)!;

// XINFO STREAM replies as ioredis returns them (RESP2, flat name/value pairs).
const redis7Reply = (length: number, entriesAdded: number, first: string | null, last: string) => [
  'length',
  length,
  'radix-tree-keys',
  1,
  'radix-tree-nodes',
  2,
  'last-generated-id',
  last,
  'max-deleted-entry-id',
  '0-0',
  'entries-added',
  entriesAdded,
  'recorded-first-entry-id',
  first ?? '0-0',
  'groups',
  0,
  'first-entry',
  first ? [first, ['event', '{}']] : null,
  'last-entry',
  [last, ['event', '{}']],
];
const redis6Reply = (length: number, first: string | null, last: string) => [
  'length',
  length,
  'radix-tree-keys',
  1,
  'radix-tree-nodes',
  2,
  'last-generated-id',
  last,
  'groups',
  0,
  'first-entry',
  first ? [first, ['event', '{}']] : null,
  'last-entry',
  [last, ['event', '{}']],
];

describe('parseStreamInfo', () => {
  it('reads a Redis 7 reply', () => {
    expect(parseStreamInfo(redis7Reply(3, 5, '10-0', '12-0'))).toEqual({
      lastGeneratedId: id('12-0'),
      length: 3,
      entriesAdded: 5,
      firstEntryId: id('10-0'),
    });
  });

  it('reads a Redis 6 reply (no entries-added)', () => {
    expect(parseStreamInfo(redis6Reply(3, '10-0', '12-0')).entriesAdded).toBeUndefined();
  });
});

describe('isTrimmedPast', () => {
  it('is false when nothing was ever removed (Redis 7), whatever the position', () => {
    const info = parseStreamInfo(redis7Reply(5, 5, '10-0', '14-0'));
    for (const position of ['0-0', '1-0', '10-0', '14-0']) expect(isTrimmedPast(info, id(position))).toBe(false);
  });

  it('is true for a position before the first retained entry once entries were trimmed', () => {
    const info = parseStreamInfo(redis7Reply(5, 8, '10-0', '14-0'));
    expect(isTrimmedPast(info, id('0-0'))).toBe(true);
    expect(isTrimmedPast(info, id('9-5'))).toBe(true);
    expect(isTrimmedPast(info, id('10-0'))).toBe(false);
    expect(isTrimmedPast(info, id('12-0'))).toBe(false);
  });

  it('on Redis < 7 judges by the first retained entry alone, but never flags the stream start', () => {
    const info = parseStreamInfo(redis6Reply(5, '10-0', '14-0'));
    expect(isTrimmedPast(info, id('0-0'))).toBe(false);
    expect(isTrimmedPast(info, id('9-0'))).toBe(true);
    expect(isTrimmedPast(info, id('10-0'))).toBe(false);
  });
});
