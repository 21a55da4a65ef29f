/** The three clouds the demo knows about. */
export type CloudProvider = 'AWS' | 'GCP' | 'Azure';

/** Whether the question carries enough to analyse: the value `triageWorkflow` branches on. */
export type DataSufficiency = 'sufficient' | 'partial' | 'insufficient';

/** What the triage agent reads out of a question. */
export interface QuestionAnalysis {
  /** Providers in order of first mention. */
  providers: CloudProvider[];
  /** The first provider mentioned, or null. */
  provider: CloudProvider | null;
  /** True when the question contains any digit (figures of any kind). */
  hasNumbers: boolean;
  /** Money amounts in order of appearance ($42,000, 58k, 1.2M). */
  amounts: number[];
  /** Percentages in order of appearance. */
  percentages: number[];
}

const PROVIDER_PATTERNS: ReadonlyArray<readonly [CloudProvider, RegExp]> = [
  ['AWS', /\b(?:aws|amazon web services|amazon)\b/i],
  ['GCP', /\b(?:gcp|google cloud(?: platform)?)\b/i],
  ['Azure', /\b(?:azure|microsoft cloud)\b/i],
];

// A figure with an optional currency sign, thousands separators, a magnitude word and a percent sign.
const FIGURE =
  /(?<currency>[$€£])?\s*(?<value>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(?:(?<suffix>k|mm|m|million|thousand|bn|billion)\b)?(?<percent>\s*%|\s+percent\b)?/gi;

const MAGNITUDE: Record<string, number> = { k: 1e3, thousand: 1e3, m: 1e6, mm: 1e6, million: 1e6, bn: 1e9, billion: 1e9 };

/** Reads providers and figures out of a question. Pure and deterministic. */
export function analyzeQuestion(text: string): QuestionAnalysis {
  const providers = PROVIDER_PATTERNS.map(([provider, pattern]) => ({ provider, index: text.search(pattern) }))
    .filter((found) => found.index >= 0)
    .sort((a, b) => a.index - b.index)
    .map((found) => found.provider);
  const amounts: number[] = [];
  const percentages: number[] = [];
  for (const match of text.matchAll(FIGURE)) {
    const groups = match.groups ?? {};
    const value = Number((groups.value ?? '').replaceAll(',', ''));
    if (!Number.isFinite(value)) continue;
    if (groups.percent) {
      percentages.push(value);
      continue;
    }
    const suffix = groups.suffix?.toLowerCase();
    const amount = suffix ? value * (MAGNITUDE[suffix] ?? 1) : value;
    // Without a currency sign or magnitude, small numbers and years are not money ("3 teams", "in 2024").
    const looksLikeYear = Number.isInteger(value) && value >= 1900 && value <= 2100;
    if (groups.currency || suffix || (amount >= 100 && !looksLikeYear)) amounts.push(amount);
  }
  return { providers, provider: providers[0] ?? null, hasNumbers: /\d/.test(text), amounts, percentages };
}

/**
 * The demo's triage rule: figures AND a provider → `sufficient`; only one of them → `partial`;
 * neither → `insufficient`.
 */
export function decideDataSufficiency(analysis: Pick<QuestionAnalysis, 'provider' | 'hasNumbers'>): DataSufficiency {
  if (analysis.provider && analysis.hasNumbers) return 'sufficient';
  if (analysis.provider || analysis.hasNumbers) return 'partial';
  return 'insufficient';
}
