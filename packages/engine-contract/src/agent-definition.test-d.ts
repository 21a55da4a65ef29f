import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { type AgentContext, type AgentDefinition, type AnyAgentDefinition, defineAgent } from './agent-definition.js';
import type { TokenUsageReport } from './token-usage.js';
import type { UserExecutionContext } from './user-execution-context.js';

describe('defineAgent types', () => {
  it('infers the run input from the input schema', () => {
    const agent = defineAgent({
      name: 'research',
      input: z.object({ question: z.string(), limit: z.number().optional() }),
      run: (input, ctx) => {
        expectTypeOf(input).toEqualTypeOf<{ question: string; limit?: number | undefined }>();
        expectTypeOf(ctx).toEqualTypeOf<AgentContext>();
        return input.question.length;
      },
    });
    expectTypeOf(agent).toEqualTypeOf<AgentDefinition<{ question: string; limit?: number | undefined }, number, 'research'>>();
  });

  it('infers the literal name, and keeps string for a name that is not a literal', () => {
    expectTypeOf(defineAgent({ name: 'research', run: () => 1 }).name).toEqualTypeOf<'research'>();
    const dynamic: string = ['a', 'b'].join('');
    expectTypeOf(defineAgent({ name: dynamic, run: () => 1 })).toEqualTypeOf<AgentDefinition<unknown, number>>();
    expectTypeOf<AgentDefinition['name']>().toEqualTypeOf<string>();
    // A named definition still fits where any definition is expected.
    expectTypeOf(defineAgent({ name: 'typed', input: z.string(), run: (text) => text })).toExtend<AnyAgentDefinition>();
    expectTypeOf<AgentDefinition<string, number, 'typed'>>().toExtend<AgentDefinition<string, number>>();
  });

  it("uses the schema's output type (after defaults and transforms)", () => {
    defineAgent({
      name: 'defaults',
      input: z
        .string()
        .default('x')
        .transform((text) => text.length),
      run: (input) => {
        expectTypeOf(input).toEqualTypeOf<number>();
      },
    });
  });

  it('infers the output from run and checks it against the output schema', () => {
    const agent = defineAgent({ name: 'count', output: z.number(), run: async () => 3 });
    expectTypeOf(agent.run).returns.toEqualTypeOf<number | Promise<number>>();
    defineAgent({
      name: 'mismatch',
      output: z.number(),
      // @ts-expect-error run returns a string where the output schema says number
      run: async () => 'three',
    });
  });

  it('types the input as unknown without an input schema', () => {
    defineAgent({
      name: 'untyped',
      run: (input) => {
        expectTypeOf(input).toEqualTypeOf<unknown>();
      },
    });
  });

  it('requires name and run', () => {
    // @ts-expect-error run is required
    defineAgent({ name: 'no-run' });
    // @ts-expect-error name is required
    defineAgent({ run: () => 1 });
  });

  it('gives run an AgentContext with userContext, signal, think and tool', () => {
    expectTypeOf<AgentContext['userContext']>().toEqualTypeOf<UserExecutionContext>();
    expectTypeOf<AgentContext['signal']>().toEqualTypeOf<AbortSignal>();
    expectTypeOf<AgentContext['stage']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<AgentContext['think']>().toEqualTypeOf<(thought: string) => void>();
    const ctx = {} as AgentContext;
    expectTypeOf(
      ctx.tool('search', { q: 1 }, async (signal) => {
        expectTypeOf(signal).toEqualTypeOf<AbortSignal>();
        return ['hit'];
      }),
    ).toEqualTypeOf<Promise<string[]>>();
  });

  it('gives run ctx.writeOutput(delta: string) and ctx.reportUsage({ inputTokens?, outputTokens?, totalTokens? })', () => {
    expectTypeOf<AgentContext['writeOutput']>().toEqualTypeOf<(delta: string) => void>();
    expectTypeOf<AgentContext['reportUsage']>().toEqualTypeOf<(usage: TokenUsageReport) => void>();
    expectTypeOf<TokenUsageReport>().toEqualTypeOf<{
      inputTokens?: number | undefined;
      outputTokens?: number | undefined;
      totalTokens?: number | undefined;
    }>();
    defineAgent({
      name: 'streaming',
      run: (_input, { writeOutput, reportUsage }) => {
        writeOutput('Hello');
        reportUsage({ inputTokens: 3 });
        reportUsage({ inputTokens: 1, outputTokens: 2, totalTokens: 3 });
        // @ts-expect-error a delta is a string
        writeOutput(42);
        // @ts-expect-error counts are numbers
        reportUsage({ inputTokens: '3' });
        // @ts-expect-error a report is an object
        reportUsage(3);
        return 'Hello';
      },
    });
  });

  it('lets definitions of different types share an AnyAgentDefinition list', () => {
    const list: AnyAgentDefinition[] = [
      defineAgent({ name: 'a', input: z.string(), run: (text) => text }),
      defineAgent({ name: 'b', input: z.number(), run: (n) => n * 2 }),
    ];
    expectTypeOf(list).toEqualTypeOf<AnyAgentDefinition[]>();
  });

  it('returns a readonly definition', () => {
    const agent = defineAgent({ name: 'frozen', run: () => 1 });
    // @ts-expect-error readonly
    agent.name = 'other';
  });
});
