import { describe, expect, it } from 'vitest';
import { splitWords } from './split-words.js';

describe('splitWords', () => {
  it('splits into words that keep the whitespace after them', () => {
    expect(splitWords('Hello,  world\nand\tmore ')).toEqual(['Hello,  ', 'world\n', 'and\t', 'more ']);
  });

  it('keeps leading whitespace with the first word, and a whitespace-only text whole', () => {
    expect(splitWords('  indented')).toEqual(['  indented']);
    expect(splitWords(' \n ')).toEqual([' \n ']);
    expect(splitWords('')).toEqual([]);
  });

  it.each(['', 'one', ' a  b ', 'multi\n\nline\r\ntext', '\t tabs\tand spaces  ', 'émoji 🎉 ünïcode'])(
    'concatenates back to %j',
    (text) => {
      expect(splitWords(text).join('')).toBe(text);
    },
  );
});
