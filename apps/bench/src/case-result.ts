import type { Figure } from './stats.js';

/** An issue target a figure is held against (by its median). */
export interface Target {
  comparator: '<=' | '>=';
  value: number;
  /** As written in the issue, e.g. `≤ 3 µs above plain await`. */
  label: string;
}

/** One line of the results table. */
export interface Row {
  /** Stable key for machines (`one-step.overhead-us`). */
  key: string;
  /** What is measured, for people. */
  metric: string;
  figure: Figure;
  target?: Target;
}

/** What a case returns. */
export interface CaseResult {
  id: string;
  title: string;
  rows: Row[];
  /** Sizes, rounds and batches actually used. */
  settings: Record<string, unknown>;
  /** How to read the rows (what is inside each contender, caveats). */
  notes: string[];
}

/** What every case receives. */
export interface CaseOptions {
  smoke: boolean;
  /** Progress output (stderr), so that stdout carries only the table. */
  log: (message: string) => void;
}
