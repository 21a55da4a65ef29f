import { InvalidConfigError } from '@baton/engine-contract';
import { generateText, stepCountIs, streamText, tool } from 'ai';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createScriptedModel, type ScriptedModelOptions } from './scripted-model.js';

afterEach(() => {
  vi.useRealTimers();
});

async function collect(stream: AsyncIterable<string>): Promise<string[]> {
  const chunks: string[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

describe('createScriptedModel', () => {
  it('implements the AI SDK 6 provider specification', () => {
    const model = createScriptedModel({ answer: 'hi', modelId: 'm', provider: 'p' });
    expect(model).toMatchObject({ specificationVersion: 'v3', modelId: 'm', provider: 'p', supportedUrls: {} });
    expect(createScriptedModel({ answer: 'hi' })).toMatchObject({ modelId: 'scripted', provider: 'baton.scripted' });
  });

  it('streams the answer word by word, whitespace kept, through streamText', async () => {
    const answer = 'The sky  is blue\nbecause of Rayleigh scattering. ';
    const result = streamText({ model: createScriptedModel({ answer }), prompt: 'Why is the sky blue?' });
    const chunks = await collect(result.textStream);
    expect(chunks).toEqual(['The ', 'sky  ', 'is ', 'blue\n', 'because ', 'of ', 'Rayleigh ', 'scattering. ']);
    expect(chunks.join('')).toBe(answer);
    expect(await result.text).toBe(answer);
    expect(await result.finishReason).toBe('stop');
  });

  it('passes the text of the last user message to an answer function', async () => {
    const answer = vi.fn((question: string) => `You asked: ${question}`);
    const result = streamText({
      model: createScriptedModel({ answer }),
      system: 'be brief',
      messages: [
        { role: 'user', content: 'first question' },
        { role: 'assistant', content: 'first answer' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'second ' },
            { type: 'text', text: 'question' },
          ],
        },
      ],
    });
    expect(await result.text).toBe('You asked: second question');
    expect(answer).toHaveBeenCalledWith('second question');
  });

  it('waits delayMs between chunks, on timers', async () => {
    vi.useFakeTimers();
    const result = streamText({ model: createScriptedModel({ answer: 'one two three', delayMs: 100 }), prompt: 'count' });
    const seen: string[] = [];
    const reading = (async () => {
      for await (const chunk of result.textStream) seen.push(chunk);
    })();
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toEqual(['one ']);
    await vi.advanceTimersByTimeAsync(99);
    expect(seen).toEqual(['one ']);
    await vi.advanceTimersByTimeAsync(1);
    expect(seen).toEqual(['one ', 'two ']);
    await vi.advanceTimersByTimeAsync(100);
    await reading;
    expect(seen).toEqual(['one ', 'two ', 'three']);
  });

  it('stops at once when the call is aborted, leaving no timer behind', async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    const model = createScriptedModel({ answer: 'a b c d e f', delayMs: 1_000 });
    const { stream } = await model.doStream({
      prompt: [{ role: 'user', content: [{ type: 'text', text: 'go' }] }],
      abortSignal: controller.signal,
    });
    const reader = stream.getReader();
    const deltas: string[] = [];
    let failure: unknown;
    const reading = (async () => {
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          if (value.type === 'text-delta') deltas.push(value.delta);
        }
      } catch (error) {
        failure = error;
      }
    })();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(deltas).toEqual(['a ', 'b ']);
    controller.abort();
    await reading;
    expect(failure).toMatchObject({ name: 'AbortError' });
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(deltas).toEqual(['a ', 'b ']);
  });

  it("fails a stream with the signal's own reason, as fetch does, and refuses an aborted call", async () => {
    const controller = new AbortController();
    const reason = new Error('stop now');
    controller.abort(reason);
    const model = createScriptedModel({ answer: 'x' });
    await expect(model.doStream({ prompt: [], abortSignal: controller.signal })).rejects.toBe(reason);
    await expect(model.doGenerate({ prompt: [], abortSignal: controller.signal })).rejects.toBe(reason);
  });

  it('a cancelled stream clears its pending timer', async () => {
    vi.useFakeTimers();
    const { stream } = await createScriptedModel({ answer: 'a b c', delayMs: 500 }).doStream({ prompt: [] });
    const reader = stream.getReader();
    while ((await reader.read()).value?.type !== 'text-delta');
    const next = reader.read();
    await vi.advanceTimersByTimeAsync(0);
    expect(vi.getTimerCount()).toBe(1);
    await reader.cancel();
    await next;
    expect(vi.getTimerCount()).toBe(0);
  });

  it('calls its tools first, then answers once the results are in the prompt', async () => {
    const execute = vi.fn(async ({ city }: { city: string }) => ({ city, celsius: 21 }));
    const model = createScriptedModel({
      answer: 'It is 21 degrees.',
      toolCalls: [{ toolName: 'weather', input: { city: 'Paris' }, toolCallId: 'call_weather' }],
      usage: { inputTokens: 12, outputTokens: 5 },
    });
    const result = streamText({
      model,
      prompt: 'Weather in Paris?',
      tools: { weather: tool({ inputSchema: z.object({ city: z.string() }), execute }) },
      stopWhen: stepCountIs(3),
    });
    expect(await result.text).toBe('It is 21 degrees.');
    expect(execute).toHaveBeenCalledWith({ city: 'Paris' }, expect.objectContaining({ toolCallId: 'call_weather' }));
    const steps = await result.steps;
    expect(steps.map((step) => step.finishReason)).toEqual(['tool-calls', 'stop']);
    expect(steps[0]!.toolResults).toEqual([
      expect.objectContaining({ toolCallId: 'call_weather', output: { city: 'Paris', celsius: 21 } }),
    ]);
    expect(await result.totalUsage).toMatchObject({ inputTokens: 24, outputTokens: 10, totalTokens: 34 });
  });

  it('numbers tool calls without an id, uniquely per process', async () => {
    const model = createScriptedModel({
      answer: 'done',
      toolCalls: [
        { toolName: 'a', input: {} },
        { toolName: 'b', input: { n: 1 } },
      ],
    });
    const { content } = await model.doGenerate({ prompt: [{ role: 'user', content: [{ type: 'text', text: 'go' }] }] });
    const ids = content.map((part) => (part.type === 'tool-call' ? part.toolCallId : undefined));
    expect(ids).toEqual([expect.stringMatching(/^call_\d+$/), expect.stringMatching(/^call_\d+$/)]);
    expect(new Set(ids).size).toBe(2);
    expect(content[1]).toMatchObject({ type: 'tool-call', toolName: 'b', input: '{"n":1}' });
  });

  it('streams its reasoning before the answer', async () => {
    const result = streamText({ model: createScriptedModel({ answer: 'Blue.', reasoning: 'Light scatters.' }), prompt: 'Sky?' });
    expect(await result.reasoningText).toBe('Light scatters.');
    expect(await result.text).toBe('Blue.');
  });

  it('answers through doGenerate (generateText) too, with its usage', async () => {
    const result = await generateText({
      model: createScriptedModel({ answer: (q) => q.toUpperCase(), usage: { inputTokens: 3, outputTokens: 2 } }),
      prompt: 'shout',
    });
    expect(result.text).toBe('SHOUT');
    expect(result.usage).toMatchObject({ inputTokens: 3, outputTokens: 2, totalTokens: 5 });
  });

  it.each<[string, unknown]>([
    ['no options', undefined],
    ['a missing answer', {}],
    ['a negative delay', { answer: 'x', delayMs: -1 }],
    ['an infinite delay', { answer: 'x', delayMs: Number.POSITIVE_INFINITY }],
    ['a tool call without a name', { answer: 'x', toolCalls: [{ input: {} }] }],
    ['toolCalls that are not an array', { answer: 'x', toolCalls: { toolName: 'a' } }],
    ['a fractional token count', { answer: 'x', usage: { inputTokens: 1.5 } }],
    ['a negative token count', { answer: 'x', usage: { outputTokens: -1 } }],
  ])('refuses %s with InvalidConfigError', (_case, options) => {
    expect(() => createScriptedModel(options as ScriptedModelOptions)).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIG', message: expect.stringMatching(/^createScriptedModel: /) }),
    );
    try {
      createScriptedModel(options as ScriptedModelOptions);
    } catch (error) {
      expect(InvalidConfigError.isInstance(error)).toBe(true);
    }
  });
});
