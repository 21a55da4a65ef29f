import { InvalidConfigError } from '@baton/engine-contract';
import { abortableDelay, abortErrorOf } from './abortable-delay.js';
import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3GenerateResult,
  LanguageModelV3StreamPart,
  LanguageModelV3StreamResult,
  LanguageModelV3Usage,
} from './language-model-v3.js';
import { hasToolResultsThisTurn, lastUserText } from './prompt-text.js';
import { splitWords } from './split-words.js';

/** A tool call the scripted model makes before it answers. */
export interface ScriptedToolCall {
  /** The name of a tool in the agent's `tools`. */
  readonly toolName: string;
  /** The tool's input (sent to the SDK as JSON, as a real model does). */
  readonly input: unknown;
  /** The call's id; default `call_<n>`, numbered per process. */
  readonly toolCallId?: string;
}

/** The token usage the scripted model reports for each model call. */
export interface ScriptedUsage {
  readonly inputTokens?: number;
  readonly outputTokens?: number;
}

/** Options of `createScriptedModel`. */
export interface ScriptedModelOptions {
  /**
   * What the model answers: a string, or a function of the prompt's text (the text of the last user
   * message) returning one. Streamed word by word, whitespace kept.
   */
  readonly answer: string | ((promptText: string) => string);
  /** Milliseconds waited between two chunks (tool calls, reasoning and text deltas); default 0. */
  readonly delayMs?: number;
  /**
   * Tool calls made first, in one step, before any text: the model answers in the next step, once
   * the prompt holds tool results after the last user message.
   */
  readonly toolCalls?: readonly ScriptedToolCall[];
  /** Reported on each model call (each step); default: nothing reported. */
  readonly usage?: ScriptedUsage;
  /** Reasoning streamed (word by word) before the answer, as a reasoning model does; default none. */
  readonly reasoning?: string;
  /** `modelId`; default `'scripted'`. */
  readonly modelId?: string;
  /** `provider`; default `'baton.scripted'`. */
  readonly provider?: string;
}

let callCount = 0;

/**
 * A deterministic, offline AI SDK language model (provider specification v3) for tests, demos and
 * examples: it streams `answer` word by word (the deltas concatenate to the answer), waits `delayMs`
 * between chunks on `setTimeout` (fake timers drive it) and stops at once when the call's
 * `abortSignal` aborts (its stream fails with the signal's reason, as `fetch` does). With
 * `toolCalls` it first calls those tools, then answers once their results are in the prompt.
 * `doGenerate` returns the same content at once.
 * @throws InvalidConfigError for a missing answer, a negative `delayMs`, a tool call without a name
 *   or a usage count that is not a non-negative integer.
 * @example
 * const model = createScriptedModel({ answer: (question) => `You asked: ${question}`, delayMs: 20 });
 * const result = streamText({ model, prompt: 'Why is the sky blue?' });
 */
export function createScriptedModel(options: ScriptedModelOptions): LanguageModelV3 {
  const { answer, delayMs, toolCalls, usage, reasoning, modelId, provider } = checkOptions(options);
  const script = (callOptions: LanguageModelV3CallOptions): LanguageModelV3StreamPart[] => {
    if (toolCalls.length > 0 && !hasToolResultsThisTurn(callOptions.prompt)) {
      return [
        ...toolCalls.map(
          (call): LanguageModelV3StreamPart => ({
            type: 'tool-call',
            toolCallId: call.toolCallId ?? `call_${++callCount}`,
            toolName: call.toolName,
            input: JSON.stringify(call.input ?? {}),
          }),
        ),
        finishPart('tool-calls', usage),
      ];
    }
    const text = typeof answer === 'string' ? answer : String(answer(lastUserText(callOptions.prompt)));
    const parts: LanguageModelV3StreamPart[] = [];
    if (reasoning !== undefined && reasoning !== '') {
      parts.push({ type: 'reasoning-start', id: 'reasoning-0' });
      for (const word of splitWords(reasoning)) parts.push({ type: 'reasoning-delta', id: 'reasoning-0', delta: word });
      parts.push({ type: 'reasoning-end', id: 'reasoning-0' });
    }
    parts.push({ type: 'text-start', id: 'text-0' });
    for (const word of splitWords(text)) parts.push({ type: 'text-delta', id: 'text-0', delta: word });
    parts.push({ type: 'text-end', id: 'text-0' }, finishPart('stop', usage));
    return parts;
  };
  return {
    specificationVersion: 'v3',
    provider,
    modelId,
    supportedUrls: {},
    async doStream(callOptions): Promise<LanguageModelV3StreamResult> {
      const signal = callOptions.abortSignal;
      if (signal?.aborted) throw abortErrorOf(signal);
      return { stream: scriptedStream([{ type: 'stream-start', warnings: [] }, ...script(callOptions)], delayMs, signal) };
    },
    async doGenerate(callOptions): Promise<LanguageModelV3GenerateResult> {
      const signal = callOptions.abortSignal;
      if (signal?.aborted) throw abortErrorOf(signal);
      return generateResult(script(callOptions));
    },
  };
}

function finishPart(reason: 'stop' | 'tool-calls', usage: ScriptedUsage | undefined): LanguageModelV3StreamPart {
  const usageV3: LanguageModelV3Usage = {
    inputTokens: { total: usage?.inputTokens, noCache: usage?.inputTokens, cacheRead: undefined, cacheWrite: undefined },
    outputTokens: { total: usage?.outputTokens, text: usage?.outputTokens, reasoning: undefined },
  };
  return { type: 'finish', finishReason: { unified: reason, raw: reason }, usage: usageV3 };
}

/** Content parts are spaced by the delay; the framing parts (start, end, finish) are not. */
function isChunk(part: LanguageModelV3StreamPart): boolean {
  return part.type === 'text-delta' || part.type === 'reasoning-delta' || part.type === 'tool-call';
}

/**
 * The parts as a stream: `delayMs` before each chunk but the first; an abort of the call (or a
 * cancel of the stream) stops it at once, clearing the pending timer.
 */
function scriptedStream(
  parts: LanguageModelV3StreamPart[],
  delayMs: number,
  signal: AbortSignal | undefined,
): ReadableStream<LanguageModelV3StreamPart> {
  const stop = new AbortController();
  const onAbort = () => {
    if (signal !== undefined) stop.abort(abortErrorOf(signal));
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  const release = () => signal?.removeEventListener('abort', onAbort);
  let index = 0;
  let chunksSent = 0;
  return new ReadableStream<LanguageModelV3StreamPart>({
    async pull(controller) {
      const part = parts[index++];
      try {
        if (part !== undefined && isChunk(part) && chunksSent++ > 0) await abortableDelay(delayMs, stop.signal);
        else if (stop.signal.aborted) throw abortErrorOf(stop.signal);
      } catch (error) {
        release();
        throw error;
      }
      if (part === undefined) {
        release();
        controller.close();
      } else {
        controller.enqueue(part);
      }
    },
    cancel() {
      release();
      stop.abort(new DOMException('The stream was cancelled', 'AbortError'));
    },
  });
}

function generateResult(parts: LanguageModelV3StreamPart[]): LanguageModelV3GenerateResult {
  const content: LanguageModelV3GenerateResult['content'] = [];
  let text = '';
  let reasoning = '';
  // Every script ends with its finish part; the fallback only satisfies the type.
  let finish = finishPart('stop', undefined) as Extract<LanguageModelV3StreamPart, { type: 'finish' }>;
  for (const part of parts) {
    if (part.type === 'tool-call') content.push(part);
    else if (part.type === 'reasoning-delta') reasoning += part.delta;
    else if (part.type === 'text-delta') text += part.delta;
    else if (part.type === 'finish') finish = part;
  }
  if (reasoning !== '') content.push({ type: 'reasoning', text: reasoning });
  if (text !== '') content.push({ type: 'text', text });
  return { content, finishReason: finish.finishReason, usage: finish.usage, warnings: [] };
}

interface CheckedOptions {
  answer: ScriptedModelOptions['answer'];
  delayMs: number;
  toolCalls: readonly ScriptedToolCall[];
  usage: ScriptedUsage | undefined;
  reasoning: string | undefined;
  modelId: string;
  provider: string;
}

/** The user's boundary: checked once, here, with messages that name the option. */
function checkOptions(options: ScriptedModelOptions): CheckedOptions {
  const fail = (message: string): never => {
    throw new InvalidConfigError({ message: `createScriptedModel: ${message}` });
  };
  if (typeof options !== 'object' || options === null) fail('expects an object { answer, delayMs?, toolCalls?, usage? }');
  const { answer, delayMs = 0, toolCalls = [], usage, reasoning, modelId = 'scripted', provider = 'baton.scripted' } = options;
  if (typeof answer !== 'string' && typeof answer !== 'function') fail('answer must be a string or a function (promptText) => string');
  if (typeof delayMs !== 'number' || !Number.isFinite(delayMs) || delayMs < 0) fail('delayMs must be a finite number >= 0');
  if (!Array.isArray(toolCalls)) fail('toolCalls must be an array of { toolName, input }');
  toolCalls.forEach((call, index) => {
    if (typeof call !== 'object' || call === null || typeof call.toolName !== 'string' || call.toolName === '') {
      fail(`toolCalls[${index}].toolName must be a non-empty string`);
    }
    if (call.toolCallId !== undefined && (typeof call.toolCallId !== 'string' || call.toolCallId === '')) {
      fail(`toolCalls[${index}].toolCallId must be a non-empty string`);
    }
  });
  for (const key of ['inputTokens', 'outputTokens'] as const) {
    const count = usage?.[key];
    if (count !== undefined && !(Number.isSafeInteger(count) && count >= 0)) fail(`usage.${key} must be a non-negative integer`);
  }
  if (reasoning !== undefined && typeof reasoning !== 'string') fail('reasoning must be a string');
  if (typeof modelId !== 'string' || modelId === '') fail('modelId must be a non-empty string');
  if (typeof provider !== 'string' || provider === '') fail('provider must be a non-empty string');
  return { answer, delayMs, toolCalls, usage, reasoning, modelId, provider };
}
