/** A measured figure with its spread. Every figure in the report is one of these. */
export interface Figure {
  /** What the numbers are in (`µs/run`, `events/s`, `×`, `KiB`…). */
  unit: string;
  median: number;
  min: number;
  max: number;
  mean: number;
  /** 99th percentile of the samples. */
  p99: number;
  /** Relative margin of error of the mean, in percent (95% confidence; 0 with fewer than 2 samples). */
  rme: number;
  /** How many samples the figure summarises. */
  samples: number;
  /** What one sample is (e.g. `batch of 200 sequential runs`, `round`). */
  sampleOf: string;
}

/** Linear-interpolated percentile of an ascending array (q in [0, 1]). */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const low = sorted[lower] as number;
  const high = sorted[upper] as number;
  return low + (high - low) * (position - lower);
}

/** Summarises samples into a `Figure`. */
export function summarize(values: readonly number[], unit: string, sampleOf: string): Figure {
  const sorted = [...values].sort((a, b) => a - b);
  const count = sorted.length;
  const mean = count === 0 ? Number.NaN : sorted.reduce((sum, value) => sum + value, 0) / count;
  let rme = 0;
  if (count > 1) {
    const variance = sorted.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (count - 1);
    // 1.96 is the normal 95% critical value; sample counts here are large enough for it, except
    // for round-level figures, where rme is only indicative (min/median/max are the spread we show).
    rme = mean === 0 ? 0 : (100 * 1.96 * Math.sqrt(variance / count)) / Math.abs(mean);
  }
  return {
    unit,
    median: percentile(sorted, 0.5),
    min: sorted[0] ?? Number.NaN,
    max: sorted[count - 1] ?? Number.NaN,
    mean,
    p99: percentile(sorted, 0.99),
    rme,
    samples: count,
    sampleOf,
  };
}

/** Multiplies every location of a figure by a positive `factor` (unit conversions such as ms → µs). */
export function scaleFigure(figure: Figure, factor: number, unit: string): Figure {
  return {
    ...figure,
    unit,
    median: figure.median * factor,
    min: figure.min * factor,
    max: figure.max * factor,
    mean: figure.mean * factor,
    p99: figure.p99 * factor,
  };
}
