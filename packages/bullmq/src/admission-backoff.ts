/** How long a job whose user is at the admission limit waits before it tries again. */
export interface AdmissionBackoffOptions {
  /** The ceiling of the first wait (ms); it doubles with every further try. Default 1000. */
  baseMs?: number;
  /** The largest ceiling (ms): waits never exceed it. Default 30000. */
  maxMs?: number;
}

/** The defaults of `admissionBackoff`. */
export const DEFAULT_ADMISSION_BACKOFF: Readonly<Required<AdmissionBackoffOptions>> = Object.freeze({ baseMs: 1000, maxMs: 30_000 });

/**
 * The wait before try `attempt` + 1 of a job refused by admission (`attempt` ≥ 1): exponential
 * (`baseMs · 2^(attempt-1)`, capped at `maxMs`) with equal jitter, i.e. between half the ceiling and
 * the ceiling. Half is kept so that a refused job never spins; the random half spreads the jobs of one
 * user over time, so that when a slot frees up they do not all wake up and collide again.
 * @internal
 */
export function admissionBackoffMs(
  attempt: number,
  options: Readonly<Required<AdmissionBackoffOptions>>,
  random: () => number = Math.random,
): number {
  // Past 2^30 the ceiling is `maxMs` anyway; the bound keeps the power finite.
  const exponent = Math.min(Math.max(Math.floor(attempt) - 1, 0), 30);
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** exponent);
  const half = ceiling / 2;
  return Math.round(half + random() * half);
}
