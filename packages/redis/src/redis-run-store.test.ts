import {
  type AgentRunResult,
  InvalidConfigError,
  type NewRunRecord,
  RunNotFoundError,
  RunRecordRejectedError,
  type StoredWorkflowResult,
  TransportError,
} from '@baton/engine-contract';
import { describe, expect, it } from 'vitest';
import { countConnections, deleteKeysAfter, newClient, onCleanup, redisUrl, uniquePrefix, waitFor } from './__fixtures__/test-redis.js';
import { createRedisRunStore, DEFAULT_RUN_TTL_MS, type RedisRunStoreOptions } from './redis-run-store.js';

const TTL_MS = 60_000;

/** A store on a clock that only moves when told to; closed, and its keys deleted, after the test. */
function storeAt(options: Partial<RedisRunStoreOptions> = {}, start = 1000) {
  const keyPrefix = options.keyPrefix ?? uniquePrefix();
  deleteKeysAfter(keyPrefix);
  const clock = { time: start };
  const store = createRedisRunStore({ redis: newClient(), keyPrefix, ttlMs: TTL_MS, now: () => clock.time, ...options });
  onCleanup(() => store.close());
  return { store, clock, keyPrefix, redis: newClient() };
}

function newRun(workflowId = 'wf-1', userId = 'u1'): NewRunRecord {
  return { workflowId, workflowName: 'flow', userId, threadId: 't1', runId: `run-${workflowId}`, input: { question: 'why?' } };
}

function stageResult(stage: string, overrides: Partial<AgentRunResult> = {}): AgentRunResult {
  return {
    status: 'succeeded',
    executionId: `exec-${stage}`,
    agentName: stage,
    runId: 'run-1',
    requestId: 'req-1',
    stage,
    output: { text: stage },
    durationMs: 5,
    queuedMs: 0,
    ...overrides,
  };
}

const RESULT: StoredWorkflowResult = { status: 'succeeded', path: 'main', output: { answer: 42 }, durationMs: 30 };

describe('createRedisRunStore: layout on Redis', () => {
  it('keeps a run in one hash of plain fields and the user’s history in a sorted set scored by createdAt', async () => {
    const { store, keyPrefix, redis } = storeAt();
    await store.create(newRun());
    await store.saveStage('wf-1', stageResult('a'));
    expect(await redis.type(`${keyPrefix}run:wf-1`)).toBe('hash');
    expect(await redis.hgetall(`${keyPrefix}run:wf-1`)).toEqual({
      workflowId: 'wf-1',
      workflowName: 'flow',
      userId: 'u1',
      threadId: 't1',
      runId: 'run-wf-1',
      createdAt: '1000',
      updatedAt: '1000',
      status: 'running',
      input: '{"question":"why?"}',
      stageSeq: '1',
      'stage:1': JSON.stringify(stageResult('a')),
      'stageIndex:a': '1',
    });
    expect(await redis.zrange(`${keyPrefix}runs:u1`, 0, -1, 'WITHSCORES')).toEqual(['wf-1', '1000']);
  });

  it('deletes the earlier field of a stage saved again, and reads stages back in save order', async () => {
    const { store, keyPrefix, redis } = storeAt();
    await store.create(newRun());
    await store.saveStage('wf-1', stageResult('a', { status: 'failed' }));
    await store.saveStage('wf-1', stageResult('b'));
    await store.saveStage('wf-1', stageResult('a', { executionId: 'again' }));
    const fields = Object.keys(await redis.hgetall(`${keyPrefix}run:wf-1`)).filter((field) => field.startsWith('stage'));
    expect(fields.sort()).toEqual(['stage:2', 'stage:3', 'stageIndex:a', 'stageIndex:b', 'stageSeq']);
    expect((await store.get('wf-1'))?.stages.map((stage) => `${stage.stage}:${stage.executionId}`)).toEqual(['b:exec-b', 'a:again']);
    // Ten saves and more: ordered by number, not as text ("stage:10" after "stage:9").
    for (let index = 0; index < 10; index++) await store.saveStage('wf-1', stageResult(`s${index}`));
    expect((await store.get('wf-1'))?.stages.map((stage) => stage.stage).slice(-3)).toEqual(['s7', 's8', 's9']);
  });

  it('takes any userId and workflowId as they are: spaces, colons, braces, non-ASCII', async () => {
    const { store, keyPrefix, redis } = storeAt();
    const userId = 'ana maría:{team} 😀';
    await store.create(newRun('wf:1 {x}', userId));
    expect(await redis.exists(`${keyPrefix}run:wf:1 {x}`)).toBe(1);
    expect((await store.listRuns(userId)).map((run) => run.workflowId)).toEqual(['wf:1 {x}']);
    expect(await store.listRuns('ana maría:{team}')).toEqual([]);
  });

  it('keeps stores with different key prefixes apart, and shares runs between stores with the same one', async () => {
    const { store, keyPrefix } = storeAt();
    const other = storeAt().store;
    const same = storeAt({ keyPrefix }).store;
    await store.create(newRun());
    expect(await other.get('wf-1')).toBeNull();
    await same.saveStage('wf-1', stageResult('a'));
    expect((await store.get('wf-1'))?.stages).toHaveLength(1);
    expect(await same.listRuns('u1')).toHaveLength(1);
  });
});

describe('createRedisRunStore: expiry (judged by Redis, checked with PTTL)', () => {
  it('gives a record and its user’s history ttlMs; every write refreshes the record, every write but a stage’s the history', async () => {
    const { store, keyPrefix, redis } = storeAt();
    await store.create(newRun());
    const runKey = `${keyPrefix}run:wf-1`;
    const historyKey = `${keyPrefix}runs:u1`;
    for (const key of [runKey, historyKey]) {
      expect(await redis.pttl(key)).toBeGreaterThan(TTL_MS - 10_000);
      expect(await redis.pttl(key)).toBeLessThanOrEqual(TTL_MS);
    }
    await redis.pexpire(runKey, 5000);
    await redis.pexpire(historyKey, 5000);
    await store.saveStage('wf-1', stageResult('a'));
    expect(await redis.pttl(runKey)).toBeGreaterThan(TTL_MS - 10_000);
    // The hot path writes one key: the history is refreshed by the writes that start or end a wait.
    expect(await redis.pttl(historyKey)).toBeLessThanOrEqual(5000);
    const writes = [
      () => store.suspend('wf-1', { stage: 'review', prompt: 'OK?', suspendedAt: 5 }),
      () => store.markRunning('wf-1'),
      () => store.markInterrupted('wf-1'),
      () => store.complete('wf-1', RESULT),
    ];
    for (const write of writes) {
      await redis.pexpire(runKey, 5000);
      await redis.pexpire(historyKey, 5000);
      await write();
      expect(await redis.pttl(runKey)).toBeGreaterThan(TTL_MS - 10_000);
      expect(await redis.pttl(historyKey)).toBeGreaterThan(TTL_MS - 10_000);
    }
  });

  it('leaves the TTL alone when markInterrupted changes nothing', async () => {
    const { store, keyPrefix, redis } = storeAt();
    await store.create(newRun());
    await store.complete('wf-1', RESULT);
    await redis.pexpire(`${keyPrefix}run:wf-1`, 5000);
    await store.markInterrupted('wf-1');
    expect(await redis.pttl(`${keyPrefix}run:wf-1`)).toBeLessThanOrEqual(5000);
  });

  it('defaults ttlMs to 7 days', async () => {
    expect(DEFAULT_RUN_TTL_MS).toBe(604_800_000);
    const keyPrefix = uniquePrefix();
    deleteKeysAfter(keyPrefix);
    const store = createRedisRunStore({ redis: newClient(), keyPrefix });
    onCleanup(() => store.close());
    await store.create(newRun());
    const ttl = await newClient().pttl(`${keyPrefix}run:wf-1`);
    expect(ttl).toBeGreaterThan(DEFAULT_RUN_TTL_MS - 60_000);
    expect(ttl).toBeLessThanOrEqual(DEFAULT_RUN_TTL_MS);
  });

  it('treats an expired record as gone: get null, writes RunNotFoundError, never recreated in part', async () => {
    const { store, keyPrefix, redis } = storeAt();
    await store.create(newRun());
    await redis.pexpireat(`${keyPrefix}run:wf-1`, 1); // a time in the past: Redis expires the key at once
    expect(await store.get('wf-1')).toBeNull();
    await expect(store.saveStage('wf-1', stageResult('a'))).rejects.toSatisfy(RunNotFoundError.isInstance);
    await expect(store.complete('wf-1', RESULT)).rejects.toThrow('No run wf-1 in the store');
    expect(await redis.exists(`${keyPrefix}run:wf-1`)).toBe(0);
  });

  it('skips and removes history entries whose record expired', async () => {
    const { store, clock, keyPrefix, redis } = storeAt();
    for (const [index, id] of ['a', 'b', 'c'].entries()) {
      clock.time = 1000 + index;
      await store.create(newRun(id));
    }
    await redis.del(`${keyPrefix}run:b`);
    expect((await store.listRuns('u1', { limit: 2 })).map((run) => run.workflowId)).toEqual(['c', 'a']);
    expect(await redis.zrange(`${keyPrefix}runs:u1`, 0, -1)).toEqual(['a', 'c']);
  });

  it('never lists a workflowId created again by another user after it expired, nor deletes it', async () => {
    const { store, clock, keyPrefix, redis } = storeAt({ maxRunsPerUser: 1 });
    await store.create(newRun('shared', 'u1'));
    await redis.pexpireat(`${keyPrefix}run:shared`, 1);
    clock.time = 2000;
    await store.create(newRun('shared', 'u2'));
    expect(await store.listRuns('u1')).toEqual([]);
    expect(await redis.zcard(`${keyPrefix}runs:u1`)).toBe(0);
    // u1's next runs trim u1's history: the other user's record stays.
    await redis.zadd(`${keyPrefix}runs:u1`, 1000, 'shared');
    clock.time = 3000;
    await store.create(newRun('mine', 'u1'));
    expect((await store.get('shared'))?.userId).toBe('u2');
    expect((await store.listRuns('u2')).map((run) => run.workflowId)).toEqual(['shared']);
  });
});

describe('createRedisRunStore: bounded history', () => {
  it('deletes evicted runs’ records and keeps each user’s history at maxRunsPerUser', async () => {
    const { store, clock, keyPrefix, redis } = storeAt({ maxRunsPerUser: 2 });
    for (const [index, id] of ['a', 'b', 'c', 'd'].entries()) {
      clock.time = 1000 + index;
      await store.create(newRun(id));
    }
    await store.complete('c', RESULT);
    clock.time = 2000;
    await store.create(newRun('e'));
    expect(await redis.zrange(`${keyPrefix}runs:u1`, 0, -1)).toEqual(['d', 'e']);
    for (const id of ['a', 'b', 'c']) expect(await redis.exists(`${keyPrefix}run:${id}`), id).toBe(0);
  });

  it('finds the oldest finished run beyond the first hundred entries', async () => {
    const { store, clock, redis, keyPrefix } = storeAt({ maxRunsPerUser: 150 });
    for (let index = 0; index < 150; index++) {
      clock.time = 1000 + index;
      await store.create(newRun(`wf-${index}`));
    }
    await store.complete('wf-120', RESULT);
    clock.time = 5000;
    await store.create(newRun('newest'));
    expect(await redis.exists(`${keyPrefix}run:wf-120`)).toBe(0);
    expect(await redis.exists(`${keyPrefix}run:wf-0`)).toBe(1);
    expect(await redis.zcard(`${keyPrefix}runs:u1`)).toBe(150);
  });

  it('evicts as many runs as needed when more are stored than the bound (the bound was lowered)', async () => {
    const { store, clock, keyPrefix, redis } = storeAt({ maxRunsPerUser: 5 });
    for (let index = 0; index < 5; index++) {
      clock.time = 1000 + index;
      await store.create(newRun(`wf-${index}`));
    }
    const lowered = storeAt({ keyPrefix, maxRunsPerUser: 2 }, 3000).store;
    await lowered.create(newRun('newest'));
    expect(await redis.zrange(`${keyPrefix}runs:u1`, 0, -1)).toEqual(['wf-4', 'newest']);
    expect(await redis.exists(`${keyPrefix}run:wf-0`, `${keyPrefix}run:wf-1`, `${keyPrefix}run:wf-2`, `${keyPrefix}run:wf-3`)).toBe(0);
  });

  it.each([
    ['one ms apart', 1],
    ['all in the same ms', 0],
  ])('keeps the bound, deleting the evicted records, when 40 creates of one user race across two stores (%s)', async (_case, step) => {
    let time = 1000;
    const now = () => (time += step);
    const { store, keyPrefix, redis } = storeAt({ maxRunsPerUser: 5, now });
    const second = storeAt({ keyPrefix, maxRunsPerUser: 5, now }).store;
    const both = [store, second];
    await Promise.all(Array.from({ length: 40 }, (_, index) => both[index % 2]!.create(newRun(`wf-${index}`))));
    expect(await redis.zcard(`${keyPrefix}runs:u1`)).toBe(5);
    const kept = await redis.zrange(`${keyPrefix}runs:u1`, 0, -1);
    expect((await redis.keys(`${keyPrefix}run:*`)).sort()).toEqual(kept.map((id) => `${keyPrefix}run:${id}`).sort());
  });
});

describe('createRedisRunStore: concurrency and failures', () => {
  it('lets exactly one of many racing creates of one workflowId win', async () => {
    const { store, keyPrefix } = storeAt();
    const second = storeAt({ keyPrefix }).store;
    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, (_, index) => (index % 2 ? store : second).create(newRun())));
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    const refused = outcomes.filter((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    expect(refused.every((outcome) => RunRecordRejectedError.isInstance(outcome.reason))).toBe(true);
    expect(await store.listRuns('u1')).toHaveLength(1);
  });

  it('still works after SCRIPT FLUSH (falls back from EVALSHA to EVAL)', async () => {
    const { store, redis } = storeAt();
    await store.create(newRun());
    await redis.script('FLUSH');
    await store.saveStage('wf-1', stageResult('a'));
    await redis.script('FLUSH');
    await store.create(newRun('wf-2'));
    expect((await store.get('wf-1'))?.stages).toHaveLength(1);
  });

  it('rejects with TransportError, the Redis error as cause, when a record on Redis is not a run record', async () => {
    const { store, keyPrefix, redis } = storeAt();
    await store.create(newRun());
    await redis.hset(`${keyPrefix}run:wf-1`, 'input', '{not json');
    const error = await store.get('wf-1').catch((caught: unknown) => caught);
    expect(TransportError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(`Redis run record ${keyPrefix}run:wf-1 is not a Baton run record: field input is not JSON`);
    await redis.hset(`${keyPrefix}run:wf-1`, 'input', '1', 'status', 'lost');
    await expect(store.get('wf-1')).rejects.toThrow(/is not a Baton run record: status: /);
    await redis.del(`${keyPrefix}run:wf-1`);
    await redis.hset(`${keyPrefix}run:wf-1`, 'something', 'else');
    expect(await store.get('wf-1')).toBeNull();
    await expect(store.markRunning('wf-1')).rejects.toSatisfy(RunNotFoundError.isInstance);
  });

  it('rejects every operation with TransportError when Redis is unreachable', async () => {
    const store = createRedisRunStore({ redis: 'redis://127.0.0.1:1', keyPrefix: uniquePrefix() });
    onCleanup(() => store.close());
    const operations = [
      () => store.create(newRun()),
      () => store.saveStage('wf-1', stageResult('a')),
      () => store.markInterrupted('wf-1'),
      () => store.get('wf-1'),
      () => store.listRuns('u1'),
    ];
    for (const operation of operations) {
      const error = await operation().catch((caught: unknown) => caught);
      expect(TransportError.isInstance(error)).toBe(true);
      expect((error as Error).message).toMatch(/^Redis run store \w+ failed: /);
      expect((error as Error).cause).toBeInstanceOf(Error);
    }
  });

  it('close() quits an owned client, leaves a passed-in one open, and later calls reject', async () => {
    const keyPrefix = uniquePrefix();
    deleteKeysAfter(keyPrefix);
    const check = newClient();
    const owned = createRedisRunStore({ redis: redisUrl(), keyPrefix });
    await owned.create(newRun());
    expect(await countConnections(check, `${keyPrefix}run-store`)).toBe(1);
    await owned.close();
    await owned.close();
    expect(await waitFor(async () => (await countConnections(check, `${keyPrefix}run-store`)) === 0)).toBe(true);
    await expect(owned.get('wf-1')).rejects.toThrow('createRedisRunStore: get() after close()');
    await expect(owned.saveStage('wf-1', stageResult('a'))).rejects.toSatisfy(TransportError.isInstance);

    const client = newClient();
    const shared = createRedisRunStore({ redis: client, keyPrefix });
    await shared.close();
    expect(await client.ping()).toBe('PONG');
  });
});

describe('createRedisRunStore: options', () => {
  it.each([
    [{}, 'redis must be a connected ioredis client'],
    [{ redis: 5 }, 'redis must be'],
    [{ redis: 'http://x' }, 'redis URL must start with'],
    [{ redis: 'redis://x', keyPrefix: 'a b' }, 'keyPrefix must be'],
    [{ redis: 'redis://x', ttl: 5 }, 'unknown option `ttl`'],
    [{ redis: 'redis://x', ttlMs: 0 }, 'createRedisRunStore: ttlMs must be a positive integer, got 0'],
    [{ redis: 'redis://x', maxStageOutputBytes: 1.5 }, 'createRedisRunStore: maxStageOutputBytes must be a positive integer, got 1.5'],
    [{ redis: 'redis://x', maxRunsPerUser: '3' }, 'createRedisRunStore: maxRunsPerUser must be a positive integer, got string'],
    [{ redis: 'redis://x', now: 5 }, 'createRedisRunStore: now must be a function'],
  ])('refuses %o with InvalidConfigError', (options, message) => {
    const refused = (() => {
      try {
        createRedisRunStore(options as never);
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(InvalidConfigError.isInstance(refused)).toBe(true);
    expect((refused as Error).message).toContain(message);
  });

  it('refuses options passed as something other than an object', () => {
    expect(() => createRedisRunStore(null as never)).toThrow('createRedisRunStore expects an options object');
  });
});
