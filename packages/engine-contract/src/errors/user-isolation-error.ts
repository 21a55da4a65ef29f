import { BatonError } from './baton-error.js';

const name = 'UserIsolationError';
const marker = `baton.error.${name}`;
const symbol = Symbol.for(marker);

/** Thrown when a request would cross from one user's execution context into another's (`code: 'USER_ISOLATION_VIOLATION'`). */
export class UserIsolationError extends BatonError {
  private readonly [symbol] = true;
  /** The context field that differed (`userId`, `threadId` or `runId`). */
  readonly field: string;

  constructor(options: { field: string; message: string; cause?: unknown }) {
    super({ code: 'USER_ISOLATION_VIOLATION', message: options.message, cause: options.cause });
    this.name = name;
    this.field = options.field;
  }

  /** True for a `UserIsolationError` from any copy of this package; false for other errors. */
  static override isInstance(error: unknown): error is UserIsolationError {
    return BatonError.hasMarker(error, marker);
  }
}
