import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { TransportError } from '@baton/engine-contract';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { SessionBackend } from './session-backend.js';
import type { Session } from './session-store.js';

/** Options of `RedisSessionStore`. */
export interface RedisSessionStoreOptions {
  client: Redis;
  /** Sessions live in `${keyPrefix}demo:session:<sha-256 of the token>`. */
  keyPrefix: string;
  /** Lifetime of a session from login (ms). */
  ttlMs: number;
  /** Clock (epoch ms). */
  now: () => number;
}

const StoredSessionSchema = z.strictObject({
  sessionId: z.string().min(1),
  userId: z.string().min(1),
  createdAt: z.number(),
  expiresAt: z.number(),
});

/**
 * Server-side sessions shared by every demo instance on one Redis: a login on instance A gives a
 * cookie that instance B accepts (browsers share cookies across ports of one host, so two instances
 * on 127.0.0.1 need this). Keys hold a hash of the token, never the cookie secret itself, and expire
 * with the session (`PX`). Sessions this instance has seen are also kept locally, used only while
 * Redis is unreachable so that open pages can still reconnect here; logout removes them everywhere
 * (`forget`, through the demo's control channel). A logout while Redis is unreachable still ends the
 * session here: its token is refused locally until Redis has deleted it, which is retried whenever
 * the connection is ready again.
 */
export class RedisSessionStore implements SessionBackend {
  readonly #options: RedisSessionStoreOptions;
  readonly #seen = new Map<string, Session>();
  /** Keys of sessions logged out here while Redis was unreachable, with when they expire anyway. */
  readonly #revoked = new Map<string, number>();

  constructor(options: RedisSessionStoreOptions) {
    this.#options = options;
    options.client.on('ready', () => void this.#deleteRevoked());
  }

  async create(userId: string): Promise<Session> {
    this.#sweep();
    const now = this.#options.now();
    const session: Session = Object.freeze({
      token: randomBytes(32).toString('base64url'),
      sessionId: randomUUID(),
      userId,
      createdAt: now,
      expiresAt: now + this.#options.ttlMs,
    });
    const { token: _token, ...stored } = session;
    await this.#redis('session create', (client) =>
      client.set(this.#key(session.token), JSON.stringify(stored), 'PX', this.#options.ttlMs),
    );
    this.#seen.set(session.token, session);
    return session;
  }

  async get(token: string | undefined): Promise<Session | undefined> {
    if (token === undefined || token.length === 0 || token.length > 128) return undefined;
    if (this.#isRevoked(this.#key(token))) return undefined;
    const known = this.#seen.get(token);
    // Redis is away (ioredis is reconnecting): answer from what this instance knows without waiting
    // for the command to fail.
    if (known && this.#options.client.status !== 'ready' && known.expiresAt > this.#options.now()) return known;
    let raw: string | null;
    try {
      raw = await this.#redis('session lookup', (client) => client.get(this.#key(token)));
    } catch (error) {
      // Redis is away: a session this instance already knew stays usable until it expires.
      if (known && known.expiresAt > this.#options.now()) return known;
      throw error;
    }
    const session = raw === null ? undefined : this.#parse(token, raw);
    if (!session || session.expiresAt <= this.#options.now()) {
      this.#seen.delete(token);
      return undefined;
    }
    this.#seen.set(token, session);
    return session;
  }

  async delete(token: string | undefined): Promise<Session | undefined> {
    if (token === undefined || token.length === 0 || token.length > 128) return undefined;
    const key = this.#key(token);
    const known = this.#seen.get(token);
    this.#seen.delete(token);
    let replies: [error: Error | null, result: unknown][] | null;
    try {
      replies = await this.#redis('session delete', (client) => client.multi().get(key).del(key).exec());
    } catch (error) {
      // Redis is away: end the session here now (refused locally), and in Redis once it is back.
      if (!TransportError.isInstance(error)) throw error;
      this.#revoked.set(key, known?.expiresAt ?? this.#options.now() + this.#options.ttlMs);
      return known;
    }
    const raw = replies?.[0]?.[1];
    return typeof raw === 'string' ? this.#parse(token, raw) : undefined;
  }

  /** Drops a session from the local fallback (it was logged out on some instance). */
  forget(sessionId: string): void {
    for (const [token, session] of this.#seen) if (session.sessionId === sessionId) this.#seen.delete(token);
  }

  #parse(token: string, raw: string): Session | undefined {
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      return undefined;
    }
    const parsed = StoredSessionSchema.safeParse(value);
    return parsed.success ? Object.freeze({ token, ...parsed.data }) : undefined;
  }

  #key(token: string): string {
    return `${this.#options.keyPrefix}demo:session:${createHash('sha256').update(token).digest('hex')}`;
  }

  #sweep(): void {
    const now = this.#options.now();
    for (const [token, session] of this.#seen) if (session.expiresAt <= now) this.#seen.delete(token);
    for (const key of [...this.#revoked.keys()]) this.#isRevoked(key);
  }

  #isRevoked(key: string): boolean {
    const expiresAt = this.#revoked.get(key);
    if (expiresAt === undefined) return false;
    if (expiresAt > this.#options.now()) return true;
    // Expired in Redis by now as well (PX): nothing left to delete.
    this.#revoked.delete(key);
    return false;
  }

  /** Deletes, now that Redis is reachable, the sessions logged out while it was not. Never rejects. */
  async #deleteRevoked(): Promise<void> {
    for (const key of [...this.#revoked.keys()]) {
      if (!this.#isRevoked(key)) continue;
      try {
        await this.#options.client.del(key);
        this.#revoked.delete(key);
      } catch {
        // Away again: the next 'ready' retries.
        return;
      }
    }
  }

  async #redis<T>(action: string, command: (client: Redis) => Promise<T>): Promise<T> {
    try {
      return await command(this.#options.client);
    } catch (error) {
      throw new TransportError({
        message: `Redis ${action} failed: ${error instanceof Error ? error.message : String(error)}`,
        cause: error,
      });
    }
  }
}
