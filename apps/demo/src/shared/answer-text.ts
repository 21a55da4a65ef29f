/** The reporting agent's answer: a one-line headline and a body in a small Markdown subset. */
export interface AnswerParts {
  readonly headline: string;
  readonly answer: string;
}

/**
 * The answer as the one text the reporting model streams: the headline, a blank line, the body.
 * `splitAnswerText` reverses it exactly (a headline holds no blank line).
 */
export function answerToText({ headline, answer }: AnswerParts): string {
  return `${headline}\n\n${answer}`;
}

/**
 * Splits a streamed answer at its first blank line: the headline before, the body after. Works on a
 * text still being written (no blank line yet: all of it is the headline so far), so the page shows
 * the answer growing in the same places the finished answer takes. Shared by the reporting agent
 * (server) and the page.
 */
export function splitAnswerText(text: string): AnswerParts {
  const normalized = text.replace(/\r\n?/g, '\n').replace(/^\s+/, '');
  const blankLine = normalized.search(/\n[ \t]*\n/);
  if (blankLine === -1) return { headline: normalized.trimEnd(), answer: '' };
  return { headline: normalized.slice(0, blankLine).trimEnd(), answer: normalized.slice(blankLine).replace(/^\s+/, '') };
}
