/** Default prefix of every key this package writes. */
export const DEFAULT_KEY_PREFIX = 'baton:';

/**
 * The sorted set of one user's admission leases (member: lease id, score: expiry in Redis server ms).
 * One key per user, so every script touches a single key (Redis Cluster friendly).
 * @internal
 */
export function admissionKey(keyPrefix: string, userId: string): string {
  return `${keyPrefix}admission:${userId}`;
}

/**
 * The Redis Stream of one user's events. One key per user: a subscriber reads only its user's key,
 * so events of other users never reach it, whatever they contain.
 * @internal
 */
export function eventsKey(keyPrefix: string, userId: string): string {
  return `${keyPrefix}events:${userId}`;
}

/**
 * The hash of one workflow run's record (fields in `run-record-fields.ts`). The workflowId is used as
 * given: Redis keys are binary-safe, and `run:` and `runs:` keys can never be mistaken for each other.
 * @internal
 */
export function runKey(keyPrefix: string, workflowId: string): string {
  return `${keyPrefix}run:${workflowId}`;
}

/**
 * The sorted set of one user's runs (member: workflowId, score: createdAt in ms), newest last. The
 * userId is used as given (a run store accepts any non-empty userId, as `InMemoryRunStore` does).
 * @internal
 */
export function runHistoryKey(keyPrefix: string, userId: string): string {
  return `${keyPrefix}runs:${userId}`;
}
