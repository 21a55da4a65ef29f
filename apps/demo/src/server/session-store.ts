import { randomBytes, randomUUID } from 'node:crypto';

/** A logged-in session, kept only on the server. */
export interface Session {
  /** The cookie value: 256 random bits. A secret; never logged or put in an execution context. */
  readonly token: string;
  /** A non-secret id for the session, used as `sessionId` in execution contexts and logs. */
  readonly sessionId: string;
  readonly userId: string;
  readonly createdAt: number;
  readonly expiresAt: number;
}

/** Options of the session store. */
export interface SessionStoreOptions {
  /** Lifetime of a session from login (ms). */
  ttlMs: number;
  /** Clock (epoch ms); injectable so tests can expire sessions without waiting. */
  now: () => number;
}

/**
 * Server-side sessions: a random 256-bit token in the cookie maps to the user here. Expiry is
 * checked on every lookup, so an expired session is refused even before the sweep removes it.
 */
export class SessionStore {
  readonly #sessions = new Map<string, Session>();
  readonly #options: SessionStoreOptions;

  constructor(options: SessionStoreOptions) {
    this.#options = options;
  }

  /** Starts a session for a user who has just logged in. */
  create(userId: string): Session {
    this.sweep();
    const now = this.#options.now();
    const session: Session = Object.freeze({
      token: randomBytes(32).toString('base64url'),
      sessionId: randomUUID(),
      userId,
      createdAt: now,
      expiresAt: now + this.#options.ttlMs,
    });
    this.#sessions.set(session.token, session);
    return session;
  }

  /** The live session for a cookie value, or undefined when it is unknown or expired. */
  get(token: string | undefined): Session | undefined {
    if (token === undefined) return undefined;
    const session = this.#sessions.get(token);
    if (session === undefined) return undefined;
    if (session.expiresAt <= this.#options.now()) {
      this.#sessions.delete(token);
      return undefined;
    }
    return session;
  }

  /** Ends a session; returns it when it existed. */
  delete(token: string | undefined): Session | undefined {
    if (token === undefined) return undefined;
    const session = this.#sessions.get(token);
    this.#sessions.delete(token);
    return session;
  }

  /** Removes expired sessions (called on every login, so the map cannot grow without bound). */
  sweep(): void {
    const now = this.#options.now();
    for (const [token, session] of this.#sessions) if (session.expiresAt <= now) this.#sessions.delete(token);
  }

  /** Number of sessions held (expired ones included until swept). */
  get size(): number {
    return this.#sessions.size;
  }
}
