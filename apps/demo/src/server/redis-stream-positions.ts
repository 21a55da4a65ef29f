import type { Redis } from 'ioredis';
import { canonicalStreamId, compareStreamIds } from './stream-id.js';

/**
 * The position before a user's first event: never an entry's id, but a valid `since` (the runs API
 * hands it out as a replay cursor). Replaying from it is exact unless the stream was trimmed, which
 * the bus detects (then `REPLAY_UNAVAILABLE`).
 */
export const STREAM_START = '0-0';
const DEFAULT_RUN_START_TTL_MS = 60 * 60 * 1000;

/** Options of `RedisStreamPositions`. */
export interface RedisStreamPositionsOptions {
  /** The client the bus was made with. */
  client: Redis;
  /** The bus's key prefix: a user's stream is `${keyPrefix}events:${userId}` (documented by @baton/redis). */
  keyPrefix: string;
  log: { warn(details: object, message: string): void };
  /** How long a run's start position is kept (ms); default 1 h, the bus's stream TTL. */
  runStartTtlMs?: number;
}

/**
 * Where things are in the users' Redis Streams, read on the demo's client: a stream's first and last
 * entry, and where each run's events begin (`${keyPrefix}demo:run-start:<userId>:<runId>`), so that
 * every instance can hand out a replay cursor for a user's runs.
 */
export class RedisStreamPositions {
  readonly #client: Redis;
  readonly #keyPrefix: string;
  readonly #log: RedisStreamPositionsOptions['log'];
  readonly #runStartTtlMs: number;

  constructor(options: RedisStreamPositionsOptions) {
    this.#client = options.client;
    this.#keyPrefix = options.keyPrefix;
    this.#log = options.log;
    this.#runStartTtlMs = options.runStartTtlMs ?? DEFAULT_RUN_START_TTL_MS;
  }

  /** The last entry id of the user's stream, or undefined when it has none. Rejects when Redis fails. */
  async end(userId: string): Promise<string | undefined> {
    const entries = await this.#client.xrevrange(this.#streamKey(userId), '+', '-', 'COUNT', 1);
    return entries[0]?.[0];
  }

  /** The first and last entry ids of the user's stream, or undefined when it has none. Rejects when Redis fails. */
  async bounds(userId: string): Promise<{ first: string; last: string } | undefined> {
    const key = this.#streamKey(userId);
    const replies = await this.#client.pipeline().xrange(key, '-', '+', 'COUNT', 1).xrevrange(key, '+', '-', 'COUNT', 1).exec();
    const failure = replies?.find(([error]) => error)?.[0];
    if (failure || !replies) throw failure ?? new Error('pipeline returned no reply');
    const first = (replies[0]?.[1] as [string, string[]][] | undefined)?.[0]?.[0];
    const last = (replies[1]?.[1] as [string, string[]][] | undefined)?.[0]?.[0];
    return first !== undefined && last !== undefined ? { first, last } : undefined;
  }

  /** The user's stream end (`0-0` without a stream). Rejects when Redis fails. */
  async position(userId: string): Promise<string> {
    return (await this.end(userId)) ?? STREAM_START;
  }

  /**
   * Keeps the stream's end as the run's start (kept 1 h, written only if absent: a resumed run keeps
   * its first start). Every instance reads it. Never rejects.
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

  #streamKey(userId: string): string {
    return `${this.#keyPrefix}events:${userId}`;
  }

  #runStartKey(userId: string, runId: string): string {
    return `${this.#keyPrefix}demo:run-start:${userId}:${runId}`;
  }
}
