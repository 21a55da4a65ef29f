import { type AgentContext, InvalidConfigError } from '@baton/engine-contract';
import { APICallError, simulateReadableStream, tool } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { z } from 'zod';
import { createFakeAgentContext } from './__fixtures__/fake-agent-context.js';
import { DEFAULT_MAX_STEPS, defineModelAgent, type ModelAgentSettings } from './define-model-agent.js';
import type { LanguageModelV3StreamPart, LanguageModelV3Usage } from './language-model-v3.js';
import { createScriptedModel } from './scripted-model.js';

function usageV3(input: number, output: number): LanguageModelV3Usage {
  return {
    inputTokens: { total: input, noCache: input, cacheRead: undefined, cacheWrite: undefined },
    outputTokens: { total: output, text: output, reasoning: undefined },
  };
}

const finish = (input = 1, output = 1): LanguageModelV3StreamPart => ({
  type: 'finish',
  finishReason: { unified: 'stop', raw: 'stop' },
  usage: usageV3(input, output),
});

/** The AI SDK's own mock model, streaming `parts` (framed by stream-start) once per call. */
function mockModel(...calls: LanguageModelV3StreamPart[][]) {
  return new MockLanguageModelV3({
    doStream: calls.map((parts) => ({
      stream: simulateReadableStream({ chunks: [{ type: 'stream-start', warnings: [] }, ...parts] as LanguageModelV3StreamPart[] }),
    })),
  });
}

const text = (...deltas: string[]): LanguageModelV3StreamPart[] => [
  { type: 'text-start', id: 't' },
  ...deltas.map((delta): LanguageModelV3StreamPart => ({ type: 'text-delta', id: 't', delta })),
  { type: 'text-end', id: 't' },
];

async function run<TInput, TOutput>(settings: ModelAgentSettings<TInput, TOutput>, input: TInput, fake = createFakeAgentContext()) {
  const agent = defineModelAgent(settings);
  return { fake, result: await agent.run(input, fake.ctx) };
}

let consoleError: MockInstance;
let consoleWarn: MockInstance;
beforeEach(() => {
  consoleError = vi.spyOn(console, 'error');
  consoleWarn = vi.spyOn(console, 'warn');
});
afterEach(() => {
  // Nothing a model agent does may print: the SDK prints provider errors (keys included) by default.
  expect(consoleError).not.toHaveBeenCalled();
  expect(consoleWarn).not.toHaveBeenCalled();
  vi.useRealTimers();
});

describe('defineModelAgent', () => {
  it('makes a frozen AgentDefinition with the name, description and schemas', () => {
    const input = z.object({ question: z.string() });
    const output = z.object({ answer: z.string() });
    const agent = defineModelAgent({
      name: 'qa',
      description: 'answers',
      model: createScriptedModel({ answer: '{}' }),
      prompt: ({ question }) => question,
      input,
      output,
    });
    expect(agent).toMatchObject({ name: 'qa', description: 'answers', input, output });
    expect(Object.isFrozen(agent)).toBe(true);
    expect(DEFAULT_MAX_STEPS).toBe(5);
  });

  it('streams every text delta, in order, through ctx.writeOutput and returns their concatenation', async () => {
    const answer = 'Rayleigh scattering:\n  short   wavelengths scatter more. ';
    const { fake, result } = await run({ name: 'a', model: createScriptedModel({ answer }), prompt: () => 'Why blue?' }, undefined);
    const deltas = fake.calls.filter((call) => call.type === 'output').map((call) => call.delta);
    expect(deltas).toEqual(['Rayleigh ', 'scattering:\n  ', 'short   ', 'wavelengths ', 'scatter ', 'more. ']);
    expect(deltas.join('')).toBe(answer);
    expect(result).toBe(answer);
  });

  it('returns the text of every step, as streamed, when the model writes before and after a tool call', async () => {
    const model = mockModel(
      [
        ...text('Let me check. '),
        { type: 'tool-call', toolCallId: 'c1', toolName: 'now', input: '{}' },
        { ...finish(), finishReason: { unified: 'tool-calls', raw: 'tool_calls' } } as LanguageModelV3StreamPart,
      ],
      [...text('It is ', 'noon.'), finish()],
    );
    const { fake, result } = await run(
      { name: 'a', model, prompt: () => 'time?', tools: { now: tool({ inputSchema: z.object({}), execute: async () => '12:00' }) } },
      undefined,
    );
    expect(result).toBe('Let me check. It is noon.');
    expect(fake.output()).toBe(result);
  });

  it('passes the system text and the prompt made from the input and ctx, and ctx.signal as the abort signal', async () => {
    const model = mockModel([...text('ok'), finish()]);
    const system = vi.fn((input: { topic: string }, ctx: AgentContext) => `Expert on ${input.topic} for ${ctx.userContext.userId}`);
    const prompt = vi.fn(async (input: { topic: string }) => [{ role: 'user' as const, content: `Tell me about ${input.topic}` }]);
    const fake = createFakeAgentContext();
    await run({ name: 'a', model, system, prompt }, { topic: 'owls' }, fake);
    expect(system).toHaveBeenCalledWith({ topic: 'owls' }, fake.ctx);
    expect(prompt).toHaveBeenCalledWith({ topic: 'owls' }, fake.ctx);
    expect(model.doStreamCalls[0]!.prompt).toEqual([
      { role: 'system', content: 'Expert on owls for u_1' },
      { role: 'user', content: [{ type: 'text', text: 'Tell me about owls' }] },
    ]);
    // streamText combines its signal with a timeout signal of its own; aborting ours must abort the model's.
    const modelSignal = model.doStreamCalls[0]!.abortSignal!;
    expect(modelSignal.aborted).toBe(false);
    fake.controller.abort();
    expect(modelSignal.aborted).toBe(true);
  });

  it('reports each finished reasoning part once through ctx.think', async () => {
    const model = mockModel([
      { type: 'reasoning-start', id: 'r1' },
      { type: 'reasoning-delta', id: 'r1', delta: 'First, ' },
      { type: 'reasoning-delta', id: 'r1', delta: 'think.' },
      { type: 'reasoning-end', id: 'r1' },
      { type: 'reasoning-start', id: 'r2' },
      { type: 'reasoning-end', id: 'r2' },
      { type: 'reasoning-start', id: 'r3' },
      { type: 'reasoning-delta', id: 'r3', delta: 'Then answer.' },
      { type: 'reasoning-end', id: 'r3' },
      ...text('Done'),
      finish(),
    ]);
    const { fake } = await run({ name: 'a', model, prompt: () => 'q' }, undefined);
    expect(fake.calls.filter((call) => call.type !== 'usage')).toEqual([
      { type: 'thought', thought: 'First, think.' },
      { type: 'thought', thought: 'Then answer.' },
      { type: 'output', delta: 'Done' },
    ]);
  });

  it('reports the usage of each step through ctx.reportUsage', async () => {
    const model = createScriptedModel({
      answer: 'ok',
      toolCalls: [{ toolName: 'ping', input: {} }],
      usage: { inputTokens: 10, outputTokens: 4 },
    });
    const { fake } = await run(
      { name: 'a', model, prompt: () => 'q', tools: { ping: tool({ inputSchema: z.object({}), execute: async () => 'pong' }) } },
      undefined,
    );
    const usage = fake.calls.filter((call) => call.type === 'usage').map((call) => call.usage);
    expect(usage).toEqual([
      { inputTokens: 10, outputTokens: 4, totalTokens: 14 },
      { inputTokens: 10, outputTokens: 4, totalTokens: 14 },
    ]);
  });

  it('reports no usage when the model reports none', async () => {
    const { fake } = await run({ name: 'a', model: createScriptedModel({ answer: 'ok' }), prompt: () => 'q' }, undefined);
    expect(fake.calls.filter((call) => call.type === 'usage')).toEqual([]);
  });

  it("maps a tool call to tool_executing / tool_completed with the model's toolCallId, before the text that follows", async () => {
    const execute = vi.fn(async ({ city }: { city: string; apiKey: string }) => ({ city, celsius: 21, token: 'tok-123' }));
    const model = createScriptedModel({
      answer: 'Sunny, 21 degrees.',
      toolCalls: [{ toolName: 'weather', input: { city: 'Paris', apiKey: 'sk-live-123' }, toolCallId: 'call_w1' }],
    });
    const { fake, result } = await run(
      {
        name: 'a',
        model,
        prompt: () => 'Paris?',
        tools: { weather: tool({ inputSchema: z.object({ city: z.string(), apiKey: z.string() }), execute }) },
      },
      undefined,
    );
    expect(execute).toHaveBeenCalledWith({ city: 'Paris', apiKey: 'sk-live-123' }, expect.objectContaining({ toolCallId: 'call_w1' }));
    expect(fake.calls).toEqual([
      { type: 'tool_executing', toolCallId: 'call_w1', toolName: 'weather', input: { city: 'Paris', apiKey: '[REDACTED]' } },
      {
        type: 'tool_completed',
        toolCallId: 'call_w1',
        toolName: 'weather',
        status: 'succeeded',
        output: { city: 'Paris', celsius: 21, token: '[REDACTED]' },
      },
      { type: 'output', delta: 'Sunny, ' },
      { type: 'output', delta: '21 ' },
      { type: 'output', delta: 'degrees.' },
    ]);
    expect(result).toBe('Sunny, 21 degrees.');
  });

  it('maps a tool that throws to a failed tool_completed; the model goes on with the error', async () => {
    const model = createScriptedModel({
      answer: 'Sorry, no data.',
      toolCalls: [{ toolName: 'lookup', input: { q: 'x' }, toolCallId: 'call_1' }],
    });
    const tools = {
      lookup: tool({
        inputSchema: z.object({ q: z.string() }),
        execute: async (): Promise<string> => {
          throw new Error('upstream 503');
        },
      }),
    };
    const { fake, result } = await run({ name: 'a', model, prompt: () => 'q', tools }, undefined);
    expect(fake.calls[1]).toEqual({
      type: 'tool_completed',
      toolCallId: 'call_1',
      toolName: 'lookup',
      status: 'failed',
      error: { name: 'Error', message: 'upstream 503' },
    });
    expect(result).toBe('Sorry, no data.');
  });

  it('fails a call of an unknown tool, and one that gets no result (no execute), so every tool_executing is completed', async () => {
    const model = createScriptedModel({
      answer: 'never streamed',
      toolCalls: [
        { toolName: 'missing', input: {}, toolCallId: 'call_missing' },
        { toolName: 'client_side', input: { x: 1 }, toolCallId: 'call_client' },
      ],
    });
    const { fake, result } = await run(
      { name: 'a', model, prompt: () => 'q', tools: { client_side: tool({ inputSchema: z.object({ x: z.number() }) }) } },
      undefined,
    );
    const completed = fake.calls.filter((call) => call.type === 'tool_completed');
    expect(completed).toEqual([
      expect.objectContaining({
        toolCallId: 'call_missing',
        status: 'failed',
        error: expect.objectContaining({ name: 'AI_NoSuchToolError' }),
      }),
      expect.objectContaining({
        toolCallId: 'call_client',
        status: 'failed',
        error: expect.objectContaining({ name: 'ModelToolCallError' }),
      }),
    ]);
    expect(fake.calls.filter((call) => call.type === 'tool_executing').map((call) => call.toolCallId)).toEqual([
      'call_missing',
      'call_client',
    ]);
    expect(result).toBe('');
  });

  it('stops after maxSteps model calls', async () => {
    const model = createScriptedModel({ answer: 'final', toolCalls: [{ toolName: 'ping', input: {} }] });
    const doStream = vi.spyOn(model, 'doStream');
    const ping = tool({ inputSchema: z.object({}), execute: async () => 'pong' });
    const { result } = await run({ name: 'a', model, prompt: () => 'q', tools: { ping }, maxSteps: 1 }, undefined);
    expect(doStream).toHaveBeenCalledTimes(1);
    expect(result).toBe('');
  });

  it('asks the model for JSON matching the output schema and returns the parsed last-step answer', async () => {
    const model = mockModel([...text('```json\n{"city": "Paris",', ' "celsius": 21}\n```'), finish()]);
    const output = z.object({ city: z.string(), celsius: z.number() });
    const { result } = await run({ name: 'a', model, prompt: () => 'q', output }, undefined);
    expect(result).toEqual({ city: 'Paris', celsius: 21 });
    expect(model.doStreamCalls[0]!.responseFormat).toMatchObject({
      type: 'json',
      schema: expect.objectContaining({ type: 'object', required: ['city', 'celsius'] }),
    });
  });

  it('returns the text as it is when a structured answer is not JSON (the engine then reports INVALID_AGENT_IO)', async () => {
    const { result } = await run(
      { name: 'a', model: createScriptedModel({ answer: 'not json' }), prompt: () => 'q', output: z.object({ a: z.number() }) },
      undefined,
    );
    expect(result).toBe('not json');
  });

  describe('provider errors', () => {
    const secretError = () =>
      new APICallError({
        message: 'Incorrect API key provided: sk-proj-abcdef123456 (Authorization: Bearer sk-proj-abcdef123456)',
        url: 'https://api.example.test/v1/chat?key=AIzaSyD-secret-key-000000000',
        requestBodyValues: { model: 'x', apiKey: 'sk-proj-abcdef123456' },
        statusCode: 401,
        responseHeaders: { 'set-cookie': 'session=secret' },
        isRetryable: false,
      });

    it('fails the run with the error name and message, secrets redacted, and prints nothing', async () => {
      const model = new MockLanguageModelV3({
        doStream: async () => {
          throw secretError();
        },
      });
      const fake = createFakeAgentContext();
      const failure = await Promise.resolve(defineModelAgent({ name: 'a', model, prompt: () => 'q' }).run(undefined, fake.ctx)).then(
        () => undefined,
        (error: unknown) => error as Error,
      );
      expect(failure).toBeInstanceOf(Error);
      expect(failure!.name).toBe('AI_APICallError');
      expect(failure!.message).toBe('Incorrect API key provided: [REDACTED] (Authorization: Bearer [REDACTED])');
      expect(failure!.cause).toBeUndefined();
      expect(JSON.stringify(failure, Object.getOwnPropertyNames(failure))).not.toMatch(/sk-proj|AIza|session=secret/);
    });

    it('fails the run on an error part in the middle of the stream, after the deltas so far', async () => {
      const model = mockModel([
        { type: 'text-start', id: 't' },
        { type: 'text-delta', id: 't', delta: 'Hal' },
        { type: 'error', error: secretError() },
        ...text('never'),
        finish(),
      ]);
      const fake = createFakeAgentContext();
      await expect(defineModelAgent({ name: 'a', model, prompt: () => 'q' }).run(undefined, fake.ctx)).rejects.toThrow(
        /^Incorrect API key provided: \[REDACTED\]/,
      );
      expect(fake.output()).toBe('Hal');
    });

    it('fails the run after the SDK gave up retrying, keeping its message', async () => {
      let calls = 0;
      const model = new MockLanguageModelV3({
        doStream: async () => {
          calls++;
          throw new APICallError({
            message: 'Overloaded',
            url: 'https://x.test',
            requestBodyValues: {},
            statusCode: 529,
            isRetryable: true,
          });
        },
      });
      vi.useFakeTimers();
      const running = Promise.resolve(
        defineModelAgent({ name: 'a', model, prompt: () => 'q', callSettings: { maxRetries: 1 } }).run(
          undefined,
          createFakeAgentContext().ctx,
        ),
      );
      const settled = running.catch((error: unknown) => error as Error);
      await vi.runAllTimersAsync();
      const failure = await settled;
      expect(calls).toBe(2);
      expect(failure).toMatchObject({ name: 'AI_RetryError', message: expect.stringMatching(/Overloaded/) });
    });
  });

  describe('aborts', () => {
    it('stops the model stream mid-answer when ctx.signal aborts, and rejects with the reason', async () => {
      vi.useFakeTimers();
      const model = createScriptedModel({ answer: 'one two three four five', delayMs: 100 });
      const fake = createFakeAgentContext();
      const running = Promise.resolve(defineModelAgent({ name: 'a', model, prompt: () => 'q' }).run(undefined, fake.ctx));
      const settled = running.then(
        () => 'resolved',
        (error: unknown) => error,
      );
      await vi.advanceTimersByTimeAsync(150);
      expect(fake.output()).toBe('one two ');
      const reason = new DOMException('The run was cancelled', 'AbortError');
      fake.controller.abort(reason);
      expect(await settled).toBe(reason);
      await vi.advanceTimersByTimeAsync(1_000);
      expect(fake.output()).toBe('one two ');
      expect(vi.getTimerCount()).toBe(0);
    });

    it('completes a tool call cut short by the abort (failed) and stops', async () => {
      vi.useFakeTimers();
      let toolSignal: AbortSignal | undefined;
      const slow = tool({
        inputSchema: z.object({}),
        execute: (_input, { abortSignal }) =>
          new Promise((_resolve, reject) => {
            toolSignal = abortSignal;
            abortSignal?.addEventListener('abort', () => reject(abortSignal.reason));
          }),
      });
      const model = createScriptedModel({ answer: 'never', toolCalls: [{ toolName: 'slow', input: {}, toolCallId: 'call_slow' }] });
      const fake = createFakeAgentContext();
      const settled = Promise.resolve(
        defineModelAgent({ name: 'a', model, prompt: () => 'q', tools: { slow } }).run(undefined, fake.ctx),
      ).catch((error: unknown) => error);
      await vi.advanceTimersByTimeAsync(10);
      expect(fake.calls).toEqual([expect.objectContaining({ type: 'tool_executing', toolCallId: 'call_slow' })]);
      fake.controller.abort();
      expect(await settled).toMatchObject({ name: 'AbortError' });
      expect(toolSignal?.aborted).toBe(true);
      expect(fake.calls[1]).toMatchObject({ type: 'tool_completed', toolCallId: 'call_slow', status: 'failed' });
      expect(fake.output()).toBe('');
    });

    it('reports nothing after the abort, not even parts the SDK had already buffered', async () => {
      const model = mockModel([...text('a ', 'b ', 'c ', 'd'), finish()]);
      const fake = createFakeAgentContext();
      const ctx = {
        ...fake.ctx,
        signal: fake.ctx.signal,
        writeOutput: (delta: string) => {
          (fake.ctx as unknown as { writeOutput(delta: string): void }).writeOutput(delta);
          fake.controller.abort();
        },
      } as AgentContext;
      await expect(Promise.resolve(defineModelAgent({ name: 'a', model, prompt: () => 'q' }).run(undefined, ctx))).rejects.toMatchObject({
        name: 'AbortError',
      });
      expect(fake.output()).toBe('a ');
      expect(fake.calls.filter((call) => call.type === 'usage')).toEqual([]);
    });

    it('does not call the model when ctx.signal is already aborted', async () => {
      const model = createScriptedModel({ answer: 'x' });
      const doStream = vi.spyOn(model, 'doStream');
      const fake = createFakeAgentContext();
      fake.controller.abort();
      await expect(defineModelAgent({ name: 'a', model, prompt: () => 'q' }).run(undefined, fake.ctx)).rejects.toMatchObject({
        name: 'AbortError',
      });
      expect(fake.output()).toBe('');
      expect(doStream.mock.results.every((result) => result.type === 'throw' || result.value instanceof Promise)).toBe(true);
    });
  });

  it.each<[string, Partial<ModelAgentSettings> | null, RegExp]>([
    ['settings that are not an object', null, /expects an object/],
    ['a missing model', { model: undefined }, /model must be/],
    ['a missing prompt', { prompt: undefined }, /prompt must be a function/],
    ['a system of the wrong type', { system: 5 as never }, /system must be/],
    ['maxSteps 0', { maxSteps: 0 }, /maxSteps must be an integer >= 1/],
    ['a fractional maxSteps', { maxSteps: 1.5 }, /maxSteps/],
    ['tools that are not an object', { tools: 'x' as never }, /tools must be/],
    [
      'an abortSignal in callSettings',
      { callSettings: { abortSignal: new AbortController().signal } as never },
      /abortSignal is not accepted/,
    ],
    ['an invalid name (checked by defineAgent)', { name: 'no spaces allowed' }, /Agent name must be/],
    ['the reserved name', { name: 'workflow' }, /reserved/],
    [
      'an output schema JSON Schema cannot express',
      { output: z.object({ at: z.date() }) as never },
      /output cannot be sent to the model as JSON Schema \(Date cannot be represented/,
    ],
  ])('refuses %s with InvalidConfigError', (_case, patch, message) => {
    const settings = patch === null ? null : { name: 'a', model: createScriptedModel({ answer: 'x' }), prompt: () => 'q', ...patch };
    let thrown: unknown;
    try {
      defineModelAgent(settings as ModelAgentSettings);
    } catch (error) {
      thrown = error;
    }
    expect(InvalidConfigError.isInstance(thrown)).toBe(true);
    expect((thrown as Error).message).toMatch(message);
  });
});
