import { RunInterruptedError } from '@baton/engine-contract';

/**
 * The runs a worker is executing, by workflow id, each with the controller of its signal: what
 * `close()` (after the grace period) and a lost job lock interrupt. Aborting with a
 * `RunInterruptedError` makes the orchestrator record the run `interrupted` and reject with it.
 * @internal
 */
export class RunningRuns {
  readonly #controllers = new Map<string, AbortController>();
  #stopped: RunInterruptedError | undefined;

  /** A controller for the run of `workflowId`; already aborted once `interruptAll` has been called. */
  start(workflowId: string): AbortController {
    const controller = new AbortController();
    // A job that got this far while the worker was being closed must not start a run nobody will wait for.
    if (this.#stopped !== undefined) controller.abort(this.#stopped);
    else this.#controllers.set(workflowId, controller);
    return controller;
  }

  /** Forgets the run of `workflowId` (it ended, one way or another). */
  finish(workflowId: string, controller: AbortController): void {
    if (this.#controllers.get(workflowId) === controller) this.#controllers.delete(workflowId);
  }

  /** Interrupts the run of `workflowId`, if it is running here; true when there was one. */
  interrupt(workflowId: string, message: string): boolean {
    const controller = this.#controllers.get(workflowId);
    if (controller === undefined) return false;
    controller.abort(new RunInterruptedError({ message }));
    return true;
  }

  /** Interrupts every run, and every run started from now on. */
  interruptAll(message: string): void {
    this.#stopped ??= new RunInterruptedError({ message });
    for (const controller of this.#controllers.values()) controller.abort(this.#stopped);
  }

  /** How many runs are executing now. */
  get size(): number {
    return this.#controllers.size;
  }
}
