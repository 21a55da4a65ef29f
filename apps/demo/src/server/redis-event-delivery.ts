import { type AgentEvent, BatonError, ReplayUnavailableError, TransportError } from '@baton/engine-contract';
import type { AgentEventEntry, RedisEventBus } from '@baton/redis';
import type { Redis } from 'ioredis';
import type { EventAttachment, EventDelivery } from './event-delivery.js';
import type { RunEndFrame, ServerFrame } from './protocol.js';
import { canonicalStreamId, compareStreamIds } from './stream-id.js';
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
  /** Live frames held for a socket while its `?since=` replay runs; beyond this the oldest are dropped (and the socket told). Default 10000. */
  maxPendingPerSocket?: number;
  /** How long a run's start position is kept (ms); default 1 h, the bus's stream TTL. */
  runStartTtlMs?: number;
}

/**
 * The position before a user's first event: never an entry's id, but a valid `since` (the runs API
 * hands it out as a replay cursor). Replaying from it is exact unless the stream was trimmed, which
 * the bus detects (then `REPLAY_UNAVAILABLE`).
 */
const STREAM_START = '0-0';
const DEFAULT_RUN_START_TTL_MS = 60 * 60 * 1000;

type EventFrameJson = { readonly id?: string; readonly json: string };

/** One socket of a user on this instance. */
interface Member {
  readonly subscriber: HubSubscriber;
  /** `replaying`: its `?since=` replay is running and live frames wait in `pending`. */
  state: 'replaying' | 'live';
  /** The id of the last event frame sent to this socket; later frames must be newer. */
  lastId: string | undefined;
  pending: EventFrameJson[];
  pendingOverflow: boolean;
  /** Told about the current outage already (one notice per outage and socket). */
  outageReported: boolean;
  /** Ends this socket's replay. */
  readonly controller: AbortController;
}

/** One user's subscription on this instance, shared by all of that user's sockets here. */
interface UserChannel {
  readonly userId: string;
  readonly members: Set<Member>;
  /** Stops the follower (last socket gone, or shutdown). */
  readonly controller: AbortController;
  /** The id the follower is past: the stream's end when it started, then the last entry it delivered. */
  position: string | undefined;
  /** Resolves once `position` is known (the follower's start). */
  readonly ready: Promise<void>;
  markReady(): void;
}

const OUTAGE_MESSAGE =
  'Live updates are temporarily unavailable (the event store cannot be reached); runs continue, and updates resume when it is back.';
const REPLAY_UNAVAILABLE_MESSAGE = 'The requested event id is unknown or no longer held; continuing with live events.';
const FELL_BEHIND_MESSAGE = 'Some events could not be delivered (the event stream was trimmed past them); continuing with live events.';

function eventFrameJson(entry: AgentEventEntry): string {
  const frame: ServerFrame = { type: 'event', id: entry.id, event: entry.event };
  return JSON.stringify(frame);
}

function errorJson(code: 'TRANSPORT_ERROR' | 'REPLAY_UNAVAILABLE', message: string): string {
  const frame: ServerFrame = { type: 'error', code, message };
  return JSON.stringify(frame);
}

/**
 * Reads how a run ended (or stopped for a decision) when its last event, `workflow_completed` or
 * `workflow_suspended`, reaches this instance: the `result` frame for the user's sockets here, or
 * undefined when there is none to send. Should not reject.
 */
export type RunEndFrames = (event: AgentEvent) => Promise<RunEndFrame | undefined>;

/** The events after which a run has nothing more to say for now: its `result` follows them. */
const RUN_END_EVENTS: ReadonlySet<AgentEvent['type']> = new Set(['workflow_completed', 'workflow_suspended']);

/**
 * A Baton error other than a transport failure (e.g. a user id the bus refuses): retrying cannot help.
 * Anything else (a TransportError, or an ioredis error from the demo's own reads) is worth a retry.
 */
function isPermanent(error: unknown): boolean {
  return BatonError.isInstance(error) && !TransportError.isInstance(error);
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** `promise`, or nothing once `signal` aborts (the promise's outcome is then ignored). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<{ value: T } | undefined> {
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve({ value });
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * Redis-mode delivery. Every engine event is published to its user's Redis Stream (pass `publish`
 * as the factory's `onEvent`); each instance follows the stream of each user who has a socket on it
 * with ONE `bus.subscribe` (started with the first socket, stopped with the last) and fans the entries
 * out to that user's sockets here, so a socket on instance B sees the runs instance A executes. The
 * frame `id` is the stream entry id.
 *
 * `?since=<id>`: the socket joins the fan-out at once, but its live frames are held back while a
 * short-lived `bus.subscribe(userId, { fromId: since })` replays the events up to the stream's end as
 * it was when the follower was running (the follower delivers everything after that point); then the
 * held frames newer than the last replayed id are flushed. Nothing is skipped or sent twice.
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
  readonly #client: Redis;
  readonly #keyPrefix: string;
  readonly #log: RedisEventDeliveryOptions['log'];
  readonly #retryDelayMs: { min: number; max: number };
  readonly #maxPending: number;
  readonly #runStartTtlMs: number;
  readonly #channels = new Map<string, UserChannel>();
  #runEndFrames: RunEndFrames | undefined;
  #closed = false;

  constructor(options: RedisEventDeliveryOptions) {
    this.#bus = options.bus;
    this.#client = options.client;
    this.#keyPrefix = options.keyPrefix;
    this.#log = options.log;
    this.#retryDelayMs = options.retryDelayMs ?? { min: 100, max: 2000 };
    this.#maxPending = options.maxPendingPerSocket ?? 10_000;
    this.#runStartTtlMs = options.runStartTtlMs ?? DEFAULT_RUN_START_TTL_MS;
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
    const member: Member = {
      subscriber,
      state: since === undefined ? 'live' : 'replaying',
      lastId: undefined,
      pending: [],
      pendingOverflow: false,
      outageReported: false,
      controller: new AbortController(),
    };
    channel.members.add(member);
    if (since !== undefined) {
      // #replay handles its own failures; the catch is the guarantee of no unhandled rejection.
      this.#replay(channel, member, since).catch((error: unknown) => this.#log.error({ err: error, userId }, 'replay crashed'));
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
  async position(userId: string): Promise<string> {
    return (await this.#streamEnd(userId)) ?? STREAM_START;
  }

  /**
   * Keeps the stream's end as the run's start (`${keyPrefix}demo:run-start:<userId>:<runId>`, kept
   * 1 h, written only if absent: a resumed run keeps its first start). Every instance reads it.
   */
  async markRunStart(userId: string, runId: string): Promise<void> {
    try {
      await this.#client.set(this.#runStartKey(userId, runId), await this.position(userId), 'PX', this.#runStartTtlMs, 'NX');
    } catch (error) {
      this.#log.warn({ err: error, runId }, "could not record where the run's events begin; a reload replays it from later");
    }
  }

  /**
   * The earliest of `end` and the recorded starts of `runIds`. A start older than the stream's first
   * retained entry is skipped (that run's first events were trimmed away: the page keeps its stored
   * stages and gets the rest from `end`), as the memory hub forgets starts it no longer holds.
   */
  async replayCursor(userId: string, runIds: readonly string[], end: string): Promise<string> {
    if (runIds.length === 0) return end;
    const [starts, first] = await Promise.all([
      this.#client.mget(...runIds.map((runId) => this.#runStartKey(userId, runId))),
      this.#client.xrange(this.#streamKey(userId), '-', '+', 'COUNT', 1).then((entries) => entries[0]?.[0]),
    ]);
    let earliest = end;
    for (const start of starts) {
      const id = start === null ? undefined : canonicalStreamId(start);
      if (id === undefined || compareStreamIds(id, earliest) >= 0) continue;
      if (id !== STREAM_START && first !== undefined && compareStreamIds(id, first) < 0) continue;
      earliest = id;
    }
    return earliest;
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

  /** The last entry id of the user's stream, or undefined when it has none. Rejects when Redis fails. */
  async #streamEnd(userId: string): Promise<string | undefined> {
    const entries = await this.#client.xrevrange(this.#streamKey(userId), '+', '-', 'COUNT', 1);
    return entries[0]?.[0];
  }

  /** The first and last entry ids of the user's stream, or undefined when it has none. Rejects when Redis fails. */
  async #streamBounds(userId: string): Promise<{ first: string; last: string } | undefined> {
    const key = this.#streamKey(userId);
    const replies = await this.#client.pipeline().xrange(key, '-', '+', 'COUNT', 1).xrevrange(key, '+', '-', 'COUNT', 1).exec();
    const failure = replies?.find(([error]) => error)?.[0];
    if (failure || !replies) throw failure ?? new Error('pipeline returned no reply');
    const first = (replies[0]?.[1] as [string, string[]][] | undefined)?.[0]?.[0];
    const last = (replies[1]?.[1] as [string, string[]][] | undefined)?.[0]?.[0];
    return first !== undefined && last !== undefined ? { first, last } : undefined;
  }

  #streamKey(userId: string): string {
    return `${this.#keyPrefix}events:${userId}`;
  }

  #runStartKey(userId: string, runId: string): string {
    return `${this.#keyPrefix}demo:run-start:${userId}:${runId}`;
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
          channel.position = (await this.#streamEnd(channel.userId)) ?? '0';
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
      this.#sendOrHold(member, frame);
    }
    if (RUN_END_EVENTS.has(entry.event.type)) void this.#sendRunEnd(channel.userId, entry.event);
  }

  /** Sends the run's `result` to the user's sockets here, after its last event (which they got or hold already). */
  async #sendRunEnd(userId: string, event: AgentEvent): Promise<void> {
    let frame: RunEndFrame | undefined;
    try {
      frame = await this.#runEndFrames?.(event);
    } catch (error) {
      this.#log.warn({ err: error, runId: event.runId }, "could not read a finished run's result; its card ends from its last event");
    }
    const channel = this.#channels.get(userId);
    if (!frame || !channel) return;
    const json = JSON.stringify(frame);
    for (const member of channel.members) this.#sendOrHold(member, { json });
  }

  /** Sends a frame to a live socket (events only when newer than its last), or holds it during a replay. */
  #sendOrHold(member: Member, frame: EventFrameJson): void {
    if (member.state === 'replaying') {
      member.pending.push(frame);
      if (member.pending.length > this.#maxPending) {
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

  /** Tells each socket of the user here, once per outage, that live updates stopped. */
  #reportOutage(channel: UserChannel | undefined): void {
    if (!channel) return;
    const json = errorJson('TRANSPORT_ERROR', OUTAGE_MESSAGE);
    for (const member of channel.members) {
      if (member.outageReported) continue;
      member.outageReported = true;
      member.subscriber.send(json);
    }
  }

  /**
   * A `?since=` reconnect: replays the events after `since` up to the stream's end, read once the
   * follower has started (so the follower delivers everything after it), then flushes the held frames.
   */
  async #replay(channel: UserChannel, member: Member, since: string): Promise<void> {
    const { signal } = member.controller;
    const fromId = canonicalStreamId(since) ?? '';
    let target: string | undefined;
    let attempt = 0;
    while (!signal.aborted) {
      try {
        if (!(await untilAborted(channel.ready, signal))) return;
        if (target === undefined) {
          const bounds = await this.#streamBounds(channel.userId);
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
        // The bus checks that nothing after `position` was trimmed (else ReplayUnavailableError).
        for await (const entry of this.#bus.subscribe(channel.userId, { fromId: position, signal })) {
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
          this.#log.error({ err: error, userId: channel.userId }, "cannot replay this user's events");
          member.subscriber.send(errorJson('REPLAY_UNAVAILABLE', REPLAY_UNAVAILABLE_MESSAGE));
          break;
        }
        this.#log.warn({ err: error, userId: channel.userId }, 'replay failed; retrying');
        if (!member.outageReported) {
          member.outageReported = true;
          member.subscriber.send(errorJson('TRANSPORT_ERROR', OUTAGE_MESSAGE));
        }
        await pause(this.#retryDelay(attempt++), signal);
      }
    }
    if (signal.aborted) return;
    this.#goLive(member);
  }

  #goLive(member: Member): void {
    const held = member.pending;
    member.pending = [];
    member.state = 'live';
    if (member.pendingOverflow) member.subscriber.send(errorJson('REPLAY_UNAVAILABLE', FELL_BEHIND_MESSAGE));
    for (const frame of held) this.#sendOrHold(member, frame);
  }
}
