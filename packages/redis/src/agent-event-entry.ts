import { type AgentEvent, InvalidEventError, parseAgentEvent } from '@baton/engine-contract';

/** One event read back from a user's stream. */
export interface AgentEventEntry {
  /**
   * The Redis Stream entry id (`<ms>-<seq>`): strictly increasing per user. Pass the last one you
   * handled as `fromId` (e.g. an SSE `Last-Event-ID`) to resume after it.
   */
  readonly id: string;
  /** The event, validated with the contract's `parseAgentEvent`. */
  readonly event: AgentEvent;
}

/** The stream field that holds an event's JSON (one field per entry). @internal */
export const EVENT_FIELD = 'event';

/**
 * The JSON stored for an event.
 * @throws InvalidEventError when the event does not serialise (a BigInt or a cycle in `input`/`output`).
 * @internal
 */
export function encodeAgentEvent(event: AgentEvent): string {
  try {
    return JSON.stringify(event);
  } catch (cause) {
    throw new InvalidEventError({ message: `Event ${event.type} (seq ${event.seq}) cannot be serialised to JSON`, cause });
  }
}

/**
 * Decodes and validates one stream entry of `userId`'s stream.
 * @throws InvalidEventError when the entry has no event field, is not JSON, fails the event schema,
 *   or carries another user's id (refused: a stream must only ever feed its own user).
 * @internal
 */
export function decodeAgentEventEntry(id: string, fields: readonly string[], userId: string): AgentEventEntry {
  let json: string | undefined;
  for (let index = 0; index + 1 < fields.length; index += 2) {
    if (fields[index] === EVENT_FIELD) json = fields[index + 1];
  }
  if (json === undefined) throw new InvalidEventError({ message: `Stream entry ${id} has no "${EVENT_FIELD}" field` });
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (cause) {
    throw new InvalidEventError({ message: `Stream entry ${id} is not valid JSON`, cause });
  }
  let event: AgentEvent;
  try {
    event = parseAgentEvent(value);
  } catch (cause) {
    throw new InvalidEventError({ message: `Stream entry ${id}: ${cause instanceof Error ? cause.message : 'invalid event'}`, cause });
  }
  if (event.userId !== userId) {
    // Never echo the foreign user id: the subscriber must learn nothing about other users.
    throw new InvalidEventError({ message: `Stream entry ${id} belongs to another user and was not delivered` });
  }
  return { id, event };
}
