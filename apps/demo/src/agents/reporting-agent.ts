import { createScriptedModel, defineModelAgent, type LanguageModelV3 } from '@baton/ai-sdk';
import { defineAgent } from '@baton/engine-contract';
import type { LanguageModel } from 'ai';
import { z } from 'zod';
import { answerToText, splitAnswerText } from '../shared/answer-text.js';
import type { Pace } from './abortable-delay.js';
import { composeAnswer } from './compose-answer.js';
import { answerSourcesFromPrompt, REPORTING_SYSTEM_PROMPT, reportingPrompt } from './reporting-prompt.js';
import { type StageInput, StageInputSchema } from './stage-input.js';

/** The answer the user reads. */
export const ReportingOutputSchema = z.object({
  headline: z.string(),
  answer: z.string(),
  basedOn: z.array(z.string()),
});
/** The answer the user reads. */
export type ReportingOutput = z.infer<typeof ReportingOutputSchema>;

/** Milliseconds between two streamed words of the scripted answer at `delayScale` 1 (about 65 words a second, as a fast model). */
export const ANSWER_WORD_DELAY_MS = 15;

/**
 * The demo's offline model for the reporting stage: it reads the earlier stages' findings back from
 * the prompt and streams the composed answer (`composeAnswer`, the headline, a blank line, the body)
 * word by word, `delayMs` apart. Deterministic: the same findings always give the same words.
 */
export function createScriptedReportingModel(options: { delayMs: number }): LanguageModelV3 {
  return createScriptedModel({
    answer: (promptText) => answerToText(composeAnswer(answerSourcesFromPrompt(promptText))),
    delayMs: options.delayMs,
    modelId: 'demo-reporting',
    provider: 'baton.demo',
  });
}

/** Options of `createReportingAgent`. */
export interface ReportingAgentOptions {
  /** The model that writes the answer: `createScriptedReportingModel` offline, or a real one (`BATON_DEMO_MODEL`). */
  model: LanguageModel;
  pace: Pace;
  /**
   * Told the model's own error when a call fails (for the server log). The run itself fails with a
   * fixed message: a provider's error text (request ids, account details) is not sent to the browser.
   */
  onModelError?: (error: unknown) => void;
}

/** Why the reporting stage failed when its model did; the text every user sees. */
export class ReportingModelError extends Error {
  constructor(options: { cause: unknown }) {
    super('The model could not write the answer.', options);
    this.name = 'ReportingModelError';
  }
}

/**
 * Writes the final answer from every earlier stage's output; runs on every path, even after a
 * failure. The writing is a model call (`defineModelAgent`): its words reach the page as
 * `agent_output_delta` events while it streams. The output keeps the shape the page and other
 * clients read (`{ headline, answer, basedOn }`); the streamed text is `headline`, a blank line,
 * `answer`, split back with `splitAnswerText`.
 */
export function createReportingAgent({ model, pace, onModelError }: ReportingAgentOptions) {
  const writer = defineModelAgent<StageInput>({
    name: 'reporting',
    model,
    system: REPORTING_SYSTEM_PROMPT,
    prompt: (input) => reportingPrompt(input),
  });
  return defineAgent({
    name: 'reporting',
    description: 'Writes the final answer from the earlier stages, and says which ones it could not use.',
    input: StageInputSchema,
    output: ReportingOutputSchema,
    async run(input, ctx): Promise<ReportingOutput> {
      const basedOn = Object.keys(input.previous ?? {});
      ctx.think(
        `Writing the answer from ${basedOn.length} earlier step${basedOn.length === 1 ? '' : 's'}: ${basedOn.join(', ') || 'none'}.`,
      );
      await pace(90, ctx.signal);
      let text: string;
      try {
        text = await writer.run(input, ctx);
      } catch (error) {
        // Cancelled or timed out: the engine reports that, whatever was thrown.
        if (ctx.signal.aborted) throw error;
        onModelError?.(error);
        throw new ReportingModelError({ cause: error });
      }
      return { ...readAnswer(text), basedOn };
    },
  });
}

/** The headline and body of a finished answer; a real model may mark its headline up or skip the blank line. */
function readAnswer(text: string): { headline: string; answer: string } {
  let { headline, answer } = splitAnswerText(text);
  if (answer === '' && headline.includes('\n')) {
    const lineEnd = headline.indexOf('\n');
    answer = headline.slice(lineEnd + 1).trim();
    headline = headline.slice(0, lineEnd);
  }
  headline = headline
    .replace(/^#+\s*/, '')
    .replace(/^\*\*(.*)\*\*$/, '$1')
    .trim();
  return { headline, answer };
}
