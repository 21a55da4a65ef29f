import { BatonError } from './baton-error.js';

const name = 'InvalidConfigError';
const marker = `baton.error.${name}`;
const symbol = Symbol.for(marker);

/** Thrown when a configuration (limits, agents, workflows) is invalid (`code: 'INVALID_CONFIG'`). */
export class InvalidConfigError extends BatonError {
  private readonly [symbol] = true;

  constructor(options: { message: string; cause?: unknown }) {
    super({ code: 'INVALID_CONFIG', message: options.message, cause: options.cause });
    this.name = name;
  }

  /** True for a `InvalidConfigError` from any copy of this package; false for other errors. */
  static override isInstance(error: unknown): error is InvalidConfigError {
    return BatonError.hasMarker(error, marker);
  }
}
