import type { AgentContext, AgentDefinition, AnyAgentDefinition } from '@baton/engine-contract';
import {
  createUIMessageStreamResponse,
  type LanguageModel,
  pipeUIMessageStreamToResponse,
  readUIMessageStream,
  type UIMessageChunk,
} from 'ai';
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import {
  type BatonStageData,
  type BatonUIMessage,
  type BatonUIMessageChunk,
  createScriptedModel,
  defineModelAgent,
  toUIMessageStream,
} from './index.js';

const model = createScriptedModel({ answer: 'hi' });

describe('public types', () => {
  it('createScriptedModel returns an AI SDK LanguageModel', () => {
    expectTypeOf(model).toExtend<LanguageModel>();
    expectTypeOf(model.specificationVersion).toEqualTypeOf<'v3'>();
  });

  it('defineModelAgent: the output is the text, the input comes from the prompt or the input schema', () => {
    const fromPrompt = defineModelAgent({ name: 'answer', model, prompt: (input: { question: string }) => input.question });
    expectTypeOf(fromPrompt).toEqualTypeOf<AgentDefinition<{ question: string }, string, 'answer'>>();
    const fromSchema = defineModelAgent({ name: 'a', model, input: z.object({ topic: z.string() }), prompt: (input) => input.topic });
    expectTypeOf(fromSchema).toEqualTypeOf<AgentDefinition<{ topic: string }, string, 'a'>>();
    expectTypeOf(fromSchema).toExtend<AnyAgentDefinition>();
  });

  it('defineModelAgent: with an output schema, the output is its type', () => {
    const structured = defineModelAgent({ name: 'facts', model, prompt: () => 'q', output: z.object({ facts: z.array(z.string()) }) });
    expectTypeOf(structured).toEqualTypeOf<AgentDefinition<unknown, { facts: string[] }, 'facts'>>();
  });

  it('defineModelAgent: system and prompt receive the input and the AgentContext', () => {
    defineModelAgent({
      name: 'a',
      model,
      system: (input: { lang: string }, ctx) => {
        expectTypeOf(ctx).toEqualTypeOf<AgentContext>();
        return `Answer in ${input.lang}`;
      },
      prompt: async (input) => [{ role: 'user', content: input.lang }],
    });
    // @ts-expect-error maxSteps is a number
    defineModelAgent({ name: 'a', model, prompt: () => 'q', maxSteps: '5' });
  });

  it('toUIMessageStream: a stream of UI message chunks the AI SDK helpers accept', async () => {
    const stream = toUIMessageStream((async function* () {})());
    expectTypeOf(stream).toEqualTypeOf<ReadableStream<BatonUIMessageChunk>>();
    expectTypeOf(stream).toExtend<ReadableStream<UIMessageChunk>>();
    createUIMessageStreamResponse({ stream });
    expectTypeOf(pipeUIMessageStreamToResponse).parameter(0).toHaveProperty('stream');
    for await (const message of readUIMessageStream<BatonUIMessage>({ stream })) {
      for (const part of message.parts) {
        if (part.type === 'data-baton-stage') expectTypeOf(part.data).toEqualTypeOf<BatonStageData>();
      }
    }
  });
});
