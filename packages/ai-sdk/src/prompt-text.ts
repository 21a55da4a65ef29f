import type { LanguageModelV3Prompt } from './language-model-v3.js';

/**
 * The text of the last user message of a model prompt (its text parts joined), or `''` when there
 * is none: what a scripted answer function receives.
 * @internal
 */
export function lastUserText(prompt: LanguageModelV3Prompt): string {
  const message = prompt.findLast((candidate) => candidate.role === 'user');
  if (message?.role !== 'user') return '';
  let text = '';
  for (const part of message.content) if (part.type === 'text') text += part.text;
  return text;
}

/**
 * True when a tool message follows the last user message: the model's tool calls of this turn have
 * been answered (earlier turns' tool results do not count).
 * @internal
 */
export function hasToolResultsThisTurn(prompt: LanguageModelV3Prompt): boolean {
  return prompt.findLast((message) => message.role === 'tool' || message.role === 'user')?.role === 'tool';
}
