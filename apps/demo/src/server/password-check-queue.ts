/** Options of `PasswordCheckQueue`. */
export interface PasswordCheckQueueOptions {
  /** Checks that run at once. */
  concurrency: number;
  /** Checks that may wait for a turn; a login beyond them is refused at once. */
  maxWaiting: number;
}

/**
 * Bounds the password checks (scrypt) in progress. scrypt runs on libuv's thread pool (4 threads by
 * default), which also reads files (`GET /`, through @fastify/static): with every thread hashing, the
 * page waits behind the hashes. At most `concurrency` checks run; `maxWaiting` more wait their turn
 * in order; `tryRun` refuses anything beyond, so that the server answers 503 instead of queueing
 * without bound.
 */
export class PasswordCheckQueue {
  readonly #options: PasswordCheckQueueOptions;
  readonly #turns: Array<() => void> = [];
  #running = 0;
  #waiting = 0;

  constructor(options: PasswordCheckQueueOptions) {
    if (!Number.isSafeInteger(options.concurrency) || options.concurrency < 1) {
      throw new Error(`The password-check concurrency must be a positive whole number, got ${options.concurrency}`);
    }
    if (!Number.isSafeInteger(options.maxWaiting) || options.maxWaiting < 0) {
      throw new Error(`The password checks allowed to wait must be a whole number from 0, got ${options.maxWaiting}`);
    }
    this.#options = options;
  }

  /**
   * Runs `check` now, or when its turn comes, and settles as it does; undefined (and `check` is not
   * called) when `concurrency` checks run and `maxWaiting` wait already.
   */
  tryRun<T>(check: () => Promise<T>): Promise<T> | undefined {
    if (this.#running < this.#options.concurrency) {
      this.#running++;
      return this.#run(check);
    }
    if (this.#waiting >= this.#options.maxWaiting) return undefined;
    this.#waiting++;
    return new Promise<void>((resolve) => this.#turns.push(resolve)).then(() => this.#run(check));
  }

  /** Checks running now. */
  get running(): number {
    return this.#running;
  }

  /** Checks waiting for a turn. */
  get waiting(): number {
    return this.#waiting;
  }

  async #run<T>(check: () => Promise<T>): Promise<T> {
    try {
      return await check();
    } finally {
      // The turn passes straight to the next waiter: `running` stays counted for it.
      const next = this.#turns.shift();
      if (next) {
        this.#waiting--;
        next();
      } else {
        this.#running--;
      }
    }
  }
}
