import { BatonError } from './baton-error.js';

const name = 'RunNotResumableError';
const marker = `baton.error.${name}`;
const symbol = Symbol.for(marker);

/** Thrown by `orchestrator.resume` for a run that has finished, is already running in this process, or belongs to another workflow (`code: 'RUN_NOT_RESUMABLE'`). */
export class RunNotResumableError extends BatonError {
  private readonly [symbol] = true;

  constructor(options: { message: string; cause?: unknown }) {
    super({ code: 'RUN_NOT_RESUMABLE', message: options.message, cause: options.cause });
    this.name = name;
  }

  /** True for a `RunNotResumableError` from any copy of this package; false for other errors. */
  static override isInstance(error: unknown): error is RunNotResumableError {
    return BatonError.hasMarker(error, marker);
  }
}
