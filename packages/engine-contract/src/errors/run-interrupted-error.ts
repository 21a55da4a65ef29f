import { BatonError } from './baton-error.js';

const name = 'RunInterruptedError';
const marker = `baton.error.${name}`;
const symbol = Symbol.for(marker);

/** An interruption, not a cancellation: abort a run's signal with it (a shutdown, a worker closing) and, with a store, the run is recorded `interrupted` (resumable), emits no `workflow_completed`, and `run()` rejects with it (`code: 'RUN_INTERRUPTED'`). */
export class RunInterruptedError extends BatonError {
  private readonly [symbol] = true;

  constructor(options: { message: string; cause?: unknown }) {
    super({ code: 'RUN_INTERRUPTED', message: options.message, cause: options.cause });
    this.name = name;
  }

  /** True for a `RunInterruptedError` from any copy of this package; false for other errors. */
  static override isInstance(error: unknown): error is RunInterruptedError {
    return BatonError.hasMarker(error, marker);
  }
}
