import { workflowIdFor } from '@baton/bullmq';
import type { Redis } from 'ioredis';

// Redis mode: an ask is queued at once, whatever the user's 3 running runs; this keeps one user from
// queueing without bound, and remembers which session asked (a logout cancels the session's runs).

/** The most unfinished asks (queued or running) a user may have, across instances. */
export const MAX_OPEN_RUNS_PER_USER = 10;
/** An entry older than this is dropped at the next check: a lost removal (a crashed worker) heals by itself. */
export const OPEN_RUN_MAX_AGE_MS = 60 * 60 * 1000;

/**
 * Drops entries older than ARGV[2] ms, then adds ARGV[1] unless ARGV[3] entries remain; 1 when added
 * (or already there), 0 when full. The score is Redis' own clock, so instances with skewed clocks agree.
 */
const ADMIT_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2]))
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 1 end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`;

/** Options of `OpenRuns`. */
export interface OpenRunsOptions {
  client: Redis;
  keyPrefix: string;
  /** How long a session's list of runs is kept (ms): the session's lifetime. */
  sessionTtlMs: number;
  /** Default `MAX_OPEN_RUNS_PER_USER`. */
  maxPerUser?: number;
}

/**
 * The asks each user has open (queued or running), in a sorted set per user
 * (`${keyPrefix}demo:open-runs:<userId>`, score: when it was admitted), checked and added in one
 * script so that concurrent asks on several instances cannot pass the cap together; and the runs each
 * session asked (`${keyPrefix}demo:session-runs:<sessionId>`), for its logout.
 */
export class OpenRuns {
  readonly #client: Redis;
  readonly #keyPrefix: string;
  readonly #sessionTtlMs: number;
  /** The cap (`MAX_OPEN_RUNS_PER_USER` unless set). */
  readonly maxPerUser: number;

  constructor(options: OpenRunsOptions) {
    this.#client = options.client;
    this.#keyPrefix = options.keyPrefix;
    this.#sessionTtlMs = options.sessionTtlMs;
    this.maxPerUser = options.maxPerUser ?? MAX_OPEN_RUNS_PER_USER;
  }

  /** Notes the run as open for `userId` and asked by `sessionId`; false when the user is at the cap. Rejects when Redis fails. */
  async admit(userId: string, runId: string, sessionId: string): Promise<boolean> {
    const added = await this.#client.eval(ADMIT_SCRIPT, 1, this.#userKey(userId), runId, OPEN_RUN_MAX_AGE_MS, this.maxPerUser);
    if (added !== 1) return false;
    const sessionKey = this.#sessionKey(sessionId);
    await this.#client.multi().sadd(sessionKey, workflowIdFor(userId, runId)).pexpire(sessionKey, this.#sessionTtlMs).exec();
    return true;
  }

  /** The run ended, suspended or was never enqueued: it no longer counts. Never rejects (the age limit heals a lost removal). */
  async remove(userId: string, runId: string): Promise<void> {
    await this.#client.zrem(this.#userKey(userId), runId).catch(() => undefined);
  }

  /** Removes and returns the workflowIds of the runs `sessionId` asked (at its logout). Rejects when Redis fails. */
  async takeSessionRuns(sessionId: string): Promise<string[]> {
    const key = this.#sessionKey(sessionId);
    const [members] = (await this.#client.multi().smembers(key).del(key).exec()) ?? [];
    if (!members || members[0]) throw members?.[0] ?? new Error('MULTI returned no reply');
    return members[1] as string[];
  }

  #userKey(userId: string): string {
    return `${this.#keyPrefix}demo:open-runs:${userId}`;
  }

  #sessionKey(sessionId: string): string {
    return `${this.#keyPrefix}demo:session-runs:${sessionId}`;
  }
}
