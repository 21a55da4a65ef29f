import { RunInterruptedError } from '@baton/engine-contract';

/** A workflow run in progress. */
export interface ActiveRun {
  readonly runId: string;
  readonly userId: string;
  /** The public id of the session that asked; logout (on any instance) cancels its runs. */
  readonly sessionId: string;
  readonly controller: AbortController;
  /** Settles when the run has finished, its engine is disposed and its result was sent. */
  readonly done: Promise<void>;
}

/**
 * The runs in progress, by runId. Cancellation checks ownership here: a runId that is unknown and a
 * runId of another user get the same answer, so a client learns nothing about other users' runs.
 */
export class RunRegistry {
  readonly #runs = new Map<string, ActiveRun>();

  /** Tracks a run until its `done` settles. */
  add(run: ActiveRun): void {
    this.#runs.set(run.runId, run);
    void run.done.finally(() => {
      if (this.#runs.get(run.runId) === run) this.#runs.delete(run.runId);
    });
  }

  /** Cancels the run if it exists and belongs to `userId`; false otherwise. */
  cancel(runId: string, userId: string, reason = 'Cancelled by the user'): boolean {
    const run = this.#runs.get(runId);
    if (!run || run.userId !== userId) return false;
    run.controller.abort(new Error(reason));
    return true;
  }

  /** Cancels every run a session started (on logout). */
  cancelSession(sessionId: string, reason = 'The session ended'): void {
    for (const run of this.#runs.values()) if (run.sessionId === sessionId) run.controller.abort(new Error(reason));
  }

  /**
   * Interrupts every run (graceful shutdown) and resolves when all of them have stopped: their signal
   * is aborted with a `RunInterruptedError`, so the store records them `interrupted` (resumable), not
   * cancelled.
   */
  async interruptAll(reason = 'The server is shutting down'): Promise<void> {
    const runs = [...this.#runs.values()];
    for (const run of runs) run.controller.abort(new RunInterruptedError({ message: reason }));
    await Promise.allSettled(runs.map((run) => run.done));
  }

  /**
   * Settles once the run with this runId, if one is in progress here, has ended (engine disposed,
   * end frame sent); at once otherwise. A decision waits for the run that suspended to be over, so
   * that its `result` reaches the user's sockets before the resumed run's events.
   */
  settled(runId: string): Promise<void> {
    return this.#runs.get(runId)?.done ?? Promise.resolve();
  }

  /** Runs in progress. */
  get size(): number {
    return this.#runs.size;
  }
}
