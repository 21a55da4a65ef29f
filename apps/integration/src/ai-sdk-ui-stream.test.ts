import { type BatonUIMessage, type BatonUIMessageChunk, createScriptedModel, defineModelAgent, toUIMessageStream } from '@baton/ai-sdk';
import { type AgentContext, type AnyAgentDefinition, createUserExecutionContext, defineAgent } from '@baton/engine-contract';
import { createEngineFactory, type EngineFactory } from '@baton/engine-factory';
import { defineWorkflow, type StageInput, WorkflowOrchestrator } from '@baton/orchestrator';
import { createUIMessageStreamResponse, readUIMessageStream } from 'ai';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';

// A workflow run on a real engine, served as the AI SDK UI message stream and read back by the AI SDK.

const factories: EngineFactory[] = [];
afterEach(async () => {
  await Promise.all(factories.splice(0).map((factory) => factory.shutdown()));
});

const ANSWER = 'The Moon pulls the oceans toward it, twice a day.';

const research = defineAgent({
  name: 'research',
  output: z.object({ facts: z.array(z.string()) }),
  run: async (_input: unknown, ctx: AgentContext) => {
    ctx.think('Looking up tides');
    const facts = await ctx.tool('search', { query: 'tides', apiKey: 'sk-secret-123456' }, async () => ['Tides follow the Moon.']);
    return { facts };
  },
});

function answerAgent(answer = ANSWER) {
  return defineModelAgent({
    name: 'answer',
    model: createScriptedModel({ answer }),
    prompt: ({ request, previous }: StageInput<typeof research>) => `${String(request)} ${previous.research.facts.join(' ')}`,
  });
}

async function startRun(agents: AnyAgentDefinition[] = [research, answerAgent()]) {
  const factory = createEngineFactory({ agents });
  factories.push(factory);
  const engine = await factory.createEngine(createUserExecutionContext({ userId: 'u_chat', threadId: 't_1', runId: 'r_1' }));
  const stream = toUIMessageStream(engine.events(), { messageId: 'msg_1' }); // subscribed before the run starts
  const workflow = defineWorkflow({ id: 'ask', stages: [research, 'answer'] });
  const run = new WorkflowOrchestrator({ engine, workflow }).run({ input: 'Why tides?' });
  return { engine, stream, run };
}

async function lastMessage(stream: ReadableStream<BatonUIMessageChunk>) {
  const errors: unknown[] = [];
  let message: BatonUIMessage | undefined;
  for await (const snapshot of readUIMessageStream<BatonUIMessage>({ stream, onError: (error) => errors.push(error) })) message = snapshot;
  return { message, errors };
}

describe('toUIMessageStream on a real workflow run', () => {
  it('reads into one assistant message: the streamed answer, the reasoning, the tool call and one data part per stage', async () => {
    const { stream, run } = await startRun();
    const { message, errors } = await lastMessage(stream);
    const result = await run;
    expect(errors).toEqual([]);
    expect(result).toMatchObject({ status: 'succeeded', output: ANSWER });
    expect(message).toMatchObject({ id: 'msg_1', role: 'assistant' });
    const parts = message?.parts ?? [];
    expect(parts.filter((part) => part.type === 'text').map((part) => part.text)).toEqual([ANSWER]);
    expect(parts.filter((part) => part.type === 'reasoning').map((part) => part.text)).toEqual(['Looking up tides']);
    expect(parts.find((part) => part.type === 'tool-search')).toMatchObject({
      state: 'output-available',
      input: { query: 'tides', apiKey: '[REDACTED]' },
      output: ['Tides follow the Moon.'],
    });
    const stages = parts.flatMap((part) => (part.type === 'data-baton-stage' ? [part.data] : []));
    expect(stages).toEqual([
      { agentName: 'research', status: 'succeeded', durationMs: result.stages[0]?.durationMs },
      { agentName: 'answer', status: 'succeeded', durationMs: result.stages[1]?.durationMs },
    ]);
  });

  it('serves as an SSE response (createUIMessageStreamResponse) that ends with finish and [DONE]', async () => {
    const { stream, run } = await startRun();
    const response = createUIMessageStreamResponse({ stream });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const body = await response.text();
    await run;
    const chunks = body
      .split('\n\n')
      .filter((line) => line.startsWith('data: '))
      .map((line) => line.slice('data: '.length));
    expect(chunks.at(-1)).toBe('[DONE]');
    const parsed = chunks.slice(0, -1).map((chunk) => JSON.parse(chunk) as { type: string; delta?: string });
    expect(parsed[0]).toEqual({ type: 'start', messageId: 'msg_1' });
    expect(parsed.at(-1)).toEqual({ type: 'finish', finishReason: 'stop' });
    expect(
      parsed
        .filter((chunk) => chunk.type === 'text-delta')
        .map((chunk) => chunk.delta)
        .join(''),
    ).toBe(ANSWER);
    expect(body).not.toContain('sk-secret');
  });

  it('finishes a failed run with finishReason error, its stages listed', async () => {
    const failing = defineModelAgent({
      name: 'answer',
      model: createScriptedModel({ answer: 'unused' }),
      prompt: () => {
        throw new Error('no prompt today');
      },
    });
    const { stream, run } = await startRun([research, failing]);
    const chunks: { type: string; finishReason?: string; data?: unknown }[] = [];
    const reader = stream.getReader();
    for (let next = await reader.read(); !next.done; next = await reader.read()) chunks.push(next.value);
    expect((await run).status).toBe('failed');
    expect(chunks.filter((chunk) => chunk.type === 'data-baton-stage').map((chunk) => chunk.data)).toEqual([
      expect.objectContaining({ agentName: 'research', status: 'succeeded' }),
      expect.objectContaining({ agentName: 'answer', status: 'failed' }),
    ]);
    expect(chunks.at(-1)).toEqual({ type: 'finish', finishReason: 'error' });
  });

  it('a consumer that cancels the stream stops reading; the run itself goes on to its end', async () => {
    const { engine, stream, run } = await startRun();
    const reader = stream.getReader();
    expect((await reader.read()).value).toEqual({ type: 'start', messageId: 'msg_1' });
    await reader.cancel();
    expect((await run).status).toBe('succeeded');
    await engine.dispose();
  });
});
