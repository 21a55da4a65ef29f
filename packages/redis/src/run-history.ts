import { FINAL_RUN_STATUSES, type RunRecord, type RunStatus } from '@baton/engine-contract';
import type { Redis } from 'ioredis';
import { deleteRunIfScript } from './lua/delete-run-if.js';
import { evictFromHistoryScript } from './lua/evict-from-history.js';
import type { LuaResult } from './lua/lua-script.js';
import { pruneRunHistoryScript } from './lua/prune-run-history.js';
import { RUN_FIELD } from './run-record-fields.js';

// A user's run history is a sorted set, `${keyPrefix}runs:${userId}` (member: workflowId, score:
// createdAt). It is an index only: a record can expire, or its workflowId be created again by
// someone else, while an entry still points at it. Such entries are "stale": skipped, and removed
// whenever a listing or a trim comes across them.

/**
 * Records' statuses read per round trip while looking for runs to evict: a few more than needed at
 * first (at the bound, the oldest run is usually finished, so one short read does), then doubling.
 */
const FIRST_TRIM_BATCH_SLACK = 4;
const MAX_TRIM_BATCH = 100;

/** One history entry: a workflowId and its score (createdAt) as Redis wrote it. @internal */
export interface HistoryEntry {
  readonly workflowId: string;
  readonly score: string;
}

/** Where a user's runs live. @internal */
export interface UserRuns {
  readonly client: Redis;
  /** The user's history key. */
  readonly historyKey: string;
  readonly userId: string;
  /** The hash key of a run. */
  readonly runKey: (workflowId: string) => string;
}

/** The entries of a flat `[member, score, …]` reply. @internal */
export function historyEntries(reply: readonly string[]): HistoryEntry[] {
  const entries: HistoryEntry[] = [];
  for (let index = 0; index + 1 < reply.length; index += 2) {
    entries.push({ workflowId: reply[index] as string, score: reply[index + 1] as string });
  }
  return entries;
}

/** True when `record` is the run `entry` points at: the same user's, created at its score. @internal */
export function isRunOf(record: Pick<RunRecord, 'userId' | 'createdAt'> | null, entry: HistoryEntry, userId: string): boolean {
  return record !== null && record.userId === userId && record.createdAt === Number(entry.score);
}

/** The replies of a pipeline, throwing the first command error. @internal */
export function repliesOf(results: LuaResult[] | null, expected: number): unknown[] {
  if (results === null || results.length !== expected) throw new Error('pipeline returned no reply');
  return results.map(([error, reply]) => {
    if (error) throw error;
    return reply;
  });
}

/** Removes stale entries (those whose score did not change since they were read). @internal */
export async function pruneHistory(runs: UserRuns, stale: readonly HistoryEntry[]): Promise<void> {
  if (stale.length === 0) return;
  await pruneRunHistoryScript.run(runs.client, {
    keys: [runs.historyKey],
    args: stale.flatMap((entry) => [entry.workflowId, entry.score]),
  });
}

/**
 * Brings a user's history back to `max` runs, as `InMemoryRunStore` does: stale entries go first,
 * then the oldest finished runs, then (none finished) the oldest ones; `keep` (the run just created)
 * never goes. Reads statuses oldest first, a batch at a time, and stops once it has found enough
 * finished runs. The removal itself is one script on the history that stops at the bound (trims
 * racing on stale counts cannot go below it); the removed runs' records are deleted after, each only
 * if it still is the run its entry pointed at. Not atomic as a whole (it spans the history and each
 * record's key); a record left behind by a failure here expires with its TTL.
 * @internal
 */
export async function trimHistory(runs: UserRuns, options: { count: number; max: number; keep: string }): Promise<void> {
  const { client, historyKey, userId } = runs;
  let excess = options.count - options.max;
  const stale: HistoryEntry[] = [];
  const finished: HistoryEntry[] = [];
  const unfinished: HistoryEntry[] = [];
  let batch = Math.min(excess + FIRST_TRIM_BATCH_SLACK, MAX_TRIM_BATCH);
  for (let start = 0; excess > 0 && finished.length < excess; start += batch, batch = Math.min(batch * 2, MAX_TRIM_BATCH)) {
    const entries = historyEntries(await client.zrange(historyKey, start, start + batch - 1, 'WITHSCORES'));
    if (entries.length === 0) break;
    const pipeline = client.pipeline();
    for (const { workflowId } of entries) pipeline.hmget(runs.runKey(workflowId), RUN_FIELD.userId, RUN_FIELD.createdAt, RUN_FIELD.status);
    const states = repliesOf((await pipeline.exec()) as LuaResult[] | null, entries.length) as Array<Array<string | null>>;
    entries.forEach((entry, index) => {
      const [owner, createdAt, status] = states[index] ?? [];
      if (owner !== userId || typeof createdAt !== 'string' || Number(createdAt) !== Number(entry.score)) {
        stale.push(entry);
        excess--;
      } else if (entry.workflowId !== options.keep) {
        (FINAL_RUN_STATUSES.has(status as RunStatus) ? finished : unfinished).push(entry);
      }
    });
    if (entries.length < batch) break;
  }
  await pruneHistory(runs, stale);
  const candidates = [...finished, ...unfinished];
  if (excess <= 0 || candidates.length === 0) return;
  const removed = historyEntries(
    (await evictFromHistoryScript.run(client, {
      keys: [historyKey],
      args: [options.max, ...candidates.flatMap((entry) => [entry.workflowId, entry.score])],
    })) as string[],
  );
  if (removed.length === 0) return;
  const deleted = await deleteRunIfScript.runMany(
    client,
    removed.map((entry) => ({ keys: [runs.runKey(entry.workflowId)], args: [userId, entry.score] })),
  );
  repliesOf(deleted, removed.length);
}
