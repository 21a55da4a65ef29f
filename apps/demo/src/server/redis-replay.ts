import { BatonError, ReplayUnavailableError, TransportError } from '@baton/engine-contract';
import type { RedisEventBus } from '@baton/redis';
import { pause, untilAborted } from './abortable-waits.js';
import { errorJson, eventFrameJson, REPLAY_UNAVAILABLE_MESSAGE } from './delivery-frames.js';
import { type DeliveryMember, goLive, reportOutage } from './delivery-member.js';
import { type RedisStreamPositions, STREAM_START } from './redis-stream-positions.js';
import { canonicalStreamId, compareStreamIds } from './stream-id.js';

/** What a `?since=` replay works with. */
export interface ReplayContext {
  readonly bus: Pick<RedisEventBus, 'subscribe'>;
  readonly positions: Pick<RedisStreamPositions, 'bounds'>;
  readonly log: { warn(details: object, message: string): void; error(details: object, message: string): void };
  /** The wait before retry number `attempt` while Redis is unreachable. */
  retryDelay(attempt: number): number;
  /** Live frames held for the socket meanwhile (see `RedisEventDeliveryOptions.maxPendingPerSocket`). */
  readonly maxPending: number;
}

/**
 * A Baton error other than a transport failure (e.g. a user id the bus refuses): retrying cannot help.
 * Anything else (a TransportError, or an ioredis error from the demo's own reads) is worth a retry.
 */
export function isPermanent(error: unknown): boolean {
  return BatonError.isInstance(error) && !TransportError.isInstance(error);
}

/**
 * A `?since=` reconnect of one socket: replays `userId`'s events after `since` up to the stream's end
 * as read once the user's follower has started (`followerReady`; the follower delivers everything
 * after that point), then sends the live frames held meanwhile (`goLive`). Nothing is skipped or sent
 * twice. An id the stream cannot replay gets `REPLAY_UNAVAILABLE`; Redis failures are retried with
 * back-off (one `TRANSPORT_ERROR` frame per outage). Returns early, sending nothing more, when the
 * socket's signal aborts. Never rejects.
 */
export async function replaySince(
  context: ReplayContext,
  userId: string,
  followerReady: Promise<void>,
  member: DeliveryMember,
  since: string,
): Promise<void> {
  const { signal } = member.controller;
  const fromId = canonicalStreamId(since) ?? '';
  let target: string | undefined;
  let attempt = 0;
  while (!signal.aborted) {
    try {
      if (!(await untilAborted(followerReady, signal))) return;
      if (target === undefined) {
        const bounds = await context.positions.bounds(userId);
        if (signal.aborted) return;
        // The stream's start and no stream yet: nothing was missed.
        if (fromId === STREAM_START && !bounds) break;
        // Not an id; no stream (never written, or expired); an id the stream never reached; or one
        // older than its first entry: every id a client got from this stream is at least its first
        // entry's unless entries were removed since (trimmed, or the stream expired and started over).
        // The stream's start is older than every entry: whether entries were trimmed since is the
        // bus's check.
        if (
          fromId === '' ||
          !bounds ||
          compareStreamIds(fromId, bounds.last) > 0 ||
          (fromId !== STREAM_START && compareStreamIds(fromId, bounds.first) < 0)
        ) {
          member.subscriber.send(errorJson('REPLAY_UNAVAILABLE', REPLAY_UNAVAILABLE_MESSAGE));
          break;
        }
        target = bounds.last;
      }
      // The client has seen everything up to `since`: held frames at or before it are not resent.
      member.lastId ??= fromId;
      const position = member.lastId;
      if (compareStreamIds(position, target) >= 0) break;
      // The bus checks that nothing after `position` was trimmed (else ReplayUnavailableError), and
      // yields to the event loop every few entries, so a long replay leaves room for everyone else.
      for await (const entry of context.bus.subscribe(userId, { fromId: position, signal })) {
        member.lastId = entry.id;
        member.subscriber.send(eventFrameJson(entry));
        if (compareStreamIds(entry.id, target) >= 0) break;
      }
      break;
    } catch (error) {
      if (signal.aborted) return;
      if (ReplayUnavailableError.isInstance(error)) {
        member.subscriber.send(errorJson('REPLAY_UNAVAILABLE', REPLAY_UNAVAILABLE_MESSAGE));
        break;
      }
      if (isPermanent(error)) {
        context.log.error({ err: error, userId }, "cannot replay this user's events");
        member.subscriber.send(errorJson('REPLAY_UNAVAILABLE', REPLAY_UNAVAILABLE_MESSAGE));
        break;
      }
      context.log.warn({ err: error, userId }, 'replay failed; retrying');
      reportOutage(member);
      await pause(context.retryDelay(attempt++), signal);
    }
  }
  if (signal.aborted) return;
  goLive(member, context.maxPending);
}
