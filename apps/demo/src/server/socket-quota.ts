import type { Session } from './session-store.js';

/** Default `maxSocketsPerSession`: open sockets of one login (tabs of one browser). */
export const DEFAULT_MAX_SOCKETS_PER_SESSION = 8;
/** Default `maxSocketsPerUser`: open sockets of one user, all sessions together. */
export const DEFAULT_MAX_SOCKETS_PER_USER = 16;

/** The caps of `SocketQuota`. */
export interface SocketLimits {
  /** Integer ≥ 1. */
  perSession: number;
  /** Integer ≥ 1. */
  perUser: number;
}

/** A socket's place under the caps, given back when it closes. */
export interface SocketSlot {
  /** Frees the slot (idempotent). */
  release(): void;
}

/**
 * Counts the open sockets of each session and each user on this instance, so that one user cannot
 * hold hundreds of sockets (each one is memory, a fan-out target and possibly a replay). A socket
 * over a cap is refused with the reason to close it with.
 */
export class SocketQuota {
  readonly #limits: SocketLimits;
  readonly #bySession = new Map<string, number>();
  readonly #byUser = new Map<string, number>();

  /** @throws Error when a cap is not a whole number ≥ 1. */
  constructor(limits: SocketLimits) {
    for (const [name, value] of [
      ['maxSocketsPerSession', limits.perSession],
      ['maxSocketsPerUser', limits.perUser],
    ] as const) {
      if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number ≥ 1, got ${String(value)}`);
    }
    this.#limits = limits;
  }

  /** Takes a slot for a new socket of `session`, or says which cap it would break (a close reason). */
  admit(session: Pick<Session, 'sessionId' | 'userId'>): SocketSlot | { refused: string } {
    const { sessionId, userId } = session;
    if ((this.#bySession.get(sessionId) ?? 0) >= this.#limits.perSession) {
      return { refused: `Too many open sockets for this login (at most ${this.#limits.perSession}); close a tab` };
    }
    if ((this.#byUser.get(userId) ?? 0) >= this.#limits.perUser) {
      return { refused: `Too many open sockets for this user (at most ${this.#limits.perUser}); close a tab` };
    }
    increment(this.#bySession, sessionId, 1);
    increment(this.#byUser, userId, 1);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        increment(this.#bySession, sessionId, -1);
        increment(this.#byUser, userId, -1);
      },
    };
  }

  /** Open sockets of `userId` on this instance (tests). */
  socketsOf(userId: string): number {
    return this.#byUser.get(userId) ?? 0;
  }
}

function increment(counts: Map<string, number>, key: string, by: number): void {
  const next = (counts.get(key) ?? 0) + by;
  if (next > 0) counts.set(key, next);
  else counts.delete(key);
}
