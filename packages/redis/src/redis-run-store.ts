import {
  type AgentRunResult,
  checkNewRunRecord,
  checkStageResult,
  checkStoredResult,
  checkSuspension,
  DEFAULT_MAX_RUNS_PER_USER,
  DEFAULT_MAX_STAGE_OUTPUT_BYTES,
  encodeRunValue,
  InvalidConfigError,
  type ListRunsOptions,
  type MarkRunningOptions,
  type NewRunRecord,
  notInStatus,
  positiveIntegerOption,
  RunNotFoundError,
  type RunRecord,
  RunRecordRejectedError,
  type RunStatus,
  type RunStore,
  type RunSuspension,
  readListRunsOptions,
  readMarkRunningFrom,
  redact,
  type StoredWorkflowResult,
  stageKeyOf,
  TransportError,
} from '@baton/engine-contract';
import { assertOptionsObject, keyPrefixOption } from './config-options.js';
import { createRunScript } from './lua/create-run.js';
import type { LuaResult } from './lua/lua-script.js';
import { type RunWrite, writeRunScript } from './lua/write-run.js';
import { openRedisConnection, type RedisClientOrUrl } from './redis-connection.js';
import { runHistoryKey, runKey } from './redis-keys.js';
import { type HistoryEntry, historyEntries, isRunOf, pruneHistory, repliesOf, trimHistory, type UserRuns } from './run-history.js';
import { decodeRunRecord, newRunFields } from './run-record-fields.js';
import { transportErrorFrom } from './transport-error-from.js';

/** Default `ttlMs`: a run's record (and its user's history) expires after 7 days without a write. */
export const DEFAULT_RUN_TTL_MS = 7 * 24 * 60 * 60 * 1000;

const OPTION_NAMES = ['redis', 'keyPrefix', 'ttlMs', 'maxStageOutputBytes', 'maxRunsPerUser', 'now', 'redactSecrets'] as const;
const NAME = 'createRedisRunStore';

/** Options of `createRedisRunStore`. */
export interface RedisRunStoreOptions {
  /** A connected ioredis client (left open by `close()`), or a `redis://` / `rediss://` URL from which a client is made and owned. */
  redis: RedisClientOrUrl;
  /** Prefix of every key: `${keyPrefix}run:${workflowId}` (a record), `${keyPrefix}runs:${userId}` (a user's history). Default `'baton:'`. */
  keyPrefix?: string;
  /** A record expires this many ms after its last write; a user's history after the last write to any of their runs. Default 7 days. */
  ttlMs?: number;
  /** The largest stored value (a stage's result, the input, the suspension, the result) as JSON, in bytes. Default 256 KiB. */
  maxStageOutputBytes?: number;
  /** Runs kept per user (default 100); beyond it the oldest finished run is deleted first, else the oldest. */
  maxRunsPerUser?: number;
  /** The clock for `createdAt` and `updatedAt` (epoch ms). Default `Date.now`. Expiry is Redis' own (PEXPIRE). */
  now?: () => number;
  /**
   * Store every value (the input, each stage's result, the suspension, the result) passed through the
   * contract's `redact`, so that Redis holds no secret the events did not carry either (values under
   * secret-looking keys `[REDACTED]`, credentials in text scrubbed). A resumed run then gets the
   * redacted outputs of the stages before it. Default `false`: values are stored as given.
   */
  redactSecrets?: boolean;
}

/** A `RunStore` on Redis, shared by every process that uses the same Redis and `keyPrefix`. */
export interface RedisRunStore extends RunStore {
  /** Quits a client made from a URL (a passed-in client stays open); later calls reject with `TransportError`. Idempotent. */
  close(): Promise<void>;
}

/**
 * Creates a `RunStore` on Redis, so that a run outlives its process: any instance can read a record
 * back and `orchestrator.resume` it. Same rules, refusals and wording as `InMemoryRunStore` (values as
 * JSON, never cut: a value over `maxStageOutputBytes` is refused with `RunRecordRejectedError`; a write
 * to a run that is not stored, or expired, rejects with `RunNotFoundError`). Redis failures reject with
 * `TransportError`.
 *
 * Layout: one hash per run, `${keyPrefix}run:${workflowId}` (fields in `run-record-fields.ts`), and one
 * sorted set per user, `${keyPrefix}runs:${userId}` (workflowIds scored by createdAt). Every write to a
 * record is one Lua script on its key (exists? then write and refresh its TTL), so a write never
 * recreates an expired record in part; the user's history gets its TTL refreshed after it. `create`
 * writes the record atomically, then adds it to the history and trims the history to `maxRunsPerUser`
 * (not atomic as a whole: each script touches one key, as Redis Cluster requires). `listRuns` skips
 * and removes history entries whose record expired or was created again by another user.
 *
 * @throws InvalidConfigError for bad options (unknown key, bad `redis`, `keyPrefix`, numbers, `now`).
 * @example
 * ```ts
 * const store = createRedisRunStore({ redis: new Redis(process.env.REDIS_URL!) });
 * const orchestrator = new WorkflowOrchestrator({ engine, workflow, store });
 * const result = await orchestrator.resume(workflowId); // in any process, after the first one died
 * ```
 */
export function createRedisRunStore(options: RedisRunStoreOptions): RedisRunStore {
  assertOptionsObject(options, OPTION_NAMES, NAME);
  const keyPrefix = keyPrefixOption(options);
  const ttlMs = positiveIntegerOption(options.ttlMs, `${NAME}: ttlMs`, DEFAULT_RUN_TTL_MS);
  const maxBytes = positiveIntegerOption(options.maxStageOutputBytes, `${NAME}: maxStageOutputBytes`, DEFAULT_MAX_STAGE_OUTPUT_BYTES);
  const maxRunsPerUser = positiveIntegerOption(options.maxRunsPerUser, `${NAME}: maxRunsPerUser`, DEFAULT_MAX_RUNS_PER_USER);
  if (options.now !== undefined && typeof options.now !== 'function') {
    throw new InvalidConfigError({ message: `${NAME}: now must be a function returning epoch ms` });
  }
  const now = options.now ?? Date.now;
  if (options.redactSecrets !== undefined && typeof options.redactSecrets !== 'boolean') {
    throw new InvalidConfigError({ message: `${NAME}: redactSecrets must be a boolean` });
  }
  /** What is stored of a value: the value, or its redacted copy with `redactSecrets`. */
  const stored: <T>(value: T) => T = options.redactSecrets === true ? redact : (value) => value;
  // Last, so that an invalid option never leaves an owned client connecting in the background.
  const connection = openRedisConnection(options.redis, `${keyPrefix}run-store`);
  const { client } = connection;
  let closed = false;
  let closing: Promise<void> | undefined;

  const keyOfRun = (workflowId: string): string => runKey(keyPrefix, workflowId);
  const userRuns = (userId: string): UserRuns => ({ client, historyKey: runHistoryKey(keyPrefix, userId), userId, runKey: keyOfRun });

  function assertOpen(method: string): void {
    if (closed) throw new TransportError({ message: `${NAME}: ${method}() after close()` });
  }

  /** Runs `step`, turning a Redis failure into a `TransportError` (Baton errors pass through). */
  async function onRedis<T>(action: string, step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (error) {
      throw transportErrorFrom(error, `run store ${action}`);
    }
  }

  /** One write to an existing run's record (see `writeRunScript`), then (but for a stage) the TTL of its user's history. */
  async function write(method: string, workflowId: unknown, run: RunWrite, args: readonly string[] = []): Promise<void> {
    assertOpen(method);
    if (typeof workflowId !== 'string' || workflowId === '') throw notFound(workflowId);
    await onRedis(method, async () => {
      const reply = await writeRunScript.run(client, { keys: [keyOfRun(workflowId)], args: [run, ttlMs, now(), ...args] });
      if (!Array.isArray(reply)) throw notFound(workflowId);
      const [userId, changed, status] = reply as [string, number, string];
      // Only a compare-and-set `running` write (its expected status in args) is refused with changed 0.
      if (changed === 0 && run === 'running') throw notInStatus(workflowId, status, args[0] as RunStatus);
      // A stage write leaves the history's TTL alone (one round trip less per stage, the hot path):
      // the writes that start and end a wait (create, suspend, running, complete, interrupt) refresh
      // it, and a run between two of them is far shorter than ttlMs.
      if (changed === 1 && run !== 'stage') await client.pexpire(runHistoryKey(keyPrefix, userId), ttlMs);
    });
  }

  async function create(record: NewRunRecord): Promise<RunRecord> {
    assertOpen('create');
    const checked = checkNewRunRecord(record);
    const inputJson = encodeRunValue(stored(checked.input), 'The run input', maxBytes);
    const createdAt = now();
    const runs = userRuns(checked.userId);
    await onRedis('create', async () => {
      const fields = newRunFields(checked, inputJson, createdAt);
      const written = await createRunScript.run(client, { keys: [keyOfRun(checked.workflowId)], args: [ttlMs, ...fields] });
      if (written !== 1) throw new RunRecordRejectedError({ message: `RunStore.create: a run ${checked.workflowId} is already stored` });
      // One key, one transaction: the entry, the history's TTL, and its size for the trim below.
      const replies = repliesOf(
        (await client
          .multi()
          .zadd(runs.historyKey, createdAt, checked.workflowId)
          .pexpire(runs.historyKey, ttlMs)
          .zcard(runs.historyKey)
          .exec()) as LuaResult[] | null,
        3,
      );
      const count = Number(replies[2]);
      if (count > maxRunsPerUser) await trimHistory(runs, { count, max: maxRunsPerUser, keep: checked.workflowId });
    });
    const { workflowId, workflowName, userId, threadId, runId } = checked;
    const input = JSON.parse(inputJson) as unknown;
    return { workflowId, workflowName, userId, threadId, runId, input, status: 'running', stages: [], createdAt, updatedAt: createdAt };
  }

  async function get(workflowId: string): Promise<RunRecord | null> {
    assertOpen('get');
    if (typeof workflowId !== 'string' || workflowId === '') return null;
    const key = keyOfRun(workflowId);
    return decodeRunRecord(key, await onRedis('get', () => client.hgetall(key)));
  }

  async function listRuns(userId: string, listOptions?: ListRunsOptions): Promise<RunRecord[]> {
    assertOpen('listRuns');
    const { limit, before } = readListRunsOptions(listOptions);
    if (typeof userId !== 'string' || userId === '' || before === Number.NEGATIVE_INFINITY) return [];
    const runs = userRuns(userId);
    // `(` makes the bound exclusive; Redis reads "+inf" and the decimal and exponent forms JS writes.
    const max = before === Number.POSITIVE_INFINITY ? '+inf' : `(${before}`;
    const found: RunRecord[] = [];
    const stale: HistoryEntry[] = [];
    return onRedis('listRuns', async () => {
      for (let offset = 0; found.length < limit; ) {
        const wanted = limit - found.length;
        const entries = historyEntries(await client.zrevrangebyscore(runs.historyKey, max, '-inf', 'WITHSCORES', 'LIMIT', offset, wanted));
        if (entries.length === 0) break;
        offset += entries.length;
        const pipeline = client.pipeline();
        for (const { workflowId } of entries) pipeline.hgetall(keyOfRun(workflowId));
        const hashes = repliesOf((await pipeline.exec()) as LuaResult[] | null, entries.length) as Array<Record<string, string>>;
        entries.forEach((entry, index) => {
          const record = decodeRunRecord(keyOfRun(entry.workflowId), hashes[index] ?? {});
          if (record !== null && isRunOf(record, entry, userId)) found.push(record);
          else stale.push(entry);
        });
        if (entries.length < wanted) break;
      }
      await pruneHistory(runs, stale);
      return found;
    });
  }

  return {
    create,
    async saveStage(workflowId: string, stage: AgentRunResult): Promise<void> {
      const checked = checkStageResult(stage);
      const key = stageKeyOf(checked);
      const json = encodeRunValue(stored(checked), `The result of stage "${key}"`, maxBytes);
      await write('saveStage', workflowId, 'stage', [key, json]);
    },
    async suspend(workflowId: string, suspension: RunSuspension): Promise<void> {
      await write('suspend', workflowId, 'suspend', [encodeRunValue(stored(checkSuspension(suspension)), 'The suspension', maxBytes)]);
    },
    async markRunning(workflowId: string, options?: MarkRunningOptions): Promise<void> {
      const from = readMarkRunningFrom(options);
      await write('markRunning', workflowId, 'running', from === undefined ? [] : [from]);
    },
    async complete(workflowId: string, result: StoredWorkflowResult): Promise<void> {
      const checked = checkStoredResult(result);
      await write('complete', workflowId, 'complete', [checked.status, encodeRunValue(stored(checked), 'The run result', maxBytes)]);
    },
    markInterrupted: (workflowId: string) => write('markInterrupted', workflowId, 'interrupt'),
    get,
    listRuns,
    close() {
      closing ??= (async () => {
        closed = true;
        await connection.close();
      })();
      return closing;
    },
  };
}

function notFound(workflowId: unknown): RunNotFoundError {
  return new RunNotFoundError({ message: `No run ${String(workflowId)} in the store (never created, expired, or evicted)` });
}
