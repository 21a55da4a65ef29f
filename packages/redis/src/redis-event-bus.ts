import {
  type AgentEvent,
  type BatonError,
  InvalidConfigError,
  parseAgentEvent,
  ReplayUnavailableError,
  TransportError,
} from '@baton/engine-contract';
import { type AgentEventEntry, EVENT_FIELD, encodeAgentEvent } from './agent-event-entry.js';
import { assertOptionsObject, integerOption, keyPrefixOption, onErrorOption } from './config-options.js';
import type { RedisErrorHandler } from './error-handler.js';
import { openRedisConnection, type RedisClientOrUrl } from './redis-connection.js';
import { eventsKey } from './redis-keys.js';
import { MIN_STREAM_ID, parseStreamId } from './stream-id.js';
import { readUserStream, type StreamAnchor, type SubscriptionStart } from './stream-subscription.js';
import { transportErrorFrom } from './transport-error-from.js';
import { assertUserId } from './user-id.js';

/** Default `maxLenPerUser`: events kept per user stream (approximately, `MAXLEN ~`). */
export const DEFAULT_MAX_LEN_PER_USER = 10_000;
/** Default `ttlMs`: a user's stream is deleted after this long without a publish (1 h). */
export const DEFAULT_STREAM_TTL_MS = 3_600_000;

const OPTION_NAMES = ['redis', 'keyPrefix', 'maxLenPerUser', 'ttlMs', 'onError'] as const;
// Entries per XRANGE round trip while replaying or catching up.
const READ_BATCH_SIZE = 1000;
// Entries a subscriber decodes, validates and hands out before it yields to the event loop: a few ms
// of work, its consumer's included, so a replay of 10,000 events never holds the loop for long.
const YIELD_EVERY = 50;
// A blocked XREAD returns after this long even when idle, so the loop re-checks the stream now and
// then (and a half-open TCP connection cannot park a subscriber forever).
const BLOCK_MS = 5000;

/** Options of `createRedisEventBus`. */
export interface RedisEventBusOptions {
  /**
   * A connected ioredis client (used for publishing, duplicated once per subscriber, left open by
   * `close()`), or a `redis://` / `rediss://` URL from which a client is made and owned.
   */
  redis: RedisClientOrUrl;
  /** Prefix of every key; a user's events live in `${keyPrefix}events:${userId}`. Default `'baton:'`. */
  keyPrefix?: string;
  /** Events kept per user (`XADD MAXLEN ~`, so slightly more may be kept). Integer ≥ 1, default 10000. */
  maxLenPerUser?: number;
  /** A user's stream expires after this many ms without a publish. Integer ≥ 1, default 3600000 (1 h). */
  ttlMs?: number;
  /**
   * Receives what cannot be thrown at a caller: a `publish` that failed (`TransportError`) or was
   * refused (`InvalidEventError`, `InvalidUserContextError`), and corrupt stream entries that
   * subscribers skipped (`InvalidEventError`). Default: `process.emitWarning`.
   */
  onError?: RedisErrorHandler;
}

/** Options of `subscribe`. */
export interface RedisEventBusSubscribeOptions {
  /**
   * Replay the events after this entry id (`<ms>-<seq>`, e.g. the last id the client saw), or every
   * retained event with `'0'`. Omitted: only events published after `subscribe()` was called.
   */
  fromId?: string;
  /** Ends the iteration (normally, without an error) when aborted, also while it waits. */
  signal?: AbortSignal;
}

/** Per-user Redis Streams for agent events: publish from any instance, replay and follow from any other. */
export interface RedisEventBus {
  /**
   * Appends `event` to its user's stream (`XADD … MAXLEN ~ maxLenPerUser` and `PEXPIRE ttlMs`, in
   * one pipeline). Fits the factory's `onEvent` as is (no `this`). Never throws and never rejects:
   * resolves to the entry id once written, or to `null` when the event was refused or Redis failed,
   * after reporting that to `onError`. Events of one user are written in the order of the calls.
   */
  publish(event: AgentEvent): Promise<string | null>;
  /**
   * Iterates `userId`'s events as `{ id, event }`: first those after `fromId`, then live ones, in
   * order and without duplicates; ends when `signal` aborts or `close()` is called. The first step
   * throws `ReplayUnavailableError` when `fromId` is malformed, ahead of the stream, or older than
   * what is retained (entries after it were trimmed); a user without a stream replays nothing and
   * follows live. A step rejects with `TransportError` when Redis fails.
   * @throws InvalidUserContextError (synchronously) for an invalid `userId`.
   */
  subscribe(userId: string, options?: RedisEventBusSubscribeOptions): AsyncIterableIterator<AgentEventEntry>;
  /**
   * Ends every subscription, waits for pending publishes, and quits a client made from a URL; a
   * passed-in client stays open. Later publishes are reported to `onError`; later subscriptions end
   * at once. Idempotent.
   */
  close(): Promise<void>;
}

/**
 * Creates the event bus of a multi-instance deployment: pass `publish` as the engine factory's
 * `onEvent`, and `subscribe` wherever events are streamed to a user (e.g. an SSE endpoint, resuming
 * from `Last-Event-ID`).
 *
 * Each user has one stream (`${keyPrefix}events:${userId}`); a subscriber only ever reads its own
 * user's key, on its own duplicated connection (XREAD BLOCK ties up a connection). Entries read back
 * are validated with `parseAgentEvent`; a corrupt one is skipped and reported to `onError`.
 *
 * @throws InvalidConfigError for bad options.
 * @example
 * ```ts
 * const bus = createRedisEventBus({ redis: new Redis(process.env.REDIS_URL!) });
 * const factory = createEngineFactory({ agents, onEvent: bus.publish });
 * for await (const { id, event } of bus.subscribe('u_42', { fromId: '0', signal })) send(id, event);
 * ```
 */
export function createRedisEventBus(options: RedisEventBusOptions): RedisEventBus {
  assertOptionsObject(options, OPTION_NAMES, 'createRedisEventBus');
  const keyPrefix = keyPrefixOption(options);
  const maxLenPerUser = integerOption(options, 'maxLenPerUser', { min: 1, defaultValue: DEFAULT_MAX_LEN_PER_USER });
  const ttlMs = integerOption(options, 'ttlMs', { min: 1, defaultValue: DEFAULT_STREAM_TTL_MS });
  const onError = onErrorOption(options);
  // Last, so that an invalid option never leaves an owned client connecting in the background.
  const connection = openRedisConnection(options.redis, `${keyPrefix}event-bus`);
  const { client } = connection;

  const pendingPublishes = new Set<Promise<string | null>>();
  const stopSubscriptions = new Set<() => void>();
  let closed = false;
  let closing: Promise<void> | undefined;

  function refuse(error: BatonError): Promise<null> {
    onError(error);
    return Promise.resolve(null);
  }

  function publish(event: AgentEvent): Promise<string | null> {
    if (closed) return refuse(new TransportError({ message: 'createRedisEventBus: publish() after close(); the event was not written' }));
    let json: string;
    let key: string;
    try {
      const parsed = parseAgentEvent(event);
      assertUserId(parsed.userId);
      key = eventsKey(keyPrefix, parsed.userId);
      json = encodeAgentEvent(parsed);
    } catch (error) {
      return refuse(error as BatonError);
    }
    // Issued synchronously, on one connection: Redis applies the publishes in call order.
    const written = client
      .pipeline()
      .xadd(key, 'MAXLEN', '~', maxLenPerUser, '*', EVENT_FIELD, json)
      .pexpire(key, ttlMs)
      .exec()
      .then(
        (results) => {
          const failure = results?.find(([error]) => error)?.[0];
          if (failure || !results) {
            onError(transportErrorFrom(failure ?? new Error('pipeline returned no reply'), 'event publish'));
            return null;
          }
          const id = results[0]?.[1];
          return typeof id === 'string' ? id : null;
        },
        (error: unknown) => {
          onError(transportErrorFrom(error, 'event publish'));
          return null;
        },
      );
    pendingPublishes.add(written);
    void written.finally(() => pendingPublishes.delete(written));
    return written;
  }

  /**
   * The stream's last id, asked at `subscribe()` time on the publishing connection: a publish issued
   * after `subscribe()` is then "new" for that subscriber even before it starts iterating. Never
   * rejects (the error is rethrown by the first step), so an iterable that is never iterated cannot
   * cause an unhandled rejection.
   */
  function queryAnchor(key: string): Promise<StreamAnchor> {
    return client.xrevrange(key, '+', '-', 'COUNT', 1).then(
      (entries) => ({ id: parseStreamId(entries[0]?.[0]) ?? MIN_STREAM_ID }),
      (error: unknown) => ({ error }),
    );
  }

  /** Runs on the first step, so that a malformed `fromId` is reported there, as promised. */
  function startOf(fromId: unknown, anchor: Promise<StreamAnchor> | undefined): SubscriptionStart {
    if (fromId === undefined) return { kind: 'new', anchor: anchor ?? Promise.resolve({ id: MIN_STREAM_ID }) };
    if (fromId === '0') return { kind: 'retained' };
    const id = parseStreamId(fromId);
    if (id === undefined) throw new ReplayUnavailableError({ message: "fromId must be '0' or a stream entry id '<ms>-<seq>'" });
    return { kind: 'after', id };
  }

  async function* subscription(
    userId: string,
    key: string,
    start: () => SubscriptionStart,
    signal: AbortSignal | undefined,
    controller: AbortController,
  ): AsyncGenerator<AgentEventEntry, void, undefined> {
    const resolvedStart = start();
    if (closed || signal?.aborted || controller.signal.aborted) return;
    const stop = (): void => controller.abort();
    signal?.addEventListener('abort', stop, { once: true });
    stopSubscriptions.add(stop);
    try {
      yield* readUserStream({
        client,
        key,
        userId,
        start: resolvedStart,
        signal: controller.signal,
        onError,
        batchSize: READ_BATCH_SIZE,
        yieldEvery: YIELD_EVERY,
        blockMs: BLOCK_MS,
      });
    } finally {
      signal?.removeEventListener('abort', stop);
      stopSubscriptions.delete(stop);
    }
  }

  function subscribe(userId: string, subscribeOptions: RedisEventBusSubscribeOptions = {}): AsyncIterableIterator<AgentEventEntry> {
    assertUserId(userId);
    if (typeof subscribeOptions !== 'object' || subscribeOptions === null) {
      throw new InvalidConfigError({ message: 'subscribe options must be an object ({ fromId?, signal? })' });
    }
    const { fromId, signal } = subscribeOptions;
    // Duck-typed: a signal from another realm or an AbortSignal polyfill is fine too.
    if (
      signal !== undefined &&
      (typeof signal !== 'object' ||
        signal === null ||
        typeof signal.addEventListener !== 'function' ||
        typeof signal.aborted !== 'boolean')
    ) {
      throw new InvalidConfigError({ message: 'subscribe: signal must be an AbortSignal' });
    }
    const key = eventsKey(keyPrefix, userId);
    const anchor = fromId === undefined && !closed ? queryAnchor(key) : undefined;
    const controller = new AbortController();
    const generator = subscription(userId, key, () => startOf(fromId, anchor), signal, controller);
    // A generator queues return() behind a pending next() (which may sit in XREAD BLOCK for long):
    // aborting first drops the connection, so the pending step ends at once and return() follows.
    return {
      next: () => generator.next(),
      return: (value?: unknown) => {
        controller.abort();
        return generator.return(value as undefined);
      },
      throw: (error?: unknown) => {
        controller.abort();
        return generator.throw(error);
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  return {
    publish,
    subscribe,
    close() {
      closing ??= (async () => {
        closed = true;
        for (const stop of [...stopSubscriptions]) stop();
        await Promise.all([...pendingPublishes]);
        await connection.close();
      })();
      return closing;
    },
  };
}
