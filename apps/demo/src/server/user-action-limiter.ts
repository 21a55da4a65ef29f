import { TokenBucket } from './token-bucket.js';

/** Default burst of a user's asks, cancels and decisions. */
export const DEFAULT_ACTION_BURST = 20;
/** Default sustained rate of a user's asks, cancels and decisions (per second). */
export const DEFAULT_ACTIONS_PER_SECOND = 2;

/** `createDemoServer({ actionRateLimit })`. */
export interface ActionRateLimit {
  /** Asks, cancels and decisions a user may send at once. Integer ≥ 1; default 20. */
  burst?: number;
  /** Then this many per second (a number > 0, at most 1000); default 2. */
  perSecond?: number;
}

// Buckets kept before the full ones (users idle long enough to be back at their burst) are swept.
const SWEEP_ABOVE = 1000;

/**
 * A token bucket per user for the frames that cost work on the server and in Redis (`ask`,
 * `cancel`, `decide`), shared by all of the user's sockets on this instance: one user cannot turn
 * their 16 sockets into 16 times the rate. A refused frame is answered with `TOO_MANY_REQUESTS`.
 */
export class UserActionLimiter {
  /** The burst, as configured. */
  readonly burst: number;
  /** The sustained rate per second, as configured. */
  readonly perSecond: number;
  readonly #now: () => number;
  readonly #buckets = new Map<string, TokenBucket>();

  /** @throws Error when `limit` is not a positive burst and rate. */
  constructor(limit: ActionRateLimit, now: () => number) {
    this.burst = limit.burst ?? DEFAULT_ACTION_BURST;
    this.perSecond = limit.perSecond ?? DEFAULT_ACTIONS_PER_SECOND;
    if (!Number.isInteger(this.burst) || this.burst < 1) {
      throw new Error(`actionRateLimit.burst must be a whole number ≥ 1, got ${String(limit.burst)}`);
    }
    if (typeof this.perSecond !== 'number' || !(this.perSecond > 0 && this.perSecond <= 1000)) {
      throw new Error(`actionRateLimit.perSecond must be a number above 0 and at most 1000, got ${String(limit.perSecond)}`);
    }
    this.#now = now;
  }

  /** Spends one of `userId`'s tokens; false when the user is over the limit. */
  take(userId: string): boolean {
    let bucket = this.#buckets.get(userId);
    if (!bucket) {
      if (this.#buckets.size >= SWEEP_ABOVE) this.#sweep();
      bucket = new TokenBucket({ capacity: this.burst, perSecond: this.perSecond, now: this.#now });
      this.#buckets.set(userId, bucket);
    }
    return bucket.take();
  }

  /** Users with a bucket in memory (tests). */
  get trackedUsers(): number {
    return this.#buckets.size;
  }

  #sweep(): void {
    for (const [userId, bucket] of this.#buckets) if (bucket.isFull()) this.#buckets.delete(userId);
  }
}
