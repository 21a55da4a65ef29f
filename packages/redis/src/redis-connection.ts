import { InvalidConfigError } from '@baton/engine-contract';
import { Redis } from 'ioredis';

/** What `redis` accepts: a connected ioredis client (left open by `close()`) or a `redis://` / `rediss://` URL (owned). */
export type RedisClientOrUrl = Redis | string;

/** A client to use and whether this package must close it. @internal */
export interface RedisConnection {
  /** The client every command of one admission or bus goes through. */
  readonly client: Redis;
  /** True when made here from a URL; only then does `close()` quit it. */
  readonly owned: boolean;
  /** Quits an owned client (disconnects it if QUIT cannot be sent); leaves a passed-in one open. */
  close(): Promise<void>;
}

// Commands of an owned client fail after this many failed reconnects (~300 ms with ioredis' default
// back-off) instead of ioredis' 20 (~10 s): callers then get a TransportError while a request is
// still waiting, and a subscriber can resume from its last id once Redis is back.
const OWNED_MAX_RETRIES_PER_REQUEST = 2;
// Same bound for the duplicated connection of each subscriber, whatever the passed-in client says:
// a blocked XREAD must fail promptly when Redis goes away, not hang for the parent's retry budget.
const SUBSCRIBER_MAX_RETRIES_PER_REQUEST = 2;

function ignoreConnectionError(): void {
  // ioredis prints "Unhandled error event" for connections without an 'error' listener. Every
  // command on these connections reports its own failure as a TransportError, so the event is noise.
}

function isRedisClient(value: unknown): value is Redis {
  if (typeof value !== 'object' || value === null) return false;
  const client = value as Record<string, unknown>;
  // Duck-typed rather than `instanceof Redis`: the caller's ioredis may be another copy than ours.
  return (
    typeof client.duplicate === 'function' &&
    typeof client.pipeline === 'function' &&
    typeof client.multi === 'function' &&
    typeof client.evalsha === 'function' &&
    typeof client.status === 'string'
  );
}

/**
 * Resolves the `redis` option: a client is used as is, a URL becomes an owned client named
 * `connectionName` (visible in `CLIENT LIST`).
 * @throws InvalidConfigError for anything else, a Redis Cluster client, or a client that has already ended.
 * @internal
 */
export function openRedisConnection(redis: unknown, connectionName: string): RedisConnection {
  if (typeof redis === 'string') {
    let protocol: string;
    try {
      protocol = new URL(redis).protocol;
    } catch {
      // Never echo the URL: it may carry a password.
      throw new InvalidConfigError({
        message: 'redis must be an ioredis client or a redis:// or rediss:// URL (the URL could not be parsed)',
      });
    }
    if (protocol !== 'redis:' && protocol !== 'rediss:') {
      throw new InvalidConfigError({ message: 'redis URL must start with redis:// or rediss://' });
    }
    const client = new Redis(redis, { maxRetriesPerRequest: OWNED_MAX_RETRIES_PER_REQUEST, connectionName });
    client.on('error', ignoreConnectionError);
    return { client, owned: true, close: () => quitClient(client) };
  }
  if (isRedisClient(redis)) {
    if ((redis as { isCluster?: unknown }).isCluster === true) {
      throw new InvalidConfigError({
        message: 'redis: Redis Cluster clients are not supported; pass a standalone or Sentinel ioredis client',
      });
    }
    if (redis.status === 'end') {
      throw new InvalidConfigError({ message: 'redis: the ioredis client has been closed (status "end"); pass a connected client' });
    }
    return { client: redis, owned: false, close: async () => {} };
  }
  throw new InvalidConfigError({ message: 'redis must be a connected ioredis client or a redis:// or rediss:// URL' });
}

/**
 * A new connection with the client's options for one blocking reader (XREAD BLOCK ties up its
 * connection), failing fast when Redis goes away. Close it with `disconnect()`, which also rejects
 * a pending blocked read at once.
 * @internal
 */
export function duplicateForBlockingReads(client: Redis): Redis {
  const connection = client.duplicate({
    maxRetriesPerRequest: SUBSCRIBER_MAX_RETRIES_PER_REQUEST,
    // Queue the first reads while the new connection is still being established.
    enableOfflineQueue: true,
  });
  connection.on('error', ignoreConnectionError);
  return connection;
}

async function quitClient(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  if (client.status === 'ready') {
    try {
      // QUIT goes after every command already sent, so pending publishes are written first.
      await client.quit();
      return;
    } catch {
      // Redis went away while quitting: drop the connection below.
    }
  }
  client.disconnect();
}
