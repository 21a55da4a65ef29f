import { BatonError } from './baton-error.js';

const name = 'RunNotFoundError';
const marker = `baton.error.${name}`;
const symbol = Symbol.for(marker);

/** Thrown when a run store holds no record for a workflow id: never created, expired or evicted (`code: 'RUN_NOT_FOUND'`). */
export class RunNotFoundError extends BatonError {
  private readonly [symbol] = true;

  constructor(options: { message: string; cause?: unknown }) {
    super({ code: 'RUN_NOT_FOUND', message: options.message, cause: options.cause });
    this.name = name;
  }

  /** True for a `RunNotFoundError` from any copy of this package; false for other errors. */
  static override isInstance(error: unknown): error is RunNotFoundError {
    return BatonError.hasMarker(error, marker);
  }
}
