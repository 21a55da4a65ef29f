import { createScriptedModel, defineModelAgent } from '@baton/ai-sdk';
import { type AgentEvent, type AnyAgentDefinition, createUserExecutionContext } from '@baton/engine-contract';
import { createEngineFactory, type EngineFactory, type EngineLogger } from '@baton/engine-factory';
import { APICallError, tool } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { z } from 'zod';

// Model agents (@baton/ai-sdk) on real engines: what reaches the events, the results and the stats.

const factories: EngineFactory[] = [];
let consoleError: MockInstance;

function setUp(agents: AnyAgentDefinition[], logger?: EngineLogger) {
  const factory = createEngineFactory({ agents, ...(logger === undefined ? {} : { logger }) });
  factories.push(factory);
  const userContext = createUserExecutionContext({ userId: 'u_ai', threadId: 't_1', runId: 'r_1' });
  return { factory, userContext };
}

async function engineWithEvents(agents: AnyAgentDefinition[], logger?: EngineLogger) {
  const { factory, userContext } = setUp(agents, logger);
  const engine = await factory.createEngine(userContext);
  const events: AgentEvent[] = [];
  engine.subscribe((event) => events.push(event));
  return { engine, events };
}

const deltasOf = (events: AgentEvent[]) => events.flatMap((event) => (event.type === 'agent_output_delta' ? [event.delta] : []));

beforeEach(() => {
  consoleError = vi.spyOn(console, 'error');
});

afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(factories.splice(0).map((factory) => factory.shutdown()));
  expect(consoleError).not.toHaveBeenCalled();
});

describe('defineModelAgent on a real engine', () => {
  it('streams agent_output_delta events, in order and before agent_completed, that concatenate to the output; reports usage', async () => {
    const answer = 'Tides come from the pull of the Moon\nand, less, the Sun. ';
    const agent = defineModelAgent({
      name: 'answer',
      model: createScriptedModel({ answer, usage: { inputTokens: 11, outputTokens: 9 } }),
      prompt: (q: string) => q,
    });
    const { engine, events } = await engineWithEvents([agent]);
    const result = await engine.executeAgent({ agentName: 'answer', input: 'Why tides?' });
    expect(result).toMatchObject({ status: 'succeeded', output: answer, usage: { inputTokens: 11, outputTokens: 9, totalTokens: 20 } });
    expect(deltasOf(events)).toEqual([
      'Tides ',
      'come ',
      'from ',
      'the ',
      'pull ',
      'of ',
      'the ',
      'Moon\n',
      'and, ',
      'less, ',
      'the ',
      'Sun. ',
    ]);
    expect(deltasOf(events).join('')).toBe(answer);
    expect(events.map((event) => event.type)).toEqual([
      'agent_started',
      ...deltasOf(events).map(() => 'agent_output_delta'),
      'agent_completed',
    ]);
    expect(events.at(-1)).toMatchObject({ type: 'agent_completed', usage: { inputTokens: 11, outputTokens: 9 } });
    expect(new Set(events.map((event) => event.executionId))).toEqual(new Set([result.executionId]));
    expect(engine.getStats()).toMatchObject({ inputTokens: 11, outputTokens: 9 });
  });

  it('maps a model tool call to one tool_executing / tool_completed pair, before the answer, secrets redacted', async () => {
    const weather = tool({
      inputSchema: z.object({ city: z.string(), apiKey: z.string() }),
      execute: async ({ city }) => ({ city, celsius: 21, token: 'tok-secret' }),
    });
    const model = createScriptedModel({
      answer: 'Sunny.',
      toolCalls: [{ toolName: 'weather', input: { city: 'Paris', apiKey: 'sk-live-secret' }, toolCallId: 'call_model_1' }],
    });
    const { engine, events } = await engineWithEvents([
      defineModelAgent({ name: 'answer', model, prompt: () => 'Paris?', tools: { weather } }),
    ]);
    const result = await engine.executeAgent({ agentName: 'answer' });
    expect(result).toMatchObject({ status: 'succeeded', output: 'Sunny.' });
    const tools = events.filter((event) => event.type === 'tool_executing' || event.type === 'tool_completed');
    expect(tools).toEqual([
      expect.objectContaining({ type: 'tool_executing', toolName: 'weather', input: { city: 'Paris', apiKey: '[REDACTED]' } }),
      expect.objectContaining({
        type: 'tool_completed',
        toolName: 'weather',
        status: 'succeeded',
        output: { city: 'Paris', celsius: 21, token: '[REDACTED]' },
      }),
    ]);
    expect(tools[0]?.type === 'tool_executing' && tools[1]?.type === 'tool_completed' && tools[0].toolCallId === tools[1].toolCallId).toBe(
      true,
    );
    expect(JSON.stringify(events)).not.toMatch(/sk-live-secret|tok-secret/);
    // The tool call comes before the answer it led to.
    expect(events.findIndex((event) => event.type === 'tool_completed')).toBeLessThan(
      events.findIndex((event) => event.type === 'agent_output_delta'),
    );
  });

  it("carries the model's toolCallId on tool_executing and tool_completed", async () => {
    const lookup = tool({ inputSchema: z.object({ q: z.string() }), execute: async ({ q }) => ({ q, hits: 1 }) });
    const model = createScriptedModel({
      answer: 'Found.',
      toolCalls: [{ toolName: 'lookup', input: { q: 'tides' }, toolCallId: 'call_model_7' }],
    });
    const { engine, events } = await engineWithEvents([defineModelAgent({ name: 'answer', model, prompt: () => 'q?', tools: { lookup } })]);
    await engine.executeAgent({ agentName: 'answer' });
    const ids = events.flatMap((event) =>
      event.type === 'tool_executing' || event.type === 'tool_completed' ? [`${event.type}:${event.toolCallId}`] : [],
    );
    expect(ids).toEqual(['tool_executing:call_model_7', 'tool_completed:call_model_7']);
  });

  it('fails the run on a provider error, AGENT_FAILED with the message kept and no secret, printed nowhere', async () => {
    const model = new MockLanguageModelV3({
      doStream: async () => {
        throw new APICallError({
          message: 'Incorrect API key provided: sk-proj-0123456789abcdef',
          url: 'https://api.example.test/v1?key=AIzaSyD-0123456789abcdefghij',
          requestBodyValues: { apiKey: 'sk-proj-0123456789abcdef' },
          statusCode: 401,
          isRetryable: false,
        });
      },
    });
    const logged: unknown[] = [];
    const record = (...args: unknown[]) => void logged.push(args);
    const { engine, events } = await engineWithEvents([defineModelAgent({ name: 'answer', model, prompt: () => 'q' })], {
      debug: record,
      info: record,
      warn: record,
      error: record,
    });
    const result = await engine.executeAgent({ agentName: 'answer' });
    expect(result).toMatchObject({
      status: 'failed',
      error: { code: 'AGENT_FAILED', name: 'AI_APICallError', message: 'Incorrect API key provided: [REDACTED]' },
    });
    expect(JSON.stringify([result, events, logged])).not.toMatch(/sk-proj|AIza/);
  });

  it('returns the structured answer parsed by the output schema; a wrong one fails with INVALID_AGENT_IO', async () => {
    const output = z.object({ city: z.string(), celsius: z.number().transform((celsius) => Math.round(celsius)) });
    const good = defineModelAgent({
      name: 'good',
      model: createScriptedModel({ answer: '{"city": "Paris", "celsius": 20.6}' }),
      prompt: () => 'q',
      output,
    });
    const bad = defineModelAgent({ name: 'bad', model: createScriptedModel({ answer: '{"city": 1}' }), prompt: () => 'q', output });
    const { engine } = await engineWithEvents([good, bad]);
    expect(await engine.executeAgent({ agentName: 'good' })).toMatchObject({ status: 'succeeded', output: { city: 'Paris', celsius: 21 } });
    expect(await engine.executeAgent({ agentName: 'bad' })).toMatchObject({ status: 'failed', error: { code: 'INVALID_AGENT_IO' } });
  });

  describe('an abort stops the model stream mid-answer', () => {
    /** A scripted model that counts the text deltas read from it: the count stops when its stream does. */
    function slowAnswer() {
      const model = createScriptedModel({ answer: 'one two three four five six seven eight', delayMs: 100 });
      let read = 0;
      const counting: typeof model = {
        ...model,
        doStream: async (options) => {
          const result = await model.doStream(options);
          const count = new TransformStream<typeof result.stream extends ReadableStream<infer P> ? P : never>({
            transform(part, controller) {
              if (part.type === 'text-delta') read++;
              controller.enqueue(part);
            },
          });
          return { ...result, stream: result.stream.pipeThrough(count) };
        },
      };
      return { model: counting, read: () => read };
    }

    it("the caller's signal: the run ends cancelled and the model's stream is read no further", async () => {
      vi.useFakeTimers();
      const { model, read } = slowAnswer();
      const { engine, events } = await engineWithEvents([defineModelAgent({ name: 'answer', model, prompt: () => 'q' })]);
      const controller = new AbortController();
      const running = engine.executeAgent({ agentName: 'answer' }, { signal: controller.signal });
      await vi.advanceTimersByTimeAsync(250);
      expect(deltasOf(events)).toEqual(['one ', 'two ', 'three ']);
      controller.abort();
      expect(await running).toMatchObject({ status: 'cancelled', error: { code: 'RUN_CANCELLED' } });
      const readAtAbort = read();
      await vi.advanceTimersByTimeAsync(5_000);
      expect(read()).toBe(readAtAbort);
      expect(readAtAbort).toBeLessThan(8);
      expect(deltasOf(events)).toEqual(['one ', 'two ', 'three ']);
      expect(events.at(-1)).toMatchObject({ type: 'agent_completed', status: 'cancelled' });
    });

    it('the timeout: the run ends timed_out and the model stops', async () => {
      vi.useFakeTimers();
      const { model, read } = slowAnswer();
      const { engine, events } = await engineWithEvents([defineModelAgent({ name: 'answer', model, prompt: () => 'q' })]);
      const running = engine.executeAgent({ agentName: 'answer' }, { timeoutMs: 350 });
      await vi.advanceTimersByTimeAsync(350);
      expect(await running).toMatchObject({ status: 'timed_out', error: { code: 'RUN_TIMEOUT' } });
      const streamed = deltasOf(events);
      expect(streamed).toEqual(['one ', 'two ', 'three ', 'four ']);
      const readAtTimeout = read();
      await vi.advanceTimersByTimeAsync(5_000);
      expect(read()).toBe(readAtTimeout);
      expect(deltasOf(events)).toEqual(streamed);
    });

    it("the engine's disposal: the run ends cancelled", async () => {
      vi.useFakeTimers();
      const { model, read } = slowAnswer();
      const { engine, events } = await engineWithEvents([defineModelAgent({ name: 'answer', model, prompt: () => 'q' })]);
      const running = engine.executeAgent({ agentName: 'answer' });
      await vi.advanceTimersByTimeAsync(150);
      const disposed = engine.dispose();
      await vi.advanceTimersByTimeAsync(0);
      await disposed;
      expect(await running).toMatchObject({ status: 'cancelled' });
      const readAtDispose = read();
      await vi.advanceTimersByTimeAsync(5_000);
      expect(read()).toBe(readAtDispose);
      expect(deltasOf(events)).toEqual(['one ', 'two ']);
    });
  });
});
