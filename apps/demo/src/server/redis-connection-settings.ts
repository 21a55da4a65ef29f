import type { Redis, RedisOptions } from 'ioredis';

// How the demo's Redis connections fail: every one has a command timeout, because a Redis that hangs
// instead of refusing (a network partition, a stopped host: SIGSTOP) keeps its connections open, and
// without a timeout a command on it waits forever; reconnect logic never notices a silent peer.

/** Default `redis.commandTimeoutMs`: how long one Redis command may wait for its reply (ms). */
export const DEFAULT_REDIS_COMMAND_TIMEOUT_MS = 5000;
/** TCP keep-alive of every demo connection: first probe after this long idle (ms). */
export const REDIS_KEEP_ALIVE_MS = 10_000;
/**
 * The longest a BullMQ worker's blocking read may legitimately wait for its reply (ms): BullMQ blocks
 * `BZPOPMIN` for at most 10 s and drops the connection itself 1 s after that (its watchdog).
 */
export const BULLMQ_LONGEST_BLOCK_MS = 11_000;

/**
 * `redis.commandTimeoutMs` checked (an integer from 100 ms to 10 minutes), or the default.
 * @throws Error naming the option and its environment variable.
 */
export function redisCommandTimeoutMs(options: { commandTimeoutMs?: number | undefined }): number {
  const value = options.commandTimeoutMs;
  if (value === undefined) return DEFAULT_REDIS_COMMAND_TIMEOUT_MS;
  if (!Number.isInteger(value) || value < 100 || value > 600_000) {
    throw new Error(
      `The Redis command timeout (BATON_DEMO_REDIS_TIMEOUT_MS) must be an integer from 100 to 600000 ms, got ${String(value)}`,
    );
  }
  return value;
}

// While Redis is away, ioredis fails the queued commands every (maxRetriesPerRequest + 1) reconnect
// attempts. 2 retries (instead of 20) and attempts at most 500 ms apart (instead of 2 s) answer an
// ask, a login or a publish during an outage within ~1.5 s with a clear error, and reconnect within
// 0.5 s once Redis is back. Subscriber connections (duplicates) inherit the back-off.
const MAX_RETRIES_PER_REQUEST = 2;
const reconnectDelayMs = (attempt: number): number => Math.min(attempt * 50, 500);

/**
 * The demo's main client (sessions, runs, open asks, admission leases, event publishes; never a
 * blocking command): a command without a reply within `commandTimeoutMs` fails, and a connection
 * that has received nothing for that long while a command waits is dropped (`socketTimeout`) and
 * reconnected, so a Redis that stopped answering looks like one that went away (`status` is not
 * `ready`): known sessions are served and run writes skipped at once instead of after a timeout each.
 * The event bus's subscribers duplicate it with timeouts that cover their blocking reads.
 */
export function mainClientOptions(commandTimeoutMs: number, connectionName: string): RedisOptions {
  return {
    connectionName,
    maxRetriesPerRequest: MAX_RETRIES_PER_REQUEST,
    retryStrategy: reconnectDelayMs,
    commandTimeout: commandTimeoutMs,
    socketTimeout: commandTimeoutMs,
    keepAlive: REDIS_KEEP_ALIVE_MS,
  };
}

/**
 * The client of the web side's BullMQ queue (enqueue, cancel, decide; never a blocking command): as
 * BullMQ advises for a producer, it fails fast (no offline queue, few retries) rather than keep a
 * request waiting; a command without a reply within `commandTimeoutMs` fails too, and the connection
 * is then dropped (`socketTimeout`), so later commands fail at once until Redis answers again.
 */
export function queueClientOptions(commandTimeoutMs: number, connectionName: string): RedisOptions {
  return {
    connectionName,
    maxRetriesPerRequest: MAX_RETRIES_PER_REQUEST,
    enableOfflineQueue: false,
    commandTimeout: commandTimeoutMs,
    socketTimeout: commandTimeoutMs,
    keepAlive: REDIS_KEEP_ALIVE_MS,
  };
}

/**
 * The client of the BullMQ worker, which BullMQ duplicates for its blocking reads: `maxRetriesPerRequest:
 * null`, as BullMQ requires of a worker's connections (they wait for Redis to come back), and a
 * command timeout above BullMQ's longest block, so an idle worker's `BZPOPMIN` is never cut short while
 * a command to a Redis that stopped answering still fails.
 */
export function workerClientOptions(commandTimeoutMs: number, connectionName: string): RedisOptions {
  return {
    connectionName,
    maxRetriesPerRequest: null,
    commandTimeout: BULLMQ_LONGEST_BLOCK_MS + commandTimeoutMs,
    keepAlive: REDIS_KEEP_ALIVE_MS,
  };
}

/**
 * Closes `client` after the commands already sent (QUIT), or drops it when QUIT gets no reply within
 * `ms` (a Redis that stopped answering) or it is not connected. Resolves within `ms`; never rejects.
 */
export async function quitWithin(client: Redis, ms: number): Promise<void> {
  if (client.status === 'end') return;
  if (client.status !== 'ready') {
    client.disconnect();
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  // A dropped connection to a frozen peer never sees its FIN answered, so the QUIT's own failure may
  // come much later: it is not waited for.
  const answered = client.quit().then(
    () => true,
    () => false,
  );
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  if (!(await Promise.race([answered, late]))) client.disconnect();
  clearTimeout(timer);
}
