import { type EventFrameJson, errorJson, FELL_BEHIND_MESSAGE, OUTAGE_MESSAGE } from './delivery-frames.js';
import { compareStreamIds } from './stream-id.js';
import type { HubSubscriber } from './user-event-hub.js';

/**
 * One socket of a user in Redis-mode delivery. While its `?since=` replay runs (or waits for its
 * turn) it is `replaying` and its live frames wait in `pending`; then it goes `live`. Event frames
 * reach it only when newer than the last one it got, so nothing is sent twice across the boundary.
 */
export interface DeliveryMember {
  readonly subscriber: HubSubscriber;
  state: 'replaying' | 'live';
  /** The id of the last event frame sent to this socket; later frames must be newer. */
  lastId: string | undefined;
  pending: EventFrameJson[];
  /** Live frames were dropped while replaying (more than the cap): the socket is told when it goes live. */
  pendingOverflow: boolean;
  /** Told about the current outage already (one notice per outage and socket). */
  outageReported: boolean;
  /** Ends this socket's replay (it closed, or shutdown). */
  readonly controller: AbortController;
}

/** A member for a socket that joins the fan-out; `replaying` when it asked for a `?since=` replay. */
export function newMember(subscriber: HubSubscriber, replaying: boolean): DeliveryMember {
  return {
    subscriber,
    state: replaying ? 'replaying' : 'live',
    lastId: undefined,
    pending: [],
    pendingOverflow: false,
    outageReported: false,
    controller: new AbortController(),
  };
}

/**
 * Sends a frame to a live socket (an event only when newer than its last), or holds it during a
 * replay; beyond `maxPending` held frames the oldest is dropped.
 */
export function sendOrHold(member: DeliveryMember, frame: EventFrameJson, maxPending: number): void {
  if (member.state === 'replaying') {
    member.pending.push(frame);
    if (member.pending.length > maxPending) {
      member.pending.shift();
      member.pendingOverflow = true;
    }
    return;
  }
  if (frame.id !== undefined) {
    if (member.lastId !== undefined && compareStreamIds(frame.id, member.lastId) <= 0) return;
    member.lastId = frame.id;
  }
  member.subscriber.send(frame.json);
}

/** Ends the replay: the held frames newer than what was replayed follow, in order. */
export function goLive(member: DeliveryMember, maxPending: number): void {
  const held = member.pending;
  member.pending = [];
  member.state = 'live';
  if (member.pendingOverflow) member.subscriber.send(errorJson('REPLAY_UNAVAILABLE', FELL_BEHIND_MESSAGE));
  for (const frame of held) sendOrHold(member, frame, maxPending);
}

/** Tells the socket, once per outage, that live updates stopped. */
export function reportOutage(member: DeliveryMember): void {
  if (member.outageReported) return;
  member.outageReported = true;
  member.subscriber.send(errorJson('TRANSPORT_ERROR', OUTAGE_MESSAGE));
}
