import type { LanguageModel } from 'ai';

/** Which model writes the reporting stage's answer. */
export type DemoModelChoice = { readonly provider: 'scripted' } | { readonly provider: 'openai'; readonly modelId: string };

/** The variables `resolveDemoModel` reads (a subset of `process.env`). */
export interface DemoModelEnvironment {
  /** `scripted` (default, offline) or `openai:<model id>`. */
  readonly BATON_DEMO_MODEL?: string | undefined;
  /** Needed with `openai:`; passed to `@ai-sdk/openai`, never printed. */
  readonly OPENAI_API_KEY?: string | undefined;
  /** Milliseconds between the scripted answer's words (a non-negative integer). */
  readonly BATON_DEMO_WORD_DELAY_MS?: string | undefined;
}

/** The reporting model as configured: `model` is absent for the scripted one, which the server builds. */
export interface ResolvedDemoModel {
  readonly choice: DemoModelChoice;
  /** For the start-up banner: `scripted (offline)` or `openai:gpt-4.1-mini`. */
  readonly label: string;
  readonly model?: LanguageModel;
  /** From `BATON_DEMO_WORD_DELAY_MS`, when set. */
  readonly answerDelayMs?: number;
}

const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;
const USAGE = 'BATON_DEMO_MODEL must be "scripted" (the default, offline) or "openai:<model id>", e.g. "openai:gpt-4.1-mini"';

/**
 * Reads `BATON_DEMO_MODEL`: unset, empty or `scripted` → the offline scripted model; `openai:<model
 * id>` → that OpenAI model.
 * @throws Error with a message that names the variable and its accepted forms.
 */
export function parseDemoModel(value: string | undefined): DemoModelChoice {
  const spec = value?.trim() ?? '';
  if (spec === '' || spec === 'scripted') return { provider: 'scripted' };
  const separator = spec.indexOf(':');
  const provider = separator === -1 ? spec : spec.slice(0, separator);
  const modelId = separator === -1 ? '' : spec.slice(separator + 1);
  // The value is not echoed: a key pasted into the wrong variable would end up in the log.
  if (provider !== 'openai') throw new Error(`${USAGE}; the only provider supported is "openai".`);
  if (!MODEL_ID.test(modelId)) throw new Error(`${USAGE}; the model id is missing or malformed.`);
  return { provider: 'openai', modelId };
}

/**
 * The longest pause between words: the longest answer (about 360 words) must stream within the
 * demo's 20 s deadline per agent call.
 */
export const MAX_WORD_DELAY_MS = 50;

/**
 * Reads `BATON_DEMO_WORD_DELAY_MS` (unset or empty: the default).
 * @throws Error when it is not an integer from 0 to `MAX_WORD_DELAY_MS`.
 */
export function parseWordDelay(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const delay = Number(value);
  if (!Number.isInteger(delay) || delay < 0 || delay > MAX_WORD_DELAY_MS) {
    throw new Error(
      `BATON_DEMO_WORD_DELAY_MS must be an integer from 0 to ${MAX_WORD_DELAY_MS} (milliseconds; a longer answer would outlast the 20 s deadline).`,
    );
  }
  return delay;
}

/**
 * The reporting model from the environment. Checked at start-up so that a typo fails at once, with a
 * clear message, rather than at the first question. Nothing here calls the network: a wrong model id
 * or key shows when the first answer is written (the stage fails; the server log has the reason).
 * @throws Error for a malformed `BATON_DEMO_MODEL` or `BATON_DEMO_WORD_DELAY_MS`, or `openai:` without `OPENAI_API_KEY`.
 */
export async function resolveDemoModel(environment: DemoModelEnvironment): Promise<ResolvedDemoModel> {
  const choice = parseDemoModel(environment.BATON_DEMO_MODEL);
  const answerDelayMs = parseWordDelay(environment.BATON_DEMO_WORD_DELAY_MS);
  const delay = answerDelayMs === undefined ? {} : { answerDelayMs };
  if (choice.provider === 'scripted') return { choice, label: 'scripted (offline)', ...delay };
  const apiKey = environment.OPENAI_API_KEY?.trim() ?? '';
  if (apiKey === '')
    throw new Error(`BATON_DEMO_MODEL=openai:${choice.modelId} needs OPENAI_API_KEY (your OpenAI API key) in the environment.`);
  // Loaded only when asked for: the default, offline demo never touches the provider package.
  const { createOpenAI } = await import('@ai-sdk/openai');
  return { choice, label: `openai:${choice.modelId}`, model: createOpenAI({ apiKey })(choice.modelId), ...delay };
}
