import type { Redis } from 'ioredis';

/**
 * Redis mode: every run waiting for approval with its expiry, shared by the instances, so that a run
 * suspended on an instance that is gone (stopped, crashed) still times out: each instance sweeps the
 * entries that are due (`ApprovalExpiry`).
 */
export interface ApprovalExpiryIndex {
  /** Notes (or moves) a run's expiry (epoch ms). Never rejects (a failure is logged; the local timer still runs). */
  add(workflowId: string, expiresAt: number): Promise<void>;
  /** Up to `limit` workflowIds whose expiry is at or before `now`, earliest first. Rejects when Redis fails. */
  due(now: number, limit: number): Promise<string[]>;
  /** Removes the entry: true for the one caller that removed it, so that one instance handles it. Rejects when Redis fails. */
  claim(workflowId: string): Promise<boolean>;
}

/** Options of `createRedisApprovalExpiryIndex`. */
export interface RedisApprovalExpiryIndexOptions {
  client: Redis;
  keyPrefix: string;
  /** How long the set is kept after its last write (ms): a deployment that stops leaves nothing for ever. Default 48 h. */
  ttlMs?: number;
  log: { warn(details: object, message: string): void };
}

/**
 * The sorted set `${keyPrefix}demo:approval-expiry` (member: workflowId, score: expiresAt). `claim`
 * is a `ZREM`, atomic: of the instances that find an entry due (a sweep, the local timer of the
 * instance that ran it), exactly one resumes it. The orchestrator's compare-and-set still decides
 * between that timeout and a decision.
 */
export function createRedisApprovalExpiryIndex(options: RedisApprovalExpiryIndexOptions): ApprovalExpiryIndex {
  const { client, log } = options;
  const key = `${options.keyPrefix}demo:approval-expiry`;
  const ttlMs = options.ttlMs ?? 48 * 60 * 60 * 1000;
  return {
    async add(workflowId, expiresAt) {
      try {
        await client.multi().zadd(key, expiresAt, workflowId).pexpire(key, ttlMs).exec();
      } catch (error) {
        log.warn({ err: error, workflowId }, 'could not note an approval expiry in Redis; only this instance will time it out');
      }
    },
    async due(now, limit) {
      return client.zrangebyscore(key, '-inf', now, 'LIMIT', 0, limit);
    },
    async claim(workflowId) {
      return (await client.zrem(key, workflowId)) === 1;
    },
  };
}
