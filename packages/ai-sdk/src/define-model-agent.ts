import { type AgentContext, type AgentDefinition, defineAgent, InvalidConfigError } from '@baton/engine-contract';
import {
  type CallSettings,
  type FlexibleSchema,
  type LanguageModel,
  type ModelMessage,
  Output,
  stepCountIs,
  streamText,
  type ToolSet,
} from 'ai';
import { toModelCallError } from './model-call-error.js';
import { ModelStreamMapper } from './model-stream-mapper.js';
import { parseStructuredAnswer } from './structured-answer.js';

/** `maxSteps` when none is given: enough for a few rounds of tool calls. */
export const DEFAULT_MAX_STEPS = 5;

/** What `streamText` accepts as `providerOptions` (e.g. `{ openai: { reasoningEffort: 'low' } }`). */
export type ModelProviderOptions = Parameters<typeof streamText>[0]['providerOptions'];

/** The AI SDK call settings a model agent passes on: temperature, token limit, retries, headers... */
export type ModelCallSettings = Omit<CallSettings, 'abortSignal'>;

/** Options of `defineModelAgent`. */
export interface ModelAgentSettings<TInput = unknown, TOutput = string, TName extends string = string> {
  /** The agent's name (`[A-Za-z0-9_.:-]`, 1 to 128 characters, not `'workflow'`). */
  readonly name: TName;
  readonly description?: string;
  /** The AI SDK language model, e.g. `openai('gpt-4.1')` or `createScriptedModel(...)`. */
  readonly model: LanguageModel;
  /** The system prompt, or a function of the input and the context returning it. */
  readonly system?: string | ((input: TInput, ctx: AgentContext) => string);
  /** The prompt: a string (one user message) or the messages (`ModelMessage[]`) for this input. */
  readonly prompt: (input: TInput, ctx: AgentContext) => string | ModelMessage[] | PromiseLike<string | ModelMessage[]>;
  /** The tools the model may call (AI SDK `tool(...)`s); each call shows as a Baton tool call. */
  readonly tools?: ToolSet;
  /** The most model calls (steps) one run makes: tool results go back to the model until then; default 5. */
  readonly maxSteps?: number;
  /**
   * A zod schema for a structured answer: the model is asked for JSON matching it (AI SDK
   * `Output.object`), and the run's output is the last step's JSON text parsed and then validated by
   * the engine (a mismatch fails the run with `INVALID_AGENT_IO`). Without it the output is the text.
   */
  readonly output?: AgentDefinition<TInput, TOutput>['output'];
  /** A zod schema the engine validates the input with before the run (`INVALID_AGENT_IO`). */
  readonly input?: AgentDefinition<TInput, TOutput>['input'];
  /** Passed to `streamText` as they are (`temperature`, `maxOutputTokens`, `maxRetries`, `headers`...). */
  readonly callSettings?: ModelCallSettings;
  /** Passed to `streamText` as they are. */
  readonly providerOptions?: ModelProviderOptions;
}

/**
 * An agent whose work is one AI SDK `streamText` call: the model's answer is streamed as it is
 * produced (`agent_output_delta` events), its reasoning becomes `agent_thinking`, its tool calls
 * `tool_executing`/`tool_completed` (inputs and outputs redacted), its token usage the run's
 * `usage`. The run returns the text (every delta, concatenated), or the structured answer when
 * `output` is given.
 * - The call gets `abortSignal: ctx.signal`: a cancel, a timeout or the engine's disposal stops the
 *   model's stream, and the run ends `cancelled` or `timed_out` as for any agent.
 * - A provider error fails the run (`AGENT_FAILED`) with the error's name and message, credentials
 *   redacted; nothing is printed (the SDK would `console.error` it without an `onError`).
 * @throws InvalidConfigError for a bad name, a missing model or prompt, or a `maxSteps` that is not
 *   an integer >= 1.
 * @example
 * const answer = defineModelAgent({
 *   name: 'answer',
 *   model: openai('gpt-4.1-mini'),
 *   system: 'Answer in one short paragraph.',
 *   prompt: ({ request }: { request: string }) => request,
 * });
 */
export function defineModelAgent<TInput = unknown, TOutput = string, const TName extends string = string>(
  settings: ModelAgentSettings<TInput, TOutput, TName>,
): AgentDefinition<TInput, TOutput, TName> {
  const { name, description, model, system, prompt, tools, maxSteps, output, input, callSettings, providerOptions } =
    checkSettings(settings);
  const outputSpecification = output === undefined ? undefined : structuredOutput(name, output);
  const run = async (runInput: TInput, ctx: AgentContext): Promise<TOutput> => {
    const systemText = typeof system === 'function' ? system(runInput, ctx) : system;
    const promptValue = await prompt(runInput, ctx);
    const mapper = new ModelStreamMapper(ctx);
    const result = streamText({
      ...callSettings,
      model,
      ...(systemText === undefined ? {} : { system: systemText }),
      ...(typeof promptValue === 'string' ? { prompt: promptValue } : { messages: promptValue }),
      ...(tools === undefined ? {} : { tools }),
      ...(outputSpecification === undefined ? {} : { output: outputSpecification }),
      ...(providerOptions === undefined ? {} : { providerOptions }),
      stopWhen: stepCountIs(maxSteps),
      abortSignal: ctx.signal,
      // Without it the SDK prints provider errors, request and key included, with console.error.
      onError: ({ error }) => mapper.fail(error),
    });
    try {
      for await (const part of result.fullStream) {
        // Parts already buffered in the SDK's pipeline when the run was stopped are not reported.
        if (ctx.signal.aborted || (await mapper.map(part)) === 'stop') break;
      }
    } catch (error) {
      mapper.fail(error);
    } finally {
      await mapper.close();
    }
    // Stopped from outside: the engine ends the run cancelled or timed out, whatever comes next.
    ctx.signal.throwIfAborted();
    if (mapper.error !== undefined) throw toModelCallError(mapper.error.error);
    return (outputSpecification === undefined ? mapper.text : parseStructuredAnswer(mapper.lastStepText)) as TOutput;
  };
  return defineAgent<TInput, TOutput, TName>({
    name,
    run,
    ...(description === undefined ? {} : { description }),
    ...(input === undefined ? {} : { input }),
    ...(output === undefined ? {} : { output }),
  });
}

/**
 * The AI SDK output specification for a structured answer, built once: the JSON Schema the provider
 * is asked to follow. A schema JSON Schema cannot express (`z.date()`, `z.custom()`...) is refused
 * here, at definition time, rather than failing every run.
 */
function structuredOutput(name: string, schema: NonNullable<ModelAgentSettings<never, unknown>['output']>) {
  let specification: ReturnType<typeof Output.object<unknown>>;
  try {
    specification = Output.object({ schema: schema as unknown as FlexibleSchema<unknown> });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidConfigError({
      message: `defineModelAgent "${name}": output cannot be sent to the model as JSON Schema (${reason})`,
      cause: error,
    });
  }
  // Awaited by each streamText call; this only keeps an asynchronous failure from being "unhandled".
  Promise.resolve(specification.responseFormat).catch(() => {});
  return specification;
}

type CheckedSettings<TInput, TOutput, TName extends string> = ModelAgentSettings<TInput, TOutput, TName> & { readonly maxSteps: number };

/** The user's boundary, checked once; `defineAgent` checks the rest (name, description, schemas). */
function checkSettings<TInput, TOutput, TName extends string>(
  settings: ModelAgentSettings<TInput, TOutput, TName>,
): CheckedSettings<TInput, TOutput, TName> {
  const fail = (message: string): never => {
    const name = typeof settings?.name === 'string' ? ` "${settings.name}"` : '';
    throw new InvalidConfigError({ message: `defineModelAgent${name}: ${message}` });
  };
  if (typeof settings !== 'object' || settings === null)
    fail('expects an object { name, model, prompt, system?, tools?, maxSteps?, output?, input? }');
  const { model, system, prompt, tools, maxSteps = DEFAULT_MAX_STEPS, callSettings } = settings;
  if (typeof model !== 'string' && (typeof model !== 'object' || model === null)) fail('model must be an AI SDK LanguageModel');
  if (typeof prompt !== 'function') fail('prompt must be a function (input, ctx) => string | ModelMessage[]');
  if (system !== undefined && typeof system !== 'string' && typeof system !== 'function')
    fail('system must be a string or a function (input, ctx) => string');
  if (tools !== undefined && (typeof tools !== 'object' || tools === null)) fail('tools must be an AI SDK ToolSet (an object of tools)');
  if (!Number.isSafeInteger(maxSteps) || maxSteps < 1) fail('maxSteps must be an integer >= 1');
  if (callSettings !== undefined && (typeof callSettings !== 'object' || callSettings === null)) fail('callSettings must be an object');
  if (callSettings !== undefined && 'abortSignal' in callSettings)
    fail('callSettings.abortSignal is not accepted: the run passes its own signal');
  return { ...settings, maxSteps };
}
