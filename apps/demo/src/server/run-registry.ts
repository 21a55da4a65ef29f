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
  readonly #pending = new Set<Promise<unknown>>();
  #interrupt: RunInterruptedError | undefined;

  /**
   * Tracks work that may register a run later (an ask whose engine is still being created, a
   * decision): `interruptAll` waits for it too. Returns `work`.
   */
  track<T>(work: Promise<T>): Promise<T> {
    this.#pending.add(work);
    const forget = () => this.#pending.delete(work);
    work.then(forget, forget);
    return work;
  }

  /** True once `interruptAll` began: a run that starts now is interrupted at once, and an ask should not start one. */
  get interrupting(): boolean {
    return this.#interrupt !== undefined;
  }

  /** Tracks a run until its `done` settles; during `interruptAll` it is interrupted as it is added. */
  add(run: ActiveRun): void {
    if (this.#interrupt) run.controller.abort(this.#interrupt);
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
   * Interrupts every run (graceful shutdown) and resolves when all of them have stopped, and all
   * tracked work has settled (an ask still creating its engine ends with an answer before the sockets
   * close): their signal is aborted with a `RunInterruptedError`, so the store records them
   * `interrupted` (resumable), not cancelled; so is that of a run added meanwhile.
   */
  async interruptAll(reason = 'The server is shutting down'): Promise<void> {
    this.#interrupt ??= new RunInterruptedError({ message: reason });
    while (this.#runs.size > 0 || this.#pending.size > 0) {
      const runs = [...this.#runs.values()];
      for (const run of runs) run.controller.abort(this.#interrupt);
      await Promise.allSettled([...runs.map((run) => run.done), ...this.#pending]);
    }
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
