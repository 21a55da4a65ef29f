import { type AgentContext, createUserExecutionContext, redact, type TokenUsageReport } from '@baton/engine-contract';

/** What the agent did through its context, in order. */
export type RecordedCall =
  | { type: 'output'; delta: string }
  | { type: 'thought'; thought: string }
  | { type: 'usage'; usage: TokenUsageReport }
  | { type: 'tool_executing'; toolCallId: string; toolName: string; input: unknown }
  | {
      type: 'tool_completed';
      toolCallId: string;
      toolName: string;
      status: 'succeeded' | 'failed';
      output?: unknown;
      error?: { name: string; message: string };
    };

export interface FakeAgentContext {
  readonly ctx: AgentContext;
  readonly calls: RecordedCall[];
  readonly controller: AbortController;
  /** The concatenated `writeOutput` deltas. */
  readonly output: () => string;
}

/**
 * A stand-in for the engine's `ctx` in unit tests (the package may not depend on the factory):
 * records every call in order and, like the engine, redacts tool inputs and outputs and honours
 * `ctx.tool`'s `{ toolCallId }` option that model agents pass.
 */
export function createFakeAgentContext(): FakeAgentContext {
  const controller = new AbortController();
  const calls: RecordedCall[] = [];
  let tools = 0;
  const ctx: AgentContext = {
    userContext: createUserExecutionContext({ userId: 'u_1', threadId: 't_1', runId: 'r_1' }),
    signal: controller.signal,
    think: (thought) => void calls.push({ type: 'thought', thought }),
    writeOutput: (delta) => void (delta === '' || calls.push({ type: 'output', delta })),
    reportUsage: (usage) => void calls.push({ type: 'usage', usage }),
    async tool<T>(
      name: string,
      input: unknown,
      fn: (signal: AbortSignal) => T | Promise<T>,
      options?: { toolCallId?: string },
    ): Promise<T> {
      const toolCallId = options?.toolCallId ?? `fake:tool:${++tools}`;
      calls.push({ type: 'tool_executing', toolCallId, toolName: name, input: redact(input) });
      try {
        const output = await fn(controller.signal);
        calls.push({ type: 'tool_completed', toolCallId, toolName: name, status: 'succeeded', output: redact(output) });
        return output;
      } catch (error) {
        const { name: errorName, message } = error as Error;
        calls.push({ type: 'tool_completed', toolCallId, toolName: name, status: 'failed', error: { name: errorName, message } });
        throw error;
      }
    },
  };
  const output = () =>
    calls
      .filter((call) => call.type === 'output')
      .map((call) => call.delta)
      .join('');
  return { ctx, calls, controller, output };
}
