import { BatonError } from './baton-error.js';

const name = 'ReplayUnavailableError';
const marker = `baton.error.${name}`;
const symbol = Symbol.for(marker);

/** Thrown by transports when the requested replay position is unknown, malformed or no longer retained (`code: 'REPLAY_UNAVAILABLE'`). */
export class ReplayUnavailableError extends BatonError {
  private readonly [symbol] = true;

  constructor(options: { message: string; cause?: unknown }) {
    super({ code: 'REPLAY_UNAVAILABLE', message: options.message, cause: options.cause });
    this.name = name;
  }

  /** True for a `ReplayUnavailableError` from any copy of this package; false for other errors. */
  static override isInstance(error: unknown): error is ReplayUnavailableError {
    return BatonError.hasMarker(error, marker);
  }
}
