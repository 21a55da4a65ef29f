/**
 * Runs `?since=` replays one at a time per user, in the order they were asked for: a user who opens
 * many sockets at once (40 tabs, or a script) replays them one after the other instead of all at
 * once, so their replays never hold more than one slice of the event loop's work at a time and every
 * other user keeps being served. A replay whose socket closed while it waited is skipped.
 */
export class ReplayQueue {
  readonly #tails = new Map<string, Promise<void>>();

  /**
   * Runs `replay` once the user's earlier replays have ended (skips it when `signal` aborted
   * meanwhile). Resolves or rejects as `replay` does; a failed replay does not hold up the next one.
   */
  run(userId: string, signal: AbortSignal, replay: () => Promise<void>): Promise<void> {
    const turn = (this.#tails.get(userId) ?? Promise.resolve()).then(() => (signal.aborted ? undefined : replay()));
    // The next replay waits for this one whatever its outcome; the last one of a user forgets the user.
    const settle = (): void => {
      if (this.#tails.get(userId) === tail) this.#tails.delete(userId);
    };
    const tail: Promise<void> = turn.then(settle, settle);
    this.#tails.set(userId, tail);
    return turn;
  }

  /** Users with a replay running or waiting (diagnostics and tests). */
  get busyUsers(): number {
    return this.#tails.size;
  }
}
