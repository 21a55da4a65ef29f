import { BatonError } from './baton-error.js';

const name = 'InvalidEventError';
const marker = `baton.error.${name}`;
const symbol = Symbol.for(marker);

/** Thrown when a value is not a valid agent event (`code: 'INVALID_EVENT'`). */
export class InvalidEventError extends BatonError {
  private readonly [symbol] = true;

  constructor(options: { message: string; cause?: unknown }) {
    super({ code: 'INVALID_EVENT', message: options.message, cause: options.cause });
    this.name = name;
  }

  /** True for a `InvalidEventError` from any copy of this package; false for other errors. */
  static override isInstance(error: unknown): error is InvalidEventError {
    return BatonError.hasMarker(error, marker);
  }
}
