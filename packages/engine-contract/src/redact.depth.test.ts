import { describe, expect, it } from 'vitest';
import { redact } from './redact.js';

/** How many objects deep `value` goes along `key`, and what it ends with. */
function chain(value: unknown, key: string): { levels: number; end: unknown } {
  let levels = 0;
  let current = value;
  while (typeof current === 'object' && current !== null) {
    current = (current as Record<string, unknown>)[key];
    levels++;
  }
  return { levels, end: current };
}

describe('redact: the depth bound holds through what an Error inherits', () => {
  it.each(['message', 'name'])(
    'copies an Error whose inherited %s makes a new Error on every read down to 64 levels, then "[MaxDepth]"',
    (key) => {
      class Endless extends Error {}
      Object.defineProperty(Endless.prototype, key, { get: () => new Endless() });
      expect(chain(redact(new Endless()), key)).toEqual({ levels: 64, end: '[MaxDepth]' });
    },
  );
});
