import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AGENT_NAME_PATTERN, AGENT_NAME_RULE, isAgentName } from './agent-name.js';

describe('isAgentName', () => {
  it.each(['a', 'research', 'Research_2', 'stage.one', 'ns:agent', 'kebab-case', '0', 'workflow', 'x'.repeat(128)])(
    'accepts %j',
    (name) => {
      expect(isAgentName(name)).toBe(true);
    },
  );

  it.each([
    ['the empty string', ''],
    ['129 characters', 'x'.repeat(129)],
    ['a space', 'my agent'],
    ['a slash', 'a/b'],
    ['a newline at the end', 'agent\n'],
    ['a non-ASCII letter', 'agént'],
    ['an emoji', 'agent🤖'],
  ])('refuses %s', (_label, name) => {
    expect(isAgentName(name)).toBe(false);
  });

  it.each([null, undefined, 42, {}, ['a'], Symbol('a')])('refuses the non-string %s', (value) => {
    expect(isAgentName(value)).toBe(false);
  });

  it('agrees with AGENT_NAME_PATTERN on any string, and gives the same answer twice (no regex state)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 140 }), (value) => {
        const expected = /^[A-Za-z0-9_.:-]{1,128}$/.test(value);
        expect(isAgentName(value)).toBe(expected);
        expect(isAgentName(value)).toBe(expected);
      }),
    );
  });
});

describe('AGENT_NAME_PATTERN and AGENT_NAME_RULE', () => {
  it('is frozen, so no importer can change the rule for everyone', () => {
    expect(Object.isFrozen(AGENT_NAME_PATTERN)).toBe(true);
    expect(AGENT_NAME_PATTERN.flags).toBe('');
    expect(() => {
      (AGENT_NAME_PATTERN as { lastIndex: number }).lastIndex = 5;
    }).toThrow(TypeError);
  });

  it('words the rule as the messages print it', () => {
    expect(AGENT_NAME_RULE).toBe('1 to 128 characters of letters, digits, "_", ".", ":" or "-"');
  });
});
