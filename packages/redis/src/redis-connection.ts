import { InvalidConfigError } from '@baton/engine-contract';
import { Redis } from 'ioredis';

/**
 * A connected ioredis client, ioredis 5 or 6 (standalone or Sentinel), described by the members this
 * package checks at run time instead of by ioredis' `Redis` class: two copies or majors of that class
 * are unrelated types to TypeScript (private members), so naming it would refuse the client of
 * whichever ioredis your app installed (TS2322). ioredis 6's `replyMapping: 'resp3'` is refused at
 * run time (`InvalidConfigError`): this package reads RESP2-shaped replies (ioredis 6's default, `'legacy'`).
 */
export interface RedisClient {
  /** ioredis' connection status; a client whose status is `'end'` (closed) is refused. */
  readonly status: string;
  /** Used once per event-bus subscriber, whose blocking reads need their own connection. */
  duplicate(...args: never[]): unknown;
  /** Batches commands in one round trip. */
  pipeline(): unknown;
  /** Runs commands as one transaction. */
  multi(): unknown;
  /** Runs the package's Lua scripts by SHA. */
  evalsha(...args: never[]): unknown;
}

/** What `redis` accepts: a connected ioredis client (left open by `close()`) or a `redis://` / `rediss://` URL (owned). */
export type RedisClientOrUrl = RedisClient | string;

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

/**
 * How long one command of a connection this package makes may wait for its reply (ms) when the
 * passed-in client sets no `commandTimeout` of its own. A Redis that stops answering without closing
 * the connection (a network partition, a stopped host) is never noticed by reconnect logic: only a
 * timeout turns its silence into a `TransportError`.
 * @internal
 */
export const DEFAULT_COMMAND_TIMEOUT_MS = 5000;
/**
 * TCP keep-alive of the connections this package makes: the first probe after this long idle (ms),
 * so a connection whose peer vanished is found dead, and idle NAT and load-balancer entries stay up.
 * @internal
 */
export const KEEP_ALIVE_MS = 10_000;

/**
 * Reconnect delay of an owned client: ioredis 5's default (50 ms more per attempt, at most 2 s),
 * set explicitly because ioredis 6 doubles its default delay up to 5 s, which spaces the retries of
 * a down Redis so far apart that each command waits ~15 s before failing instead of ~2 s.
 */
function ownedRetryDelay(attempt: number): number {
  return Math.min(attempt * 50, 2000);
}

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
    const client = new Redis(redis, {
      maxRetriesPerRequest: OWNED_MAX_RETRIES_PER_REQUEST,
      retryStrategy: ownedRetryDelay,
      commandTimeout: DEFAULT_COMMAND_TIMEOUT_MS,
      keepAlive: KEEP_ALIVE_MS,
      connectionName,
    });
    client.on('error', ignoreConnectionError);
    return { client, owned: true, close: () => quitClient(client) };
  }
  if (isRedisClient(redis)) {
    if ((redis as { isCluster?: unknown }).isCluster === true) {
      throw new InvalidConfigError({
        message: 'redis: Redis Cluster clients are not supported; pass a standalone or Sentinel ioredis client',
      });
    }
    if ((redis.options as { replyMapping?: unknown } | undefined)?.replyMapping === 'resp3') {
      throw new InvalidConfigError({
        message: "redis: ioredis' replyMapping 'resp3' is not supported; pass a client with the default replyMapping ('legacy')",
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
 * How long a command on `client` may wait for its reply: its own `commandTimeout`, else
 * `DEFAULT_COMMAND_TIMEOUT_MS`.
 * @internal
 */
export function commandTimeoutOf(client: Redis): number {
  const timeout = client.options.commandTimeout;
  return typeof timeout === 'number' && timeout > 0 ? timeout : DEFAULT_COMMAND_TIMEOUT_MS;
}

/** A subscriber's own connection, and how long each of its reads may take. @internal */
export interface BlockingReadConnection {
  readonly connection: Redis;
  /** The bound of one non-blocking read on it (ms): the parent client's command timeout. */
  readonly readTimeoutMs: number;
}

/**
 * A new connection with the client's options for one blocking reader (XREAD BLOCK ties up its
 * connection), failing fast when Redis goes away or stops answering. Close it with `disconnect()`,
 * which also rejects a pending blocked read at once.
 *
 * Its command timeout is `blockMs` plus the parent's: a blocked XREAD legitimately waits `blockMs`
 * for its reply, so the parent's own, shorter one would fail every idle read (the reader bounds its
 * other reads by `readTimeoutMs` itself). A parent's `socketTimeout` is dropped for the same reason.
 * @internal
 */
export function duplicateForBlockingReads(client: Redis, blockMs: number): BlockingReadConnection {
  const readTimeoutMs = commandTimeoutOf(client);
  const keepAlive = client.options.keepAlive;
  const connection = client.duplicate({
    maxRetriesPerRequest: SUBSCRIBER_MAX_RETRIES_PER_REQUEST,
    commandTimeout: blockMs + readTimeoutMs,
    socketTimeout: undefined,
    keepAlive: typeof keepAlive === 'number' && keepAlive > 0 ? keepAlive : KEEP_ALIVE_MS,
    // Queue the first reads while the new connection is still being established.
    enableOfflineQueue: true,
  });
  connection.on('error', ignoreConnectionError);
  return { connection, readTimeoutMs };
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
