import type { AgentContext, TokenUsageReport } from '@baton/engine-contract';
import type { LanguageModelUsage, TextStreamPart, ToolSet } from 'ai';
import { ModelToolCallError } from './model-tool-call-error.js';
import { ModelToolCalls } from './model-tool-calls.js';

/** Whether the run goes on reading the model's stream after a part. @internal */
export type PartOutcome = 'continue' | 'stop';

/**
 * Maps the parts of `streamText(...).fullStream` to the agent's context, in stream order:
 * - `text-delta` → `ctx.writeOutput(text)`; the text is also kept, whole and per step;
 * - `reasoning-start`/`-delta`/`-end` → one `ctx.think(text)` per finished reasoning part;
 * - `tool-call` → `tool_executing`; its `tool-result` (final, not preliminary) → `tool_completed`
 *   succeeded, its `tool-error` or `tool-output-denied` → failed (see `ModelToolCalls`);
 * - `finish-step` → `ctx.reportUsage(step usage)` (the engine sums the steps);
 * - `error` → the run's error (the stream stops); `abort` → the stream stops.
 * Sources, files, tool-input streaming and raw parts have no Baton counterpart and are skipped.
 * @internal
 */
export class ModelStreamMapper {
  readonly #ctx: AgentContext;
  readonly #tools: ModelToolCalls;
  readonly #reasoning = new Map<string, string>();
  /** The SDK's error for each invalid call (unknown tool, bad input); its `tool-error` only has the message. */
  readonly #invalidCalls = new Map<string, unknown>();
  #text = '';
  #stepText = '';
  #error: { readonly error: unknown } | undefined;

  constructor(ctx: AgentContext) {
    this.#ctx = ctx;
    this.#tools = new ModelToolCalls(ctx);
  }

  /** Everything the model wrote, all steps: exactly the concatenation of the deltas. */
  get text(): string {
    return this.#text;
  }

  /** The text of the last step, where a structured answer is (earlier steps lead to tool calls). */
  get lastStepText(): string {
    return this.#stepText;
  }

  /** The first error the stream reported, if any. */
  get error(): { readonly error: unknown } | undefined {
    return this.#error;
  }

  /** Records an error from outside the stream (`onError`, a throwing read); the first one wins. */
  fail(error: unknown): void {
    this.#error ??= { error };
  }

  async map(part: TextStreamPart<ToolSet>): Promise<PartOutcome> {
    switch (part.type) {
      case 'text-delta':
        if (part.text === '') return 'continue';
        this.#text += part.text;
        this.#stepText += part.text;
        this.#ctx.writeOutput(part.text);
        return 'continue';
      case 'reasoning-start':
        this.#reasoning.set(part.id, '');
        return 'continue';
      case 'reasoning-delta':
        this.#reasoning.set(part.id, (this.#reasoning.get(part.id) ?? '') + part.text);
        return 'continue';
      case 'reasoning-end': {
        const thought = this.#reasoning.get(part.id);
        this.#reasoning.delete(part.id);
        if (thought !== undefined && thought !== '') this.#ctx.think(thought);
        return 'continue';
      }
      case 'start-step':
        this.#stepText = '';
        return 'continue';
      case 'tool-call':
        if (part.invalid === true) this.#invalidCalls.set(part.toolCallId, part.error);
        this.#tools.start(part.toolCallId, part.toolName, part.input);
        return 'continue';
      case 'tool-result':
        if (part.preliminary !== true) await this.#tools.settle(part.toolCallId, true, part.output);
        return 'continue';
      case 'tool-error': {
        const invalid = this.#invalidCalls.get(part.toolCallId);
        this.#invalidCalls.delete(part.toolCallId);
        await this.#tools.settle(part.toolCallId, false, toolError(part.error, invalid));
        return 'continue';
      }
      case 'tool-output-denied':
        await this.#tools.settle(part.toolCallId, false, new ModelToolCallError(`The tool call was denied`));
        return 'continue';
      case 'finish-step':
        this.#reportUsage(part.usage);
        return 'continue';
      case 'error':
        this.fail(part.error);
        return 'stop';
      case 'abort':
        return 'stop';
      default:
        return 'continue';
    }
  }

  /** Ends the calls left open (no result came): each `tool_executing` gets its `tool_completed`. */
  async close(): Promise<void> {
    await this.#tools.settleAll(
      new ModelToolCallError(
        'The model called the tool, but no result came back (no execute function, an approval pending, or the run stopped)',
      ),
    );
  }

  #reportUsage(usage: LanguageModelUsage): void {
    const reported: TokenUsageReport = {};
    if (isCount(usage.inputTokens)) reported.inputTokens = usage.inputTokens;
    if (isCount(usage.outputTokens)) reported.outputTokens = usage.outputTokens;
    if (isCount(usage.totalTokens)) reported.totalTokens = usage.totalTokens;
    if (Object.keys(reported).length > 0) this.#ctx.reportUsage(reported);
  }
}

/**
 * The error a failed tool call ends with: the tool's own `Error`; for an invalid call the SDK's
 * error (`AI_NoSuchToolError`, `AI_InvalidToolInputError`), whose `tool-error` part carries only the
 * message; any other value as an `Error` with that message.
 */
function toolError(error: unknown, invalidCallError: unknown): unknown {
  if (error instanceof Error) return error;
  if (invalidCallError instanceof Error) return invalidCallError;
  return new ModelToolCallError(typeof error === 'string' ? error : 'The tool call failed');
}

function isCount(value: number | undefined): value is number {
  return value !== undefined && Number.isSafeInteger(value) && value >= 0;
}
