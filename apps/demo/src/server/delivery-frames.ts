import type { AgentEventEntry } from '@baton/redis';
import type { ServerFrame } from './protocol.js';

// The frames Redis-mode delivery sends, serialised once for all of a user's sockets.

/** A frame ready to send: its JSON and, for an event, its stream id (which orders it). */
export type EventFrameJson = { readonly id?: string; readonly json: string };

/** Sent once per outage to each socket of the user. */
export const OUTAGE_MESSAGE =
  'Live updates are temporarily unavailable (the event store cannot be reached); runs continue, and updates resume when it is back.';
/** A `?since=` the stream cannot replay. */
export const REPLAY_UNAVAILABLE_MESSAGE = 'The requested event id is unknown or no longer held; continuing with live events.';
/** Events that were trimmed before they could be delivered. */
export const FELL_BEHIND_MESSAGE =
  'Some events could not be delivered (the event stream was trimmed past them); continuing with live events.';

/** The `event` frame of a stream entry (its `id` is the entry's). */
export function eventFrameJson(entry: AgentEventEntry): string {
  const frame: ServerFrame = { type: 'event', id: entry.id, event: entry.event };
  return JSON.stringify(frame);
}

/** An `error` frame of delivery. */
export function errorJson(code: 'TRANSPORT_ERROR' | 'REPLAY_UNAVAILABLE', message: string): string {
  const frame: ServerFrame = { type: 'error', code, message };
  return JSON.stringify(frame);
}
