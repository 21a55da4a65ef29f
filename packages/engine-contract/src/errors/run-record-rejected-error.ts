import { BatonError } from './baton-error.js';

const name = 'RunRecordRejectedError';
const marker = `baton.error.${name}`;
const symbol = Symbol.for(marker);

/** Thrown by a run store that refuses to write a value: larger than its `maxStageOutputBytes`, or not JSON-serialisable. Never cut silently (`code: 'RUN_RECORD_REJECTED'`). */
export class RunRecordRejectedError extends BatonError {
  private readonly [symbol] = true;

  constructor(options: { message: string; cause?: unknown }) {
    super({ code: 'RUN_RECORD_REJECTED', message: options.message, cause: options.cause });
    this.name = name;
  }

  /** True for a `RunRecordRejectedError` from any copy of this package; false for other errors. */
  static override isInstance(error: unknown): error is RunRecordRejectedError {
    return BatonError.hasMarker(error, marker);
  }
}
