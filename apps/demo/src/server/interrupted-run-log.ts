import type { Redis } from 'ioredis';

/**
 * Redis mode: the runs one instance interrupted at its shutdown, so that it resumes them when it
 * starts again (`resumeInterruptedRuns`). Runs left `running` by a crash are not in it: who may take
 * those over is the worker tier's decision (a later issue), not an instance's.
 */
export interface InterruptedRunLog {
  /** Notes a workflowId this instance interrupted. Never rejects (a failure is logged: the run then stays `interrupted`). */
  add(workflowId: string): Promise<void>;
  /** Removes and returns every noted workflowId (each one is returned to one caller only). Rejects when Redis fails. */
  takeAll(): Promise<string[]>;
}

/** Options of `createRedisInterruptedRunLog`. */
export interface RedisInterruptedRunLogOptions {
  client: Redis;
  keyPrefix: string;
  /** The instance whose runs these are (`BATON_DEMO_INSTANCE_ID`). */
  instanceId: string;
  /** How long the set is kept after its last write (ms): an instance that never comes back leaves nothing for ever. Default 24 h. */
  ttlMs?: number;
  log: { warn(details: object, message: string): void };
}

/** An instance id as a Redis key part: 1 to 128 of `A-Z a-z 0-9 . _ : -`. */
export const INSTANCE_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

const TAKE_BATCH = 100;

/**
 * The set `${keyPrefix}demo:instance:<instanceId>:interrupted` (workflow ids). `takeAll` pops it with
 * `SPOP`, atomic per call, so two starts of one id never resume the same run twice.
 */
export function createRedisInterruptedRunLog(options: RedisInterruptedRunLogOptions): InterruptedRunLog {
  const { client, log } = options;
  if (!INSTANCE_ID_PATTERN.test(options.instanceId)) {
    throw new Error(
      `The instance id must be 1 to 128 of A-Z a-z 0-9 . _ : - (BATON_DEMO_INSTANCE_ID); got ${JSON.stringify(options.instanceId)}`,
    );
  }
  const key = `${options.keyPrefix}demo:instance:${options.instanceId}:interrupted`;
  const ttlMs = options.ttlMs ?? 24 * 60 * 60 * 1000;
  return {
    async add(workflowId) {
      try {
        await client.multi().sadd(key, workflowId).pexpire(key, ttlMs).exec();
      } catch (error) {
        log.warn({ err: error, workflowId }, 'could not note the interrupted run in Redis; it will not be resumed at the next start');
      }
    },
    async takeAll() {
      const taken: string[] = [];
      for (;;) {
        const batch = await client.spop(key, TAKE_BATCH);
        taken.push(...batch);
        if (batch.length < TAKE_BATCH) return taken;
      }
    },
  };
}

/** The default instance id: this host and the port it listens on (`host:port`, made key-safe). */
export function defaultInstanceId(hostname: string, port: number): string {
  const host = hostname.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100) || 'host';
  return `${host}:${port}`;
}
