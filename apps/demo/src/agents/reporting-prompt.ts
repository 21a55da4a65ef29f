import { ActionsOutputSchema } from './actions-agent.js';
import type { AnswerSources } from './compose-answer.js';
import { DataOutputSchema } from './data-agent.js';
import { DataHelperOutputSchema } from './data-helper-agent.js';
import { OptimizationOutputSchema } from './optimization-agent.js';
import { previousOutput, questionOf, type StageInput } from './stage-input.js';
import { TriageOutputSchema } from './triage-agent.js';

/** Opens the findings block of the prompt: what the earlier stages produced, as JSON, to the end. */
const FINDINGS_MARKER = '\n\nFindings of the earlier steps (JSON):\n';

/** What the reporting model is told (a real model follows it; the scripted one writes this format anyway). */
export const REPORTING_SYSTEM_PROMPT = [
  'You are the reporting step of a cloud-cost assistant. Earlier steps analysed the question; their findings are given as JSON.',
  'Answer the question from those findings only: never invent figures, and say so when a step did not finish (failedStages).',
  'Format: first a one-sentence headline on its own line (plain text), then a blank line, then the body.',
  'The body uses only "### " headings, "- " list items and **bold**, with blank lines between blocks. Keep it under 300 words.',
].join('\n');

/** The earlier stages' outputs the answer may build on; absent: the stage did not run or did not succeed. */
export function answerSourcesOf(input: StageInput): AnswerSources {
  return {
    triage: previousOutput(input, 'triage', TriageOutputSchema),
    helper: previousOutput(input, 'data_helper', DataHelperOutputSchema),
    data: previousOutput(input, 'data', DataOutputSchema),
    optimization: previousOutput(input, 'optimization', OptimizationOutputSchema),
    actions: previousOutput(input, 'actions', ActionsOutputSchema),
    failedStages: input.failedStages ?? [],
  };
}

/**
 * The reporting model's prompt: the question, then the findings as JSON (last, so that nothing the
 * user typed can come after them). A real model reads both; the scripted model reads the findings
 * back with `answerSourcesFromPrompt` and composes the same answer every time.
 */
export function reportingPrompt(input: StageInput): string {
  const sources = answerSourcesOf(input);
  const findings = {
    triage: sources.triage,
    data_helper: sources.helper,
    data: sources.data,
    optimization: sources.optimization,
    actions: sources.actions,
    failedStages: sources.failedStages,
  };
  return `Question: ${questionOf(input)}${FINDINGS_MARKER}${JSON.stringify(findings)}`;
}

/**
 * Reads the findings back from a prompt made by `reportingPrompt`. Each stage's output is checked
 * with that stage's schema again; anything missing or malformed counts as a stage that gave nothing.
 * JSON text holds no raw newline, so the last marker is the real one even if the question quotes it.
 */
export function answerSourcesFromPrompt(promptText: string): AnswerSources {
  const at = promptText.lastIndexOf(FINDINGS_MARKER);
  let findings: unknown;
  try {
    findings = at === -1 ? undefined : JSON.parse(promptText.slice(at + FINDINGS_MARKER.length));
  } catch {
    findings = undefined;
  }
  const record = typeof findings === 'object' && findings !== null ? (findings as Record<string, unknown>) : {};
  const failedStages = Array.isArray(record.failedStages)
    ? record.failedStages.filter((stage): stage is string => typeof stage === 'string')
    : [];
  return answerSourcesOf({ request: '', previous: record, failedStages });
}
