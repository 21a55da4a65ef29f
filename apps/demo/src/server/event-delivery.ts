import type { UserExecutionEngine } from '@baton/engine-contract';
import type { RunEndFrame } from './protocol.js';
import type { HubSubscriber, UserEventHub } from './user-event-hub.js';

/** A socket's place in its user's event fan-out. */
export interface EventAttachment {
  /** Leaves the fan-out (the socket closed). */
  unsubscribe(): void;
}

/**
 * How a user's events and results reach that user's sockets. In memory (one process) the engine's
 * events go through a `UserEventHub`; with Redis they go through the user's Redis Stream, so that
 * every instance's sockets of the user follow it (`RedisEventDelivery`).
 */
export interface EventDelivery {
  /**
   * Adds a socket to its user's fan-out. With `since` (a `?since=` reconnect), the socket first gets
   * the user's events after that id, or a `REPLAY_UNAVAILABLE` error frame, then live events.
   */
  attach(userId: string, subscriber: HubSubscriber, since: string | undefined): EventAttachment;
  /**
   * Starts routing one run's events to its user's sockets; returns the function that stops it.
   * `onForeignEvent` is told about an event whose user differs from the engine's (never delivered).
   */
  followRun(engine: UserExecutionEngine, onForeignEvent: () => void): () => void;
  /**
   * The run is over (its engine disposed): sends `result` (when the run produced one), or
   * `interrupted` (a shutdown stopped it), to the user's sockets, after the run's events. Never rejects.
   */
  finishRun(userId: string, runId: string, frame: RunEndFrame | undefined): Promise<void>;
  /** The user's position in their event stream now: a `since` cursor after which every later event follows. */
  position(userId: string): Promise<string>;
  /**
   * Remembers where `runId`'s events begin in its user's stream (call it before the run emits
   * anything). A run marked again (a resume) keeps its first start. Never rejects.
   */
  markRunStart(userId: string, runId: string): Promise<void>;
  /**
   * A `since` cursor that replays `runIds` from their first event and every event after `end` (a
   * `position` read earlier): the earliest of them. Runs whose start is unknown, or whose first events
   * are no longer held, are skipped: the page shows their stored stages and gets the rest from `end`.
   */
  replayCursor(userId: string, runIds: readonly string[], end: string): Promise<string>;
  /** Stops every subscription (shutdown). */
  close(): Promise<void>;
}

/** Single-process delivery: the engine's listener feeds the hub, which keeps a replay buffer per user. */
export class InMemoryEventDelivery implements EventDelivery {
  readonly #hub: UserEventHub;

  constructor(hub: UserEventHub) {
    this.#hub = hub;
  }

  attach(userId: string, subscriber: HubSubscriber, since: string | undefined): EventAttachment {
    return this.#hub.subscribe(userId, subscriber, since);
  }

  followRun(engine: UserExecutionEngine, onForeignEvent: () => void): () => void {
    const userId = engine.userContext.userId;
    return engine.subscribe((event) => {
      if (!this.#hub.publish(userId, event)) onForeignEvent();
    });
  }

  async finishRun(userId: string, _runId: string, frame: RunEndFrame | undefined): Promise<void> {
    if (frame) this.#hub.broadcast(userId, frame);
  }

  async position(userId: string): Promise<string> {
    return this.#hub.position(userId);
  }

  async markRunStart(userId: string, runId: string): Promise<void> {
    this.#hub.markRunStart(userId, runId);
  }

  async replayCursor(userId: string, runIds: readonly string[], end: string): Promise<string> {
    return this.#hub.replayCursor(userId, runIds, end);
  }

  async close(): Promise<void> {}
}
