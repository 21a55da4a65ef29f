import { setImmediate as nextTurn } from 'node:timers/promises';
import { ReplayUnavailableError } from '@baton/engine-contract';
import type { Redis } from 'ioredis';
import { type AgentEventEntry, decodeAgentEventEntry } from './agent-event-entry.js';
import type { RedisErrorHandler } from './error-handler.js';
import { duplicateForBlockingReads } from './redis-connection.js';
import { replyWithin } from './reply-deadline.js';
import { compareStreamIds, formatStreamId, MIN_STREAM_ID, nextStreamId, parseStreamId, type StreamId } from './stream-id.js';
import { isNoSuchKeyError, isOlderThanRetained, isTrimmedPast, parseStreamInfo, type StreamInfo } from './stream-info.js';
import { transportErrorFrom } from './transport-error-from.js';

/** The last id of a stream when a subscriber without `fromId` subscribed; never rejects. @internal */
export type StreamAnchor = { readonly id: StreamId } | { readonly error: unknown };

/**
 * Where a subscription starts:
 * - `retained`: `fromId: '0'`, every retained entry (whatever was trimmed before is accepted);
 * - `after`: an explicit `fromId`, every entry after it, which must all still be retained;
 * - `new`: no `fromId`, entries after the stream's last id at `subscribe()` time.
 * @internal
 */
export type SubscriptionStart =
  | { readonly kind: 'retained' }
  | { readonly kind: 'after'; readonly id: StreamId }
  | { readonly kind: 'new'; readonly anchor: Promise<StreamAnchor> };

/** What one subscriber reads and how. @internal */
export interface StreamSubscriptionOptions {
  /** The bus's client; each subscriber reads on its own duplicate of it. */
  readonly client: Redis;
  /** The user's stream key. */
  readonly key: string;
  /** The user the stream belongs to (entries of any other user are refused). */
  readonly userId: string;
  readonly start: SubscriptionStart;
  /** Ends the subscription (the caller's signal or the bus's `close()`); disconnects at once. */
  readonly signal: AbortSignal;
  /** Gets the corrupt entries that are skipped. */
  readonly onError: RedisErrorHandler;
  /** Entries per XRANGE round trip. */
  readonly batchSize: number;
  /**
   * Entries decoded (and validated) and handed to the consumer before the reader yields to the event
   * loop: a long replay then never holds the loop for more than this many entries' work (its own and
   * the consumer's), so every other request of the process keeps being served meanwhile.
   */
  readonly yieldEvery: number;
  /** How long one XREAD BLOCK waits before the loop checks the stream again. */
  readonly blockMs: number;
}

const ABORTED = Symbol('aborted');

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | typeof ABORTED> {
  if (signal.aborted) return Promise.resolve(ABORTED);
  return new Promise((resolve) => {
    const onAbort = (): void => resolve(ABORTED);
    signal.addEventListener('abort', onAbort, { once: true });
    void promise.then((value) => {
      signal.removeEventListener('abort', onAbort);
      resolve(value);
    });
  });
}

/**
 * Reads one user's stream: first what is retained after the start position, then live entries, in
 * id order and each once. Every read is one MULTI of XINFO STREAM and XRANGE on the subscriber's own
 * connection, so "has anything after my position been trimmed?" is answered atomically with the read
 * itself; when a read comes back short the subscriber is caught up and waits in XREAD BLOCK (used only
 * as a wake-up, so every delivered entry passed that check). Replay and live reading share one
 * position (`lastId`), which is why nothing is duplicated or skipped across the boundary.
 *
 * Throws `ReplayUnavailableError` when entries after the position were trimmed (at the start, or
 * later when the consumer fell more than `maxLenPerUser` behind) or the start lies beyond the
 * stream's last id; `TransportError` when Redis fails or stops answering (a read without a reply
 * within the client's command timeout; a blocked XREAD gets `blockMs` more). Returns when `signal` aborts.
 * @internal
 */
export async function* readUserStream(options: StreamSubscriptionOptions): AsyncGenerator<AgentEventEntry, void, undefined> {
  const { key, signal, start } = options;
  if (signal.aborted) return;
  // XREAD BLOCK ties up its connection, so each subscriber gets its own; dropping it is also how an
  // abort interrupts a pending read promptly. Its command timeout covers the blocked XREAD; the
  // other reads get the shorter bound `readTimeoutMs` here.
  const { connection, readTimeoutMs } = duplicateForBlockingReads(options.client, options.blockMs);
  const disconnect = (): void => connection.disconnect();
  signal.addEventListener('abort', disconnect, { once: true });
  try {
    let lastId: StreamId;
    if (start.kind === 'retained') lastId = MIN_STREAM_ID;
    else if (start.kind === 'after') lastId = start.id;
    else {
      const anchor = await untilAborted(start.anchor, signal);
      if (anchor === ABORTED) return;
      if ('error' in anchor) throw transportErrorFrom(anchor.error, 'event stream subscribe');
      lastId = anchor.id;
    }
    let firstRead = true;
    let decoded = 0;

    while (!signal.aborted) {
      const from = nextStreamId(lastId);
      if (from === undefined) throw new ReplayUnavailableError({ message: `No stream id can follow ${formatStreamId(lastId)}` });
      let replies: [Error | null, unknown][] | null;
      try {
        const read = connection.multi().xinfo('STREAM', key).xrange(key, formatStreamId(from), '+', 'COUNT', options.batchSize).exec();
        replies = await replyWithin(read, readTimeoutMs, 'event stream read', disconnect);
      } catch (error) {
        if (signal.aborted) return;
        throw transportErrorFrom(error, 'event stream read');
      }
      const [infoReply, rangeReply] = replies ?? [];
      if (!infoReply || !rangeReply) throw transportErrorFrom(new Error('transaction returned no reply'), 'event stream read');
      if (rangeReply[0]) throw transportErrorFrom(rangeReply[0], 'event stream read');
      let info: StreamInfo | undefined;
      if (infoReply[0]) {
        if (!isNoSuchKeyError(infoReply[0])) throw transportErrorFrom(infoReply[0], 'event stream read');
      } else {
        info = parseStreamInfo(infoReply[1]);
      }

      if (info === undefined) {
        // No stream (yet, or it expired): nothing to replay; every entry it gets from now on is new.
        lastId = MIN_STREAM_ID;
      } else if (firstRead && start.kind === 'after') {
        if (info.lastGeneratedId && compareStreamIds(lastId, info.lastGeneratedId) > 0) {
          throw new ReplayUnavailableError({
            message: `fromId ${formatStreamId(lastId)} is ahead of the stream's last id ${formatStreamId(info.lastGeneratedId)}`,
          });
        }
        if (isOlderThanRetained(info, lastId)) {
          throw new ReplayUnavailableError({
            message: `fromId ${formatStreamId(lastId)} is older than the first retained event; replay from '0' for what is retained`,
          });
        }
      } else if (!(firstRead && start.kind === 'retained') && isTrimmedPast(info, lastId)) {
        // ('0' accepts whatever was trimmed before its first read.)
        throw new ReplayUnavailableError({
          message: `Events after ${formatStreamId(lastId)} were trimmed before they could be read (the subscriber fell more than maxLenPerUser behind)`,
        });
      }
      firstRead = false;

      const entries = Array.isArray(rangeReply[1]) ? (rangeReply[1] as [string, string[]][]) : [];
      for (const [id, fields] of entries) {
        if (++decoded % options.yieldEvery === 0) {
          await nextTurn();
          if (signal.aborted) return;
        }
        const parsedId = parseStreamId(id);
        if (parsedId) lastId = parsedId;
        let entry: AgentEventEntry;
        try {
          entry = decodeAgentEventEntry(id, fields, options.userId);
        } catch (error) {
          // Skip rather than fail: a corrupt entry would otherwise end every later subscription too,
          // since resuming from before it meets it again.
          options.onError(error as Parameters<RedisErrorHandler>[0]);
          continue;
        }
        yield entry;
        if (signal.aborted) return;
      }
      if (entries.length >= options.batchSize) continue;

      try {
        await connection.xread('COUNT', 1, 'BLOCK', options.blockMs, 'STREAMS', key, formatStreamId(lastId));
      } catch (error) {
        if (signal.aborted) return;
        throw transportErrorFrom(error, 'event stream read');
      }
    }
  } finally {
    signal.removeEventListener('abort', disconnect);
    connection.disconnect();
  }
}
