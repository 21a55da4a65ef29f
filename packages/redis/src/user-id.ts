import { InvalidUserContextError, MAX_ID_LENGTH } from '@baton/engine-contract';

// Same rule as the contract's context ids; whitespace and control characters would make keys
// ambiguous in logs and in `redis-cli`, and an empty id would collapse into the bare prefix.
const FORBIDDEN = /[\s\p{Cc}]/u;

/**
 * Checks a user id before it becomes part of a Redis key.
 * @throws InvalidUserContextError (`field: 'userId'`) when it is not a non-empty string of at most
 *   `MAX_ID_LENGTH` characters without whitespace or control characters.
 * @internal
 */
export function assertUserId(userId: unknown): asserts userId is string {
  if (typeof userId !== 'string' || userId.length === 0) {
    throw new InvalidUserContextError({ field: 'userId', rule: 'must be a non-empty string' });
  }
  if (userId.length > MAX_ID_LENGTH) {
    throw new InvalidUserContextError({ field: 'userId', rule: `must be at most ${MAX_ID_LENGTH} characters` });
  }
  if (FORBIDDEN.test(userId)) {
    throw new InvalidUserContextError({ field: 'userId', rule: 'must not contain whitespace or control characters' });
  }
}
