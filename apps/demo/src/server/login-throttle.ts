/** Options of the login throttle. */
export interface LoginThrottleOptions {
  /** Failed logins allowed per address within `windowMs`; the next attempt gets 429. */
  maxFailures: number;
  /** Length of the sliding window (ms). */
  windowMs: number;
  /** Clock (epoch ms). */
  now: () => number;
  /** Addresses tracked at most; the oldest are forgotten first, so a spray of addresses cannot exhaust memory. */
  maxTrackedAddresses?: number;
}

/**
 * Counts failed logins per client address in a sliding window. Only failures count, so a user who
 * types the password right is never slowed down; once an address is over the limit every attempt
 * from it is refused (before any password is hashed) until old failures leave the window.
 */
export class LoginThrottle {
  readonly #failures = new Map<string, number[]>();
  readonly #options: Required<LoginThrottleOptions>;

  constructor(options: LoginThrottleOptions) {
    this.#options = { maxTrackedAddresses: 10_000, ...options };
  }

  /** Milliseconds until the address may try again; 0 when it may try now. */
  retryAfterMs(address: string): number {
    const recent = this.#recent(address);
    if (recent.length < this.#options.maxFailures) return 0;
    const oldest = recent[recent.length - this.#options.maxFailures] ?? this.#options.now();
    return Math.max(1, oldest + this.#options.windowMs - this.#options.now());
  }

  /** Records a failed login from the address. */
  recordFailure(address: string): void {
    const recent = this.#recent(address);
    recent.push(this.#options.now());
    // Only the newest maxFailures timestamps matter for the decision.
    if (recent.length > this.#options.maxFailures) recent.splice(0, recent.length - this.#options.maxFailures);
    this.#failures.delete(address);
    this.#failures.set(address, recent);
    if (this.#failures.size > this.#options.maxTrackedAddresses) {
      const oldestAddress = this.#failures.keys().next().value;
      if (oldestAddress !== undefined) this.#failures.delete(oldestAddress);
    }
  }

  #recent(address: string): number[] {
    const cutoff = this.#options.now() - this.#options.windowMs;
    const recent = (this.#failures.get(address) ?? []).filter((time) => time > cutoff);
    if (recent.length === 0) this.#failures.delete(address);
    return recent;
  }
}
