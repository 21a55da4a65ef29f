import { describe, expect, it } from 'vitest';
import { parseDemoModel, parseWordDelay, resolveDemoModel } from './demo-model.js';

describe('BATON_DEMO_MODEL', () => {
  it('defaults to the scripted model', () => {
    for (const value of [undefined, '', '  ', 'scripted']) expect(parseDemoModel(value)).toEqual({ provider: 'scripted' });
  });

  it('reads openai:<model id>', () => {
    expect(parseDemoModel('openai:gpt-4.1-mini')).toEqual({ provider: 'openai', modelId: 'gpt-4.1-mini' });
    expect(parseDemoModel('openai:ft:gpt-4o-mini:acme::abc123')).toEqual({ provider: 'openai', modelId: 'ft:gpt-4o-mini:acme::abc123' });
  });

  it.each(['openai', 'openai:', 'openai: gpt', 'anthropic:claude', 'gpt-4.1-mini', 'sk-proj-secretvalue'])(
    'refuses %j with a message naming the accepted forms',
    (value) => {
      expect(() => parseDemoModel(value)).toThrow(/BATON_DEMO_MODEL must be "scripted" .* or "openai:<model id>"/);
    },
  );

  it('never echoes the value (a key pasted into the wrong variable stays out of the log)', () => {
    expect(() => parseDemoModel('sk-proj-secretvalue:x')).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('secretvalue') }),
    );
  });
});

describe('resolveDemoModel', () => {
  it('scripted: no model (the server builds it), with the word delay when set', async () => {
    expect(await resolveDemoModel({})).toEqual({ choice: { provider: 'scripted' }, label: 'scripted (offline)' });
    expect(await resolveDemoModel({ BATON_DEMO_WORD_DELAY_MS: '0' })).toMatchObject({ answerDelayMs: 0 });
  });

  it('openai: needs OPENAI_API_KEY, and says so', async () => {
    await expect(resolveDemoModel({ BATON_DEMO_MODEL: 'openai:gpt-4.1-mini' })).rejects.toThrow(
      'BATON_DEMO_MODEL=openai:gpt-4.1-mini needs OPENAI_API_KEY (your OpenAI API key) in the environment.',
    );
    await expect(resolveDemoModel({ BATON_DEMO_MODEL: 'openai:gpt-4.1-mini', OPENAI_API_KEY: ' ' })).rejects.toThrow(
      /needs OPENAI_API_KEY/,
    );
  });

  it('openai: builds the provider model without calling the network', async () => {
    const resolved = await resolveDemoModel({ BATON_DEMO_MODEL: 'openai:gpt-4.1-mini', OPENAI_API_KEY: 'sk-test-not-a-real-key' });
    expect(resolved.label).toBe('openai:gpt-4.1-mini');
    expect(resolved.model).toMatchObject({ modelId: 'gpt-4.1-mini', provider: expect.stringMatching(/^openai/) });
    expect(JSON.stringify(resolved)).not.toContain('sk-test-not-a-real-key');
  });
});

describe('BATON_DEMO_WORD_DELAY_MS', () => {
  it('is an integer from 0 to 50; unset or empty means the default', () => {
    expect(parseWordDelay(undefined)).toBeUndefined();
    expect(parseWordDelay('')).toBeUndefined();
    expect(parseWordDelay('25')).toBe(25);
    expect(parseWordDelay('50')).toBe(50);
    for (const value of ['-1', '1.5', 'fast', '51'])
      expect(() => parseWordDelay(value)).toThrow(/BATON_DEMO_WORD_DELAY_MS must be an integer from 0 to 50/);
  });
});
