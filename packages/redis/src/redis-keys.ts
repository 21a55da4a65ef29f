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
