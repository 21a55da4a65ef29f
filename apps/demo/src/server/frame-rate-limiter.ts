/**
 * Counts a socket's frames per one-second window. A client that sends more than `maxPerSecond`
 * is flooding; the caller closes its socket with 1008 so it cannot starve the other sockets.
 */
export class FrameRateLimiter {
  #windowStart = Number.NEGATIVE_INFINITY;
  #count = 0;

  constructor(
    private readonly maxPerSecond: number,
    private readonly now: () => number,
  ) {}

  /** Records one frame; false when the socket is over its budget. */
  allow(): boolean {
    const now = this.now();
    if (now - this.#windowStart >= 1000) {
      this.#windowStart = now;
      this.#count = 0;
    }
    this.#count++;
    return this.#count <= this.maxPerSecond;
  }
}
