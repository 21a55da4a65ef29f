import { BatonError } from './baton-error.js';

const name = 'InvalidUserContextError';
const marker = `baton.error.${name}`;
const symbol = Symbol.for(marker);

/** Thrown when a user execution context input breaks a rule; the message names the field and the rule and never echoes the rejected value (`code: 'INVALID_USER_CONTEXT'`). */
export class InvalidUserContextError extends BatonError {
  private readonly [symbol] = true;
  /** The offending key, or its dotted path inside `metadata` (`metadata.a.b`). */
  readonly field: string;

  constructor(options: { field: string; rule: string; cause?: unknown }) {
    super({ code: 'INVALID_USER_CONTEXT', message: `${options.field} ${options.rule}`, cause: options.cause });
    this.name = name;
    this.field = options.field;
  }

  /** True for a `InvalidUserContextError` from any copy of this package; false for other errors. */
  static override isInstance(error: unknown): error is InvalidUserContextError {
    return BatonError.hasMarker(error, marker);
  }
}
