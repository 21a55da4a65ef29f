import { randomUUID } from 'node:crypto';
import { type AdmissionLease, TransportError, type UserAdmission } from '@baton/engine-contract';
import { assertOptionsObject, integerOption, keyPrefixOption, onErrorOption } from './config-options.js';
import type { RedisErrorHandler } from './error-handler.js';
import { acquireLeaseScript } from './lua/acquire-lease.js';
import { refreshLeasesScript } from './lua/refresh-leases.js';
import { openRedisConnection, type RedisClientOrUrl } from './redis-connection.js';
import { admissionKey } from './redis-keys.js';
import { transportErrorFrom } from './transport-error-from.js';
import { assertUserId } from './user-id.js';

/** Default `leaseTtlMs`: how long a lease outlives the last refresh of a process that died. */
export const DEFAULT_LEASE_TTL_MS = 30_000;

const OPTION_NAMES = ['redis', 'keyPrefix', 'leaseTtlMs', 'onError'] as const;

/** Options of `createRedisAdmission`. */
export interface RedisAdmissionOptions {
  /**
   * A connected ioredis client (shared with your code and left open by `close()`; leases are
   * refreshed through it, so they expire once it is closed), or a `redis://` / `rediss://` URL from
   * which a client is made and owned (closed by `close()`).
   */
  redis: RedisClientOrUrl;
  /** Prefix of every key; leases live in `${keyPrefix}admission:${userId}`. Default `'baton:'`. */
  keyPrefix?: string;
  /**
   * How long a lease lives without a refresh, in ms (integer ≥ 10). Live leases are refreshed every
   * `leaseTtlMs / 3`; a crashed process's leases free their slots after at most this. Default 30000.
   */
  leaseTtlMs?: number;
  /**
   * Receives failures that have no caller: a refresh that could not reach Redis, or a lease found
   * expired at refresh (the process stalled longer than `leaseTtlMs`), as `TransportError`s.
   * Default: `process.emitWarning`.
   */
  onError?: RedisErrorHandler;
}

/** A `UserAdmission` whose per-user limit holds across every process sharing one Redis. */
export interface RedisAdmission extends UserAdmission {
  /**
   * Admits one more engine for `userId` when the user holds fewer than `limit` live leases on this
   * Redis, from any process. Resolves to a lease, or `null` at the limit (also for a limit that is
   * not a positive number, as `InMemoryUserAdmission` does).
   * Rejects with `TransportError` when Redis fails, `InvalidUserContextError` for a bad `userId`.
   */
  acquire(userId: string, limit: number): Promise<AdmissionLease | null>;
  /**
   * Stops refreshing leases and quits a client made from a URL; a passed-in client stays open.
   * Leases still held then expire after `leaseTtlMs`, so release them first (`factory.shutdown()`).
   * Idempotent.
   */
  close(): Promise<void>;
}

interface HeldLeases {
  readonly userId: string;
  readonly leaseIds: Set<string>;
}

/**
 * Creates a Redis-backed `UserAdmission` for `createEngineFactory({ admission })`: the per-user
 * engine limit holds across server instances, atomically (one Lua script per acquire over a per-user
 * sorted set of leases scored by expiry).
 *
 * Leases held by this process are refreshed in one pipeline every `leaseTtlMs / 3` by an `unref`'d
 * timer; a process that dies (or whose client is closed) stops refreshing, so its leases expire
 * after `leaseTtlMs`. `release()` frees the slot at once and is idempotent; it never rejects: when
 * Redis fails it reports a `TransportError` to `onError` and the slot frees itself within `leaseTtlMs`.
 *
 * @throws InvalidConfigError for bad options (unknown key, bad `redis`, `keyPrefix` or `leaseTtlMs`).
 * @example
 * ```ts
 * const admission = createRedisAdmission({ redis: new Redis(process.env.REDIS_URL!) });
 * const factory = createEngineFactory({ agents, admission });
 * ```
 */
export function createRedisAdmission(options: RedisAdmissionOptions): RedisAdmission {
  assertOptionsObject(options, OPTION_NAMES, 'createRedisAdmission');
  const keyPrefix = keyPrefixOption(options);
  const leaseTtlMs = integerOption(options, 'leaseTtlMs', { min: 10, max: 2 ** 31 - 1, defaultValue: DEFAULT_LEASE_TTL_MS });
  const onError = onErrorOption(options);
  // Last, so that an invalid option never leaves an owned client connecting in the background.
  const connection = openRedisConnection(options.redis, `${keyPrefix}admission`);
  const { client } = connection;

  // By key: this process's live leases, the only ones it refreshes.
  const held = new Map<string, HeldLeases>();
  let refreshTimer: NodeJS.Timeout | undefined;
  let refreshing = false;
  let closed = false;
  let closing: Promise<void> | undefined;

  function track(key: string, userId: string, leaseId: string): void {
    let leases = held.get(key);
    if (!leases) {
      leases = { userId, leaseIds: new Set() };
      held.set(key, leases);
    }
    leases.leaseIds.add(leaseId);
    if (refreshTimer === undefined && !closed) {
      // Three refreshes per TTL: one late or failed refresh does not yet lose the lease.
      refreshTimer = setInterval(() => void refresh(), Math.max(1, Math.floor(leaseTtlMs / 3)));
      refreshTimer.unref();
    }
  }

  /** True when the lease was still held (and is no longer). */
  function untrack(key: string, leaseId: string): boolean {
    const leases = held.get(key);
    if (!leases?.leaseIds.delete(leaseId)) return false;
    if (leases.leaseIds.size === 0) held.delete(key);
    if (held.size === 0) stopRefreshing();
    return true;
  }

  function stopRefreshing(): void {
    if (refreshTimer !== undefined) clearInterval(refreshTimer);
    refreshTimer = undefined;
  }

  async function refresh(): Promise<void> {
    // A slow round trip must not stack a second refresh behind it.
    if (refreshing || held.size === 0) return;
    if (client.status === 'end') {
      // The client was closed for good: nothing can be refreshed any more, and these leases will
      // expire on their own. Say so once instead of at every tick.
      const count = [...held.values()].reduce((sum, leases) => sum + leases.leaseIds.size, 0);
      held.clear();
      stopRefreshing();
      onError(
        new TransportError({
          message: `Redis client closed: ${count} admission lease(s) can no longer be refreshed and will expire after leaseTtlMs`,
        }),
      );
      return;
    }
    refreshing = true;
    const batch = [...held].map(([key, leases]) => ({ key, userId: leases.userId, leaseIds: [...leases.leaseIds] }));
    try {
      const results = await refreshLeasesScript.runMany(
        client,
        batch.map(({ key, leaseIds }) => ({ keys: [key], args: [leaseTtlMs, ...leaseIds] })),
      );
      batch.forEach(({ key, userId }, index) => {
        const [error, lost] = results[index] ?? [new Error('missing pipeline reply'), null];
        if (error) {
          onError(transportErrorFrom(error, 'admission lease refresh'));
          return;
        }
        for (const leaseId of Array.isArray(lost) ? (lost as string[]) : []) {
          // A lease released while this refresh was in flight is not "lost": only report held ones.
          if (!untrack(key, leaseId)) continue;
          onError(
            new TransportError({
              message: `Admission lease of user ${userId} expired before it could be refreshed (stalled longer than leaseTtlMs = ${leaseTtlMs}); the user may briefly exceed the engine limit`,
            }),
          );
        }
      });
    } catch (error) {
      onError(transportErrorFrom(error, 'admission lease refresh'));
    } finally {
      refreshing = false;
    }
  }

  function createLease(key: string, leaseId: string): AdmissionLease {
    let releasing: Promise<void> | undefined;
    return {
      release() {
        releasing ??= (async () => {
          // Stop refreshing first: whatever happens below, the lease now expires within leaseTtlMs.
          untrack(key, leaseId);
          if (closed && connection.owned) return;
          try {
            await client.zrem(key, leaseId);
          } catch (error) {
            onError(transportErrorFrom(error, 'admission release'));
          }
        })();
        return releasing;
      },
    };
  }

  return {
    async acquire(userId: string, limit: number): Promise<AdmissionLease | null> {
      assertUserId(userId);
      if (closed) throw new TransportError({ message: 'createRedisAdmission: acquire() after close()' });
      // `!(limit > 0)` rather than `limit <= 0`: NaN and non-numbers admit no one.
      if (typeof limit !== 'number' || !(limit > 0)) return null;
      // A holder count is an integer, so `held < 2.5` is `held < 3`; Infinity has no Lua spelling.
      const max = Number.isFinite(limit) ? Math.ceil(limit) : Number.MAX_SAFE_INTEGER;
      const key = admissionKey(keyPrefix, userId);
      const leaseId = randomUUID();
      let admitted: unknown;
      try {
        admitted = await acquireLeaseScript.run(client, { keys: [key], args: [leaseId, max, leaseTtlMs] });
      } catch (error) {
        // If the script ran but its reply was lost, the orphan lease expires after leaseTtlMs.
        throw transportErrorFrom(error, 'admission acquire');
      }
      if (admitted !== 1) return null;
      track(key, userId, leaseId);
      return createLease(key, leaseId);
    },
    close() {
      closing ??= (async () => {
        closed = true;
        stopRefreshing();
        await connection.close();
      })();
      return closing;
    },
  };
}
