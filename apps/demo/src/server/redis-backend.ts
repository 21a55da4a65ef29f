import type { BatonError } from '@baton/engine-contract';
import {
  createRedisAdmission,
  createRedisEventBus,
  createRedisRunStore,
  DEFAULT_KEY_PREFIX,
  type RedisAdmission,
  type RedisEventBus,
  type RedisRunStore,
} from '@baton/redis';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { DEFAULT_REDIS_COMMAND_TIMEOUT_MS, mainClientOptions, quitWithin } from './redis-connection-settings.js';
import { RedisEventDelivery } from './redis-event-delivery.js';
import { RedisSessionStore } from './redis-session-store.js';

/** What the instances of a Redis-mode deployment tell each other. (Runs go through the BullMQ queue.) */
export interface ClusterLink {
  /** Tells every instance that a session was logged out (they close its sockets). Never rejects. */
  sessionEnded(sessionId: string): Promise<void>;
}

/** What an instance does when another one asks (through Redis pub/sub). */
export interface ControlHandlers {
  logout(sessionId: string): void;
}

/** Options of `openRedisBackend`. */
export interface RedisBackendOptions {
  /** `redis://` or `rediss://` URL. */
  url: string;
  /** Prefix of every key and channel (default `'baton:'`); tests use one per test. */
  keyPrefix?: string;
  sessionTtlMs: number;
  now: () => number;
  log: {
    info(details: object, message: string): void;
    warn(details: object, message: string): void;
    error(details: object, message: string): void;
  };
  /** See `RedisEventDeliveryOptions`. */
  retryDelayMs?: { min: number; max: number };
  /** How long one command may wait for its reply (ms). Default `DEFAULT_REDIS_COMMAND_TIMEOUT_MS`. */
  commandTimeoutMs?: number;
}

/** Everything the demo keeps in Redis, made from one URL. */
export interface RedisBackend extends ClusterLink {
  readonly client: Redis;
  /** The factory's `admission`: the per-user limit holds across instances. */
  readonly admission: RedisAdmission;
  readonly bus: RedisEventBus;
  /** Fan-out of the users' streams to this instance's sockets; `delivery.publish` is the factory's `onEvent`. */
  readonly delivery: RedisEventDelivery;
  readonly sessions: RedisSessionStore;
  /** The runs, shared by every instance (`createRedisRunStore` on the same client and prefix). */
  readonly runStore: RedisRunStore;
  /** The key prefix every piece uses. */
  readonly keyPrefix: string;
  setControlHandlers(handlers: ControlHandlers): void;
  /** Stops following, closes the bus and the admission, and the connections. Call after the factory shut down. */
  close(): Promise<void>;
}

const ControlMessageSchema = z.strictObject({ type: z.literal('logout'), sessionId: z.string().min(1).max(256) });

/** The URL without its password, for messages. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}

/**
 * Connects to Redis (failing with a clear error when it cannot be reached at start-up) and builds the
 * Redis-mode pieces on one client: `createRedisAdmission`, `createRedisEventBus` and
 * `createRedisRunStore` from @baton/redis, sessions shared by every instance, and a control channel
 * (`${keyPrefix}demo:control`) for logouts, whose sockets may be on any instance. Later outages
 * never throw: ioredis reconnects, and each piece reports and recovers on its own.
 */
export async function openRedisBackend(options: RedisBackendOptions): Promise<RedisBackend> {
  const keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
  const { log } = options;
  const where = redactRedisUrl(options.url);
  const commandTimeoutMs = options.commandTimeoutMs ?? DEFAULT_REDIS_COMMAND_TIMEOUT_MS;
  const client = new Redis(options.url, { ...mainClientOptions(commandTimeoutMs, `${keyPrefix}demo`), lazyConnect: true });
  let started = false;
  let down = false;
  let lastConnectionError: Error | undefined;
  client.on('error', (error: Error) => {
    lastConnectionError = error;
    // Logged once per outage; ioredis keeps reconnecting.
    if (down || !started) return;
    down = true;
    log.warn({ err: error, redis: where }, 'Redis is unreachable; live updates across instances are paused');
  });
  client.on('ready', () => {
    if (!down) return;
    down = false;
    log.info({ redis: where }, 'Redis is reachable again');
  });
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    client.disconnect();
    // ioredis rejects with "Connection is closed."; the connection error says why (ECONNREFUSED, ...).
    const reason = lastConnectionError ?? error;
    throw new Error(`Cannot reach Redis at ${where} (REDIS_URL): ${reason instanceof Error ? reason.message : String(reason)}`, {
      cause: reason,
    });
  }
  started = true;

  const onError = (error: BatonError) => {
    // Publishes during an outage fail one by one; the 'error' listener above already said Redis is away.
    if (!down) log.warn({ err: error }, 'Redis transport error');
  };
  const admission = createRedisAdmission({ redis: client, keyPrefix, onError });
  const bus = createRedisEventBus({ redis: client, keyPrefix, onError });
  const delivery = new RedisEventDelivery({
    bus,
    client,
    keyPrefix,
    log,
    ...(options.retryDelayMs ? { retryDelayMs: options.retryDelayMs } : {}),
  });
  const sessions = new RedisSessionStore({ client, keyPrefix, ttlMs: options.sessionTtlMs, now: options.now });
  // Redacted as the events are: Redis holds no secret an agent's output, error or prompt carried.
  const runStore = createRedisRunStore({ redis: client, keyPrefix, now: options.now, redactSecrets: true });

  const controlChannel = `${keyPrefix}demo:control`;
  let handlers: ControlHandlers | undefined;
  // A subscribed connection can do nothing else; ioredis re-subscribes after a reconnect by itself.
  // It inherits the client's timeouts (SUBSCRIBE is answered at once; nothing waits on it later).
  const subscriber = client.duplicate({ connectionName: `${keyPrefix}demo-control` });
  subscriber.on('error', () => undefined);
  subscriber.on('message', (_channel: string, message: string) => {
    let value: unknown;
    try {
      value = JSON.parse(message);
    } catch {
      return;
    }
    const parsed = ControlMessageSchema.safeParse(value);
    if (!parsed.success || !handlers) return;
    sessions.forget(parsed.data.sessionId);
    handlers.logout(parsed.data.sessionId);
  });
  try {
    await subscriber.subscribe(controlChannel);
  } catch (error) {
    subscriber.disconnect();
    client.disconnect();
    throw new Error(
      `Cannot subscribe to ${controlChannel} on Redis at ${where}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }

  let closing: Promise<void> | undefined;
  return {
    client,
    admission,
    bus,
    delivery,
    sessions,
    runStore,
    keyPrefix,
    setControlHandlers(next) {
      handlers = next;
    },
    async sessionEnded(sessionId) {
      try {
        await client.publish(controlChannel, JSON.stringify({ type: 'logout', sessionId }));
      } catch (error) {
        log.warn(
          { err: error },
          "could not tell the other instances about a logout; that session's sockets there stay open until they send a frame",
        );
      }
    },
    close() {
      closing ??= (async () => {
        await delivery.close();
        await bus.close();
        await admission.close();
        await runStore.close();
        subscriber.disconnect();
        await quitWithin(client, commandTimeoutMs);
      })();
      return closing;
    },
  };
}
