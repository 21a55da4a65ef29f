/** Options of `TokenBucket`. */
export interface TokenBucketOptions {
  /** Tokens when full: how many can be taken at once after a quiet spell. Integer ≥ 1. */
  capacity: number;
  /** Tokens added per second, up to `capacity`. > 0. */
  perSecond: number;
  /** Clock (epoch ms). */
  now: () => number;
}

/**
 * A token bucket: starts full, each `take` spends one token, and tokens come back at `perSecond`
 * up to `capacity`. It allows short bursts and bounds the sustained rate, without the double burst
 * a fixed one-second window allows at its edge.
 */
export class TokenBucket {
  readonly #capacity: number;
  readonly #perMs: number;
  readonly #now: () => number;
  #tokens: number;
  #updatedAt: number;

  constructor(options: TokenBucketOptions) {
    this.#capacity = options.capacity;
    this.#perMs = options.perSecond / 1000;
    this.#now = options.now;
    this.#tokens = options.capacity;
    this.#updatedAt = options.now();
  }

  /** Spends one token; false (and nothing spent) when none is left. */
  take(): boolean {
    this.#refill();
    // (The epsilon absorbs the rounding of many small refills: ten refills of 0.1 are one token.)
    if (this.#tokens < 1 - 1e-9) return false;
    this.#tokens -= 1;
    return true;
  }

  /** True when the bucket is full again (nothing taken recently): it can be forgotten. */
  isFull(): boolean {
    this.#refill();
    return this.#tokens >= this.#capacity - 1e-9;
  }

  #refill(): void {
    const now = this.#now();
    // A clock that goes back adds nothing (and does not move the reference back).
    if (now > this.#updatedAt) {
      this.#tokens = Math.min(this.#capacity, this.#tokens + (now - this.#updatedAt) * this.#perMs);
      this.#updatedAt = now;
    }
  }
}
