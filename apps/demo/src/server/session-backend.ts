import type { Session } from './session-store.js';

/**
 * Where sessions live: `SessionStore` (memory, one process; synchronous) or `RedisSessionStore`
 * (shared by every instance on one Redis, so a cookie from instance A works on instance B).
 */
export interface SessionBackend {
  /** Starts a session for a user who has just logged in. */
  create(userId: string): Session | Promise<Session>;
  /** The live session for a cookie value, or undefined when it is unknown or expired. */
  get(token: string | undefined): Session | undefined | Promise<Session | undefined>;
  /** Ends a session; returns it when it existed. */
  delete(token: string | undefined): Session | undefined | Promise<Session | undefined>;
}
