import { BatonError } from './baton-error.js';

const name = 'TransportError';
const marker = `baton.error.${name}`;
const symbol = Symbol.for(marker);

/** Wraps a failure of the underlying transport (e.g. Redis), with the original as `cause` (`code: 'TRANSPORT_ERROR'`). */
export class TransportError extends BatonError {
  private readonly [symbol] = true;

  constructor(options: { message: string; cause?: unknown }) {
    super({ code: 'TRANSPORT_ERROR', message: options.message, cause: options.cause });
    this.name = name;
  }

  /** True for a `TransportError` from any copy of this package; false for other errors. */
  static override isInstance(error: unknown): error is TransportError {
    return BatonError.hasMarker(error, marker);
  }
}
