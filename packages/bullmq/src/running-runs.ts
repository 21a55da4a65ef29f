import { RunInterruptedError } from '@baton/engine-contract';

const MAX_PENDING_CANCELS = 10_000;

/** The abort reason of a cancelled run: not a `RunInterruptedError`, so the run ends `cancelled`. */
function cancellation(workflowId: string): Error {
  const error = new Error(`Run ${workflowId} was cancelled`);
  error.name = 'AbortError';
  return error;
}

/**
 * The runs a worker is executing, by workflow id, each with the controller of its signal: what
 * `close()` (after the grace period) and a lost job lock interrupt. Aborting with a
 * `RunInterruptedError` makes the orchestrator record the run `interrupted` and reject with it.
 * @internal
 */
export class RunningRuns {
  readonly #controllers = new Map<string, AbortController>();
  // Cancellations that came for a run not running here (yet): a job taken up between the queue's
  // check and the cancel message must still end cancelled. Bounded: the oldest are forgotten first.
  readonly #pendingCancels = new Set<string>();
  #stopped: RunInterruptedError | undefined;

  /**
   * A controller for the run of `workflowId`: already aborted with a `RunInterruptedError` once
   * `interruptAll` has been called, or with a cancellation when one came before the run started.
   */
  start(workflowId: string): AbortController {
    const controller = new AbortController();
    // A job that got this far while the worker was being closed must not start a run nobody will wait for.
    if (this.#stopped !== undefined) {
      controller.abort(this.#stopped);
      return controller;
    }
    this.#controllers.set(workflowId, controller);
    if (this.#pendingCancels.delete(workflowId)) controller.abort(cancellation(workflowId));
    return controller;
  }

  /**
   * Cancels the run of `workflowId` (the orchestrator ends it `cancelled`, with its
   * `workflow_completed`); a run not running here is cancelled when it starts here.
   */
  cancel(workflowId: string): void {
    const controller = this.#controllers.get(workflowId);
    if (controller !== undefined) {
      controller.abort(cancellation(workflowId));
      return;
    }
    this.#pendingCancels.add(workflowId);
    if (this.#pendingCancels.size > MAX_PENDING_CANCELS) {
      this.#pendingCancels.delete(this.#pendingCancels.values().next().value as string);
    }
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
