import { randomBytes } from 'node:crypto';
import type { AgentEvent } from '@baton/engine-contract';
import type { ServerFrame } from './protocol.js';

/** Something that receives a user's frames, already serialised (one JSON string per frame). */
export interface HubSubscriber {
  send(json: string): void;
}

/** Options of the hub. */
export interface UserEventHubOptions {
  /** Events kept per user for `?since=` replay; older ones are dropped. */
  replayBufferSize: number;
}

/** What `subscribe` did about the requested replay. */
export type ReplayOutcome = 'none' | 'replayed' | 'unavailable';

interface BufferedEvent {
  readonly sequence: number;
  readonly json: string;
}

interface UserChannel {
  lastSequence: number;
  readonly buffer: BufferedEvent[];
  readonly subscribers: Set<HubSubscriber>;
  /** runId → the user's last sequence before the run's first event (see `markRunStart`). */
  readonly runStarts: Map<string, number>;
}

/**
 * Fans each user's events out to every socket of that user, and only that user, and keeps a bounded
 * per-user buffer for reconnection. Event ids are `<hub epoch>-<per-user counter>`: opaque to
 * clients, increasing per user, and meaningless to another server process (a different epoch), so an
 * id from before a restart is reported as unavailable instead of silently replaying the wrong events.
 * The counter 0 (`<epoch>-0000000000`) is the position before a user's first event: never an event's
 * id, but a valid `since` (the runs API hands it out as a replay cursor).
 */
export class UserEventHub {
  readonly #channels = new Map<string, UserChannel>();
  readonly #epoch = randomBytes(4).toString('hex');
  readonly #options: UserEventHubOptions;

  constructor(options: UserEventHubOptions) {
    this.#options = options;
  }

  /**
   * Assigns the next id of `userId`'s stream to the event, buffers it and sends it to the user's sockets.
   * Returns false, and delivers nothing, when the event belongs to another user: the route is decided
   * by the engine the event came from, and this is the last line of defence against a mix-up.
   */
  publish(userId: string, event: AgentEvent): boolean {
    if (event.userId !== userId) return false;
    const channel = this.#channel(userId);
    const sequence = ++channel.lastSequence;
    const frame: ServerFrame = { type: 'event', id: this.#formatId(sequence), event };
    const json = JSON.stringify(frame);
    channel.buffer.push({ sequence, json });
    if (channel.buffer.length > this.#options.replayBufferSize) {
      channel.buffer.shift();
      this.#forgetUnheldRunStarts(channel);
    }
    for (const subscriber of channel.subscribers) subscriber.send(json);
    return true;
  }

  /** Sends a frame that is not replayed (e.g. `result`) to every socket of the user. */
  broadcast(userId: string, frame: ServerFrame): void {
    const channel = this.#channels.get(userId);
    if (!channel || channel.subscribers.size === 0) return;
    const json = JSON.stringify(frame);
    for (const subscriber of channel.subscribers) subscriber.send(json);
  }

  /**
   * Adds a socket to the user's fan-out. With `since`, first sends (synchronously, so nothing can
   * slip in between) the buffered events after that id, or a `REPLAY_UNAVAILABLE` error frame when
   * the id is unknown, from another server run, or older than the buffer; then live events follow.
   */
  subscribe(userId: string, subscriber: HubSubscriber, since?: string): { outcome: ReplayOutcome; unsubscribe: () => void } {
    const channel = this.#channel(userId);
    let outcome: ReplayOutcome = 'none';
    if (since !== undefined) {
      const events = this.#eventsAfter(channel, since);
      if (events === undefined) {
        outcome = 'unavailable';
        const frame: ServerFrame = {
          type: 'error',
          code: 'REPLAY_UNAVAILABLE',
          message: 'The requested event id is unknown or no longer held; continuing with live events.',
        };
        subscriber.send(JSON.stringify(frame));
      } else {
        outcome = 'replayed';
        for (const event of events) subscriber.send(event.json);
      }
    }
    channel.subscribers.add(subscriber);
    return {
      outcome,
      unsubscribe: () => {
        channel.subscribers.delete(subscriber);
      },
    };
  }

  /** The user's position now: a `since` cursor after which every later event of the user follows. */
  position(userId: string): string {
    return this.#formatId(this.#channels.get(userId)?.lastSequence ?? 0);
  }

  /**
   * Remembers where `runId`'s events begin: the user's position now, before the run has emitted
   * anything. A run marked twice keeps its first position (a resumed run replays from its start).
   * Positions whose successors left the buffer are forgotten, so this stays bounded by the buffer.
   */
  markRunStart(userId: string, runId: string): void {
    const channel = this.#channel(userId);
    if (channel.runStarts.has(runId)) return;
    channel.runStarts.set(runId, channel.lastSequence);
    // Runs that emitted nothing do not move the buffer: cap the map as well.
    if (channel.runStarts.size > this.#options.replayBufferSize) {
      const oldest = channel.runStarts.keys().next();
      if (!oldest.done) channel.runStarts.delete(oldest.value);
    }
  }

  /**
   * The earliest of `end` (a position from `position`) and the start positions of `runIds` (those
   * marked with `markRunStart` and still held; others are ignored): a `since` cursor that replays
   * those runs from their first event, and everything after.
   */
  replayCursor(userId: string, runIds: readonly string[], end: string): string {
    const channel = this.#channels.get(userId);
    let earliest = this.#parseId(end) ?? channel?.lastSequence ?? 0;
    for (const runId of runIds) {
      const start = channel?.runStarts.get(runId);
      if (start !== undefined && start < earliest) earliest = start;
    }
    return this.#formatId(earliest);
  }

  /** The id the user's latest event got, if any (useful for diagnostics and tests). */
  lastEventId(userId: string): string | undefined {
    const channel = this.#channels.get(userId);
    return channel && channel.lastSequence > 0 ? this.#formatId(channel.lastSequence) : undefined;
  }

  #eventsAfter(channel: UserChannel, since: string): BufferedEvent[] | undefined {
    const sequence = this.#parseId(since);
    if (sequence === undefined || sequence > channel.lastSequence) return undefined;
    const first = channel.buffer[0];
    const firstHeld = first ? first.sequence : channel.lastSequence + 1;
    // Events after `sequence` are all still held only if the next one has not been dropped yet.
    if (sequence + 1 < firstHeld) return undefined;
    return channel.buffer.slice(Math.max(0, sequence + 1 - firstHeld));
  }

  #channel(userId: string): UserChannel {
    let channel = this.#channels.get(userId);
    if (!channel) {
      channel = { lastSequence: 0, buffer: [], subscribers: new Set(), runStarts: new Map() };
      this.#channels.set(userId, channel);
    }
    return channel;
  }

  /** Drops run starts the buffer no longer holds the successor of (a replay from them is unavailable anyway). */
  #forgetUnheldRunStarts(channel: UserChannel): void {
    const firstHeld = channel.buffer[0]?.sequence ?? channel.lastSequence + 1;
    // Insertion order is start order (positions only grow), so the first start still held ends the sweep.
    for (const [runId, start] of channel.runStarts) {
      if (start + 1 >= firstHeld) return;
      channel.runStarts.delete(runId);
    }
  }

  #formatId(sequence: number): string {
    // Zero-padded so ids of one server run also sort as strings.
    return `${this.#epoch}-${sequence.toString().padStart(10, '0')}`;
  }

  #parseId(id: string): number | undefined {
    const match = /^([0-9a-f]{8})-(\d{1,15})$/.exec(id);
    if (!match || match[1] !== this.#epoch) return undefined;
    const sequence = Number(match[2]);
    return Number.isSafeInteger(sequence) && sequence >= 0 ? sequence : undefined;
  }
}
