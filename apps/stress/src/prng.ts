/**
 * A small, seedable pseudo-random generator (mulberry32). The stress workload must be reproducible
 * from its seed alone, so it never touches `Math.random`; a 32-bit state is plenty for choosing faults.
 */
export interface Prng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max] (both inclusive). */
  int(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
  /** One key of `weights`, chosen with probability proportional to its weight. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K;
  /**
   * An independent generator derived from this one's seed and `label`, so that adding a decision for
   * one user does not shift every later user's decisions (plans stay comparable across versions).
   */
  fork(label: string): Prng;
}

/** FNV-1a over the UTF-16 code units: turns any seed string or label into 32 bits. */
export function hashSeed(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * Creates a generator from a seed string (any text, e.g. `"42"` or `"nightly-3"`).
 * @example
 * const prng = createPrng('42');
 * prng.int(0, 5); // the same number for seed '42' on every machine
 */
export function createPrng(seed: string): Prng {
  let state = hashSeed(seed);
  const next = (): number => {
    // mulberry32 (Tommy Ettinger): passes PractRand up to 2^32 outputs, enough for a workload plan.
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const prng: Prng = {
    next,
    int(min, max) {
      return min + Math.floor(next() * (max - min + 1));
    },
    chance(p) {
      return next() < p;
    },
    pick(items) {
      if (items.length === 0) throw new RangeError('pick: empty array');
      return items[Math.floor(next() * items.length)]!;
    },
    weighted(weights) {
      const entries = Object.entries(weights) as Array<[keyof typeof weights & string, number]>;
      const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
      let roll = next() * total;
      for (const [key, weight] of entries) {
        roll -= weight;
        if (roll < 0) return key;
      }
      return entries[entries.length - 1]![0];
    },
    fork(label) {
      return createPrng(`${seed}/${label}`);
    },
  };
  return prng;
}
