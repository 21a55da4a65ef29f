import type { LanguageModel } from 'ai';

// The provider-spec types, taken from `ai`'s own `LanguageModel` rather than from a direct
// `@ai-sdk/provider` dependency: they are then always those of the `ai` copy the user installed,
// never a second, possibly different, copy.

/** An AI SDK 6 language model object (provider specification `v3`). */
export type LanguageModelV3 = Extract<LanguageModel, { specificationVersion: 'v3' }>;
/** What `doStream` and `doGenerate` receive. @internal */
export type LanguageModelV3CallOptions = Parameters<LanguageModelV3['doStream']>[0];
/** What `doStream` resolves to. @internal */
export type LanguageModelV3StreamResult = Awaited<ReturnType<LanguageModelV3['doStream']>>;
/** What `doGenerate` resolves to. @internal */
export type LanguageModelV3GenerateResult = Awaited<ReturnType<LanguageModelV3['doGenerate']>>;
/** One part of a model's stream. @internal */
export type LanguageModelV3StreamPart = LanguageModelV3StreamResult['stream'] extends ReadableStream<infer Part> ? Part : never;
/** A model's token usage, as the provider spec reports it. @internal */
export type LanguageModelV3Usage = Extract<LanguageModelV3StreamPart, { type: 'finish' }>['usage'];
/** A model's prompt: system, user, assistant and tool messages. @internal */
export type LanguageModelV3Prompt = LanguageModelV3CallOptions['prompt'];
