import { describe, expect, it } from 'vitest';
import { analyzeQuestion, decideDataSufficiency } from './question-analysis.js';

describe('analyzeQuestion', () => {
  it('finds providers in order of mention and money amounts with separators and magnitudes', () => {
    const analysis = analyzeQuestion('We moved from Azure to AWS; the bill went from $42,000 to 58k, and we want 15% off.');
    expect(analysis.providers).toEqual(['Azure', 'AWS']);
    expect(analysis.provider).toBe('Azure');
    expect(analysis.amounts).toEqual([42_000, 58_000]);
    expect(analysis.percentages).toEqual([15]);
    expect(analysis.hasNumbers).toBe(true);
  });

  it('reads $1.2M, "Google Cloud" and ignores years and small counts', () => {
    const analysis = analyzeQuestion('In 2024 our Google Cloud spend across 3 teams hit $1.2M');
    expect(analysis.provider).toBe('GCP');
    expect(analysis.amounts).toEqual([1_200_000]);
  });

  it('does not mistake words for providers', () => {
    expect(analyzeQuestion('Our jaws dropped at the bill').provider).toBeNull();
  });
});

describe('decideDataSufficiency', () => {
  it.each([
    ['Our AWS bill is $30,000 a month', 'sufficient'],
    ['GCP costs 20% more than last year', 'sufficient'],
    ['Our Azure costs keep climbing', 'partial'],
    ['We spend $30,000 a month on cloud', 'partial'],
    ['How do we cut cloud spend?', 'insufficient'],
  ] as const)('%s → %s', (question, expected) => {
    expect(decideDataSufficiency(analyzeQuestion(question))).toBe(expected);
  });
});
