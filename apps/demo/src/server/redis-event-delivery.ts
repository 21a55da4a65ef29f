import { type AgentEvent, ReplayUnavailableError } from '@baton/engine-contract';
import type { AgentEventEntry, RedisEventBus } from '@baton/redis';
import type { Redis } from 'ioredis';
import { pause } from './abortable-waits.js';
import { type EventFrameJson, errorJson, eventFrameJson, FELL_BEHIND_MESSAGE } from './delivery-frames.js';
import { type DeliveryMember, newMember, reportOutage, sendOrHold } from './delivery-member.js';
import type { EventAttachment, EventDelivery } from './event-delivery.js';
import type { RunEndFrame } from './protocol.js';
import { isPermanent, type ReplayContext, replaySince } from './redis-replay.js';
import { RedisStreamPositions } from './redis-stream-positions.js';
import { ReplayQueue } from './replay-queue.js';
import type { HubSubscriber } from './user-event-hub.js';

/** Options of `RedisEventDelivery`. */
export interface RedisEventDeliveryOptions {
  /** The bus every instance publishes to (`publish` of this class wraps `bus.publish`). */
  bus: RedisEventBus;
  /** The client the bus was made with; the demo reads a stream's last id through it. */
  client: Redis;
  /** The bus's key prefix: a user's stream is `${keyPrefix}events:${userId}` (documented by @baton/redis). */
  keyPrefix: string;
  log: { warn(details: object, message: string): void; error(details: object, message: string): void };
  /** Back-off between attempts while Redis is unreachable (ms). Default 100 → 2000. */
  retryDelayMs?: { min: number; max: number };
  /** Live frames held for a socket while its `?since=` replay runs (or waits); beyond this the oldest are dropped (and the socket told). Default 10000. */
  maxPendingPerSocket?: number;
  /** How long a run's start position is kept (ms); default 1 h, the bus's stream TTL. */
  runStartTtlMs?: number;
}

/** One user's subscription on this instance, shared by all of that user's sockets here. */
interface UserChannel {
  readonly userId: string;
  readonly members: Set<DeliveryMember>;
  /** Stops the follower (last socket gone, or shutdown). */
  readonly controller: AbortController;
  /** The id the follower is past: the stream's end when it started, then the last entry it delivered. */
  position: string | undefined;
  /** Resolves once `position` is known (the follower's start). */
  readonly ready: Promise<void>;
  markReady(): void;
}

/**
 * Reads how a run ended (or stopped for a decision) when its last event, `workflow_completed` or
 * `workflow_suspended`, reaches this instance: the `result` frame for the user's sockets here, or
 * undefined when there is none to send. Rejects when the record cannot be read (the read is retried).
 */
export type RunEndFrames = (event: AgentEvent) => Promise<RunEndFrame | undefined>;

/** The events after which a run has nothing more to say for now: its `result` follows them. */
const RUN_END_EVENTS: ReadonlySet<AgentEvent['type']> = new Set(['workflow_completed', 'workflow_suspended']);

/**
 * Redis-mode delivery. Every engine event is published to its user's Redis Stream (pass `publish`
 * as the factory's `onEvent`); each instance follows the stream of each user who has a socket on it
 * with ONE `bus.subscribe` (started with the first socket, stopped with the last) and fans the entries
 * out to that user's sockets here, so a socket on instance B sees the runs instance A executes. The
 * frame `id` is the stream entry id.
 *
 * `?since=<id>`: the socket joins the fan-out at once, but its live frames are held back while its
 * replay (`replaySince`) runs; a user's replays run one at a time (`ReplayQueue`), so many sockets
 * replaying at once cost the other users of the instance no more than one replay does.
 *
 * `result` frames: runs execute on the worker tier, anywhere; when a run's last event (for now) reaches
 * a user's sockets here, `runEndFrames` (set with `setRunEndFrames`) reads the run's record and its
 * `result` goes to those sockets, after that event.
 *
 * Redis failures never reject: the user's sockets get one `TRANSPORT_ERROR` frame per outage, the
 * follower retries with back-off and resumes from the last id it delivered, so events still retained
 * are delivered late rather than lost, and nothing is duplicated.
 */
export class RedisEventDelivery implements EventDelivery {
  readonly #bus: RedisEventBus;
  readonly #positions: RedisStreamPositions;
  readonly #log: RedisEventDeliveryOptions['log'];
  readonly #retryDelayMs: { min: number; max: number };
  readonly #maxPending: number;
  readonly #channels = new Map<string, UserChannel>();
  readonly #replays = new ReplayQueue();
  readonly #replayContext: ReplayContext;
  #runEndFrames: RunEndFrames | undefined;
  #closed = false;

  constructor(options: RedisEventDeliveryOptions) {
    this.#bus = options.bus;
    this.#log = options.log;
    this.#retryDelayMs = options.retryDelayMs ?? { min: 100, max: 2000 };
    this.#maxPending = options.maxPendingPerSocket ?? 10_000;
    this.#positions = new RedisStreamPositions({
      client: options.client,
      keyPrefix: options.keyPrefix,
      log: options.log,
      ...(options.runStartTtlMs === undefined ? {} : { runStartTtlMs: options.runStartTtlMs }),
    });
    this.#replayContext = {
      bus: this.#bus,
      positions: this.#positions,
      log: this.#log,
      retryDelay: (attempt) => this.#retryDelay(attempt),
      maxPending: this.#maxPending,
    };
  }

  /** The factory's `onEvent`: writes the event to its user's stream. Never throws. */
  readonly publish = (event: AgentEvent): void => {
    void this.#bus.publish(event).then((id) => {
      // The bus already reported why (onError); the user's sockets here hear that updates stopped.
      if (id === null) this.#reportOutage(this.#channels.get(event.userId));
    });
  };

  attach(userId: string, subscriber: HubSubscriber, since: string | undefined): EventAttachment {
    const channel = this.#channelOf(userId);
    const member = newMember(subscriber, since !== undefined);
    channel.members.add(member);
    if (since !== undefined) {
      // replaySince handles its own failures; the catch is the guarantee of no unhandled rejection.
      this.#replays
        .run(userId, member.controller.signal, () => replaySince(this.#replayContext, userId, channel.ready, member, since))
        .catch((error: unknown) => this.#log.error({ err: error, userId }, 'replay crashed'));
    }
    return {
      unsubscribe: () => {
        member.controller.abort();
        if (!channel.members.delete(member) || channel.members.size > 0) return;
        this.#stopChannel(channel);
      },
    };
  }

  followRun(): () => void {
    // The factory's onEvent (`publish`) routes every event through Redis; nothing to do per run.
    return () => undefined;
  }

  /** Where `result` frames come from: the run's record, read when its last event arrives here. */
  setRunEndFrames(runEndFrames: RunEndFrames): void {
    this.#runEndFrames = runEndFrames;
  }

  async finishRun(): Promise<void> {
    // Nothing runs through this delivery: a run's `result` follows its last event (see `#deliver`).
  }

  /** The user's stream end (`0-0` without a stream). Rejects when Redis fails. */
  position(userId: string): Promise<string> {
    return this.#positions.position(userId);
  }

  /** See `RedisStreamPositions.markRunStart`. Never rejects. */
  markRunStart(userId: string, runId: string): Promise<void> {
    return this.#positions.markRunStart(userId, runId);
  }

  /** See `RedisStreamPositions.replayCursor`. */
  replayCursor(userId: string, runIds: readonly string[], end: string): Promise<string> {
    return this.#positions.replayCursor(userId, runIds, end);
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const channel of [...this.#channels.values()]) {
      for (const member of channel.members) member.controller.abort();
      this.#stopChannel(channel);
    }
  }

  /** Users followed on this instance (diagnostics and tests). */
  get followedUsers(): number {
    return this.#channels.size;
  }

  #channelOf(userId: string): UserChannel {
    const existing = this.#channels.get(userId);
    if (existing) return existing;
    let markReady!: () => void;
    const ready = new Promise<void>((resolve) => {
      markReady = resolve;
    });
    const channel: UserChannel = {
      userId,
      members: new Set(),
      controller: new AbortController(),
      position: undefined,
      ready,
      markReady,
    };
    this.#channels.set(userId, channel);
    if (this.#closed) channel.controller.abort();
    else this.#follow(channel).catch((error: unknown) => this.#log.error({ err: error, userId }, 'event follower crashed'));
    return channel;
  }

  #stopChannel(channel: UserChannel): void {
    channel.controller.abort();
    if (this.#channels.get(channel.userId) === channel) this.#channels.delete(channel.userId);
  }

  #retryDelay(attempt: number): number {
    return Math.min(this.#retryDelayMs.max, this.#retryDelayMs.min * 2 ** attempt);
  }

  /** The one subscription of this user on this instance; runs until the channel stops. */
  async #follow(channel: UserChannel): Promise<void> {
    const { signal } = channel.controller;
    let attempt = 0;
    while (!signal.aborted) {
      try {
        if (channel.position === undefined) {
          // An explicit start (instead of the bus's "only new events") lets a retry resume exactly,
          // and gives `?since=` replays a point after which this follower delivers everything.
          channel.position = (await this.#positions.end(channel.userId)) ?? '0';
          channel.markReady();
        }
        for await (const entry of this.#bus.subscribe(channel.userId, { fromId: channel.position, signal })) {
          attempt = 0;
          this.#deliver(channel, entry);
        }
        // Ended without an error: the channel stopped or the bus closed.
        return;
      } catch (error) {
        if (signal.aborted) return;
        if (ReplayUnavailableError.isInstance(error)) {
          // The stream was trimmed past our position (a very long outage): restart from its end.
          this.#log.warn({ err: error, userId: channel.userId }, 'event follower fell behind the trimmed stream');
          channel.position = undefined;
          for (const member of channel.members) member.subscriber.send(errorJson('REPLAY_UNAVAILABLE', FELL_BEHIND_MESSAGE));
          continue;
        }
        if (isPermanent(error)) {
          this.#log.error({ err: error, userId: channel.userId }, "cannot follow this user's events");
          return;
        }
        this.#log.warn({ err: error, userId: channel.userId }, 'event follower failed; retrying');
        this.#reportOutage(channel);
        await pause(this.#retryDelay(attempt++), signal);
      }
    }
  }

  #deliver(channel: UserChannel, entry: AgentEventEntry): void {
    channel.position = entry.id;
    const frame: EventFrameJson = { id: entry.id, json: eventFrameJson(entry) };
    for (const member of channel.members) {
      member.outageReported = false;
      sendOrHold(member, frame, this.#maxPending);
    }
    if (RUN_END_EVENTS.has(entry.event.type)) void this.#sendRunEnd(channel.userId, entry.event);
  }

  /**
   * Sends the run's `result` to the user's sockets here, after its last event (which they got or hold
   * already). A failed read of the record (Redis down, or a reply later than the command timeout on a
   * starved event loop) is retried with the follower's back-off for as long as the user has a socket
   * here: dropping it would leave every client that waits for the run's `result` waiting for good.
   */
  async #sendRunEnd(userId: string, event: AgentEvent): Promise<void> {
    if (!this.#runEndFrames) return;
    for (let attempt = 0; ; attempt++) {
      let frame: RunEndFrame | undefined;
      try {
        frame = await this.#runEndFrames(event);
      } catch (error) {
        const channel = this.#channels.get(userId);
        if (!channel || channel.controller.signal.aborted) return;
        this.#log.warn({ err: error, runId: event.runId, attempt }, "could not read a finished run's result; retrying");
        await pause(this.#retryDelay(attempt), channel.controller.signal);
        continue;
      }
      const channel = this.#channels.get(userId);
      if (!frame || !channel) return;
      const json = JSON.stringify(frame);
      for (const member of channel.members) sendOrHold(member, { json }, this.#maxPending);
      return;
    }
  }

  /** Tells each socket of the user here, once per outage, that live updates stopped. */
  #reportOutage(channel: UserChannel | undefined): void {
    if (!channel) return;
    for (const member of channel.members) reportOutage(member);
  }
}
