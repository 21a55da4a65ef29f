/** A word with the whitespace that follows it (leading whitespace stays with the first word). */
const WORD = /\s*\S+\s*/g;

/**
 * Splits `text` into word chunks whose concatenation is exactly `text` (every space, tab and newline
 * kept): `'Hello,  world\n'` → `['Hello,  ', 'world\n']`. Text of whitespace only is one chunk; an
 * empty text none.
 * @internal
 */
export function splitWords(text: string): string[] {
  const words = text.match(WORD);
  if (words === null) return text === '' ? [] : [text];
  return words;
}
