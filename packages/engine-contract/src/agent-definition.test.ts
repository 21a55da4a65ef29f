import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type AgentDefinition, defineAgent, WORKFLOW_AGENT_NAME } from './agent-definition.js';
import { BatonError } from './errors/baton-error.js';
import { InvalidConfigError } from './errors/invalid-config-error.js';

const run = async (input: unknown) => input;

function configError(definition: unknown): InvalidConfigError {
  let caught: unknown;
  try {
    defineAgent(definition as AgentDefinition);
  } catch (error) {
    caught = error;
  }
  expect(InvalidConfigError.isInstance(caught), String(caught)).toBe(true);
  expect(BatonError.isInstance(caught)).toBe(true);
  expect((caught as InvalidConfigError).code).toBe('INVALID_CONFIG');
  return caught as InvalidConfigError;
}

describe('defineAgent', () => {
  it('returns a frozen definition carrying the given fields', () => {
    const input = z.object({ q: z.string() });
    const output = z.string();
    const agent = defineAgent({ name: 'research', description: 'Finds things', input, output, run: async ({ q }) => q });
    expect(Object.isFrozen(agent)).toBe(true);
    expect(agent.name).toBe('research');
    expect(agent.description).toBe('Finds things');
    expect(agent.input).toBe(input);
    expect(agent.output).toBe(output);
    expect(typeof agent.run).toBe('function');
    expect(() => {
      (agent as { name: string }).name = 'other';
    }).toThrow(TypeError);
  });

  it('omits the optional fields that were not given', () => {
    const agent = defineAgent({ name: 'bare', run });
    expect(Object.keys(agent).sort()).toEqual(['name', 'run']);
    expect(agent.run).toBe(run);
  });

  it('returns a copy, unaffected by later changes to the given object', () => {
    const definition = { name: 'copy-me', run };
    const agent = defineAgent(definition);
    definition.name = 'changed';
    expect(agent.name).toBe('copy-me');
    expect(agent).not.toBe(definition);
  });

  it('keeps the run function callable with input and context', async () => {
    const agent = defineAgent({ name: 'echo', run: (text: string) => `${text}!` });
    expect(await agent.run('hi', {} as never)).toBe('hi!');
  });

  it.each(['a', 'A-Z_0.9:x', 'x'.repeat(128), 'tool:search', 'workflow2'])('accepts the name %j', (name) => {
    expect(defineAgent({ name, run }).name).toBe(name);
  });

  it.each([
    ['an empty name', ''],
    ['a name with a space', 'my agent'],
    ['a name with a slash', 'a/b'],
    ['a name with a non-ASCII letter', 'agént'],
    ['a name with a newline', 'a\nb'],
    ['a 129-character name', 'x'.repeat(129)],
    ['a number', 42],
    ['undefined', undefined],
  ])('refuses %s', (_label, name) => {
    expect(configError({ name, run }).message).toContain('name');
  });

  it('refuses the reserved name "workflow"', () => {
    expect(WORKFLOW_AGENT_NAME).toBe('workflow');
    expect(configError({ name: 'workflow', run }).message).toContain('reserved');
  });

  it.each([
    ['missing', undefined],
    ['a string', 'run'],
    ['an object', { call: run }],
  ])('refuses a run that is %s', (_label, value) => {
    expect(configError({ name: 'no-run', run: value }).message).toContain('run');
  });

  it('refuses a non-string description', () => {
    expect(configError({ name: 'described', description: 42, run }).message).toContain('description');
  });

  it.each([
    ['a plain object with parse', { parse: (x: unknown) => x }],
    ['a string', 'z.string()'],
    ['a function', () => true],
    ['null', null],
  ])('refuses %s as input or output schema', (_label, schema) => {
    expect(configError({ name: 'schemas', input: schema, run }).message).toContain('input must be a zod schema');
    expect(configError({ name: 'schemas', output: schema, run }).message).toContain('output must be a zod schema');
  });

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a string', 'agent'],
    ['a function', run],
  ])('refuses %s as the definition', (_label, definition) => {
    configError(definition);
  });
});

describe('defineAgent: refusals', () => {
  it('refuses a non-object definition, saying what it expects', () => {
    expect(configError('echo').message).toBe('defineAgent expects an object { name, run, input?, output?, description? }');
    expect(configError(null).message).toBe('defineAgent expects an object { name, run, input?, output?, description? }');
  });

  it('refuses a function that merely carries a safeParseAsync method as a schema', () => {
    const fake = Object.assign(() => undefined, { safeParseAsync: async () => ({ success: true, data: 1 }) });
    configError({ name: 'a', run, input: fake });
    configError({ name: 'a', run, output: fake });
  });
});
