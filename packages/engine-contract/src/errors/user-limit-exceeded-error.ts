import { BatonError } from './baton-error.js';

const name = 'UserLimitExceededError';
const marker = `baton.error.${name}`;
const symbol = Symbol.for(marker);

/** Thrown when a user is over a limit: engines per user, or the run queue of an engine (`code: 'USER_LIMIT_EXCEEDED'`). */
export class UserLimitExceededError extends BatonError {
  private readonly [symbol] = true;
  /** The user whose limit was reached. */
  readonly userId: string;
  /** The limit that applies. */
  readonly limit: number;

  constructor(options: { userId: string; limit: number; message?: string; cause?: unknown }) {
    super({
      code: 'USER_LIMIT_EXCEEDED',
      message: options.message ?? `User ${options.userId} has reached the maximum engine limit (${options.limit}/${options.limit})`,
      cause: options.cause,
    });
    this.name = name;
    this.userId = options.userId;
    this.limit = options.limit;
  }

  /** True for a `UserLimitExceededError` from any copy of this package; false for other errors. */
  static override isInstance(error: unknown): error is UserLimitExceededError {
    return BatonError.hasMarker(error, marker);
  }
}
