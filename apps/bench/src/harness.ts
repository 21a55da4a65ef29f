import { Bench } from 'tinybench';

/** One side of a side-by-side comparison. */
export interface Contender {
  /** Unique within the comparison; shown in the report. */
  name: string;
  /**
   * One operation, awaited. Return how many units it delivered (e.g. events) to measure time per
   * unit; return anything else (nothing) to count the operation itself as one unit.
   */
  op: () => Promise<unknown>;
}

/** How long and how often to measure. */
export interface RoundSettings {
  /** Rounds; each round runs every contender once, in a rotated order. */
  rounds: number;
  /** Time budget per contender per round (ms). */
  timePerRoundMs: number;
  /** Wall time one tinybench sample should take (ms); operations are batched to reach it. */
  sampleMs: number;
  /** One sample of one operation per contender, no warm-up. */
  smoke: boolean;
}

/** What one contender measured: milliseconds per unit. */
export interface ContenderSamples {
  /** Every sample of every round (each the mean over one batch). */
  samples: number[];
  /** The median sample of each round, in round order (ratios are taken per round). */
  roundMedians: number[];
  /** Operations per sample. */
  batch: number;
}

/** Forces a full, synchronous garbage collection when the process runs with `--expose-gc`. */
export function collectGarbage(): void {
  if (typeof globalThis.gc !== 'function') return;
  globalThis.gc();
  globalThis.gc();
}

async function runBatch(contender: Contender, batch: number): Promise<{ elapsedMs: number; units: number }> {
  let units = 0;
  const start = performance.now();
  for (let index = 0; index < batch; index++) {
    const delivered = await contender.op();
    units += typeof delivered === 'number' ? delivered : 1;
  }
  return { elapsedMs: performance.now() - start, units };
}

/**
 * Warms the contender up for `warmupMs` (so that the JIT has settled), then times three batches of
 * about 10 ms and sizes the batch from the fastest, so that one sample takes about `sampleMs`.
 */
async function calibrateBatch(contender: Contender, sampleMs: number, warmupMs = 150): Promise<number> {
  let batch = 1;
  let perOpMs = Number.POSITIVE_INFINITY;
  const warmupEnd = performance.now() + warmupMs;
  while (performance.now() < warmupEnd) {
    const { elapsedMs } = await runBatch(contender, batch);
    perOpMs = elapsedMs / batch;
    if (elapsedMs < 10) batch *= 2;
  }
  const probe = Math.max(1, Math.round(10 / Math.max(perOpMs, 1e-6)));
  for (let attempt = 0; attempt < 3; attempt++) {
    const { elapsedMs } = await runBatch(contender, probe);
    perOpMs = Math.min(attempt === 0 ? Number.POSITIVE_INFINITY : perOpMs, elapsedMs / probe);
  }
  return Math.max(1, Math.round(sampleMs / Math.max(perOpMs, 1e-6)));
}

/**
 * Measures contenders side by side with tinybench: every round runs every contender for
 * `timePerRoundMs` (the order rotates from round to round, so that drift on a noisy machine hits
 * every contender alike); each tinybench sample is the mean time per unit over one batch of
 * sequential operations, since a single µs-scale call is below what a timer sample resolves.
 */
export async function compareRounds(contenders: readonly Contender[], settings: RoundSettings): Promise<Map<string, ContenderSamples>> {
  const results = new Map<string, ContenderSamples>();
  for (const contender of contenders) {
    const batch = settings.smoke ? 1 : await calibrateBatch(contender, settings.sampleMs);
    results.set(contender.name, { samples: [], roundMedians: [], batch });
  }
  for (let round = 0; round < settings.rounds; round++) {
    const shift = round % contenders.length;
    const order = [...contenders.slice(shift), ...contenders.slice(0, shift)];
    const bench = new Bench({
      name: `round ${round + 1}`,
      time: settings.smoke ? 0 : settings.timePerRoundMs,
      iterations: settings.smoke ? 1 : 5,
      warmup: !settings.smoke,
      warmupTime: settings.smoke ? 0 : Math.min(100, settings.timePerRoundMs / 4),
      warmupIterations: 2,
      retainSamples: true,
      throws: true,
    });
    for (const contender of order) {
      const { batch } = results.get(contender.name) as ContenderSamples;
      bench.add(
        contender.name,
        async () => {
          const { elapsedMs, units } = await runBatch(contender, batch);
          return { overriddenDuration: elapsedMs / units, overriddenIterationCost: elapsedMs };
        },
        { async: true },
      );
    }
    collectGarbage();
    await bench.run();
    for (const task of bench.tasks) {
      const result = task.result;
      if (result.state !== 'completed') {
        const reason = result.state === 'errored' ? `: ${result.error.message}` : '';
        throw new Error(`Benchmark task "${task.name}" ended ${result.state}${reason}`);
      }
      const entry = results.get(task.name) as ContenderSamples;
      entry.samples.push(...(result.latency.samples ?? []));
      entry.roundMedians.push(result.latency.p50);
    }
  }
  return results;
}

/** `numerator[i] / denominator[i]` per round. */
export function perRoundRatio(numerator: readonly number[], denominator: readonly number[]): number[] {
  return numerator.map((value, index) => value / (denominator[index] as number));
}

/** `(minuend[i] - subtrahend[i]) * scale` per round. */
export function perRoundDifference(minuend: readonly number[], subtrahend: readonly number[], scale = 1): number[] {
  return minuend.map((value, index) => (value - (subtrahend[index] as number)) * scale);
}

/** The samples of contender `name` (throws when it was not measured). */
export function samplesOf(measured: Map<string, ContenderSamples>, name: string): ContenderSamples {
  const entry = measured.get(name);
  if (entry === undefined) throw new Error(`No samples for "${name}"`);
  return entry;
}
