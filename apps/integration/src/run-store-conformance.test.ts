import { randomUUID } from 'node:crypto';
import {
  type AgentRunResult,
  BatonError,
  InMemoryRunStore,
  InvalidConfigError,
  type NewRunRecord,
  RunNotFoundError,
  RunNotResumableError,
  RunRecordRejectedError,
  RunRecordSchema,
  type RunStore,
  type RunSuspension,
  type StoredWorkflowResult,
} from '@baton/engine-contract';
import { createRedisRunStore, type RedisRunStore } from '@baton/redis';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { usePrivateRedis } from './support/private-redis.js';
import { redisCommand } from './support/redis-command.js';

// One suite, run against both RunStore implementations, so that the in-memory store (tests, single
// process) and the Redis one (production) cannot drift apart: same records, same order, same
// refusals with the same wording, same bounds. Redis-only behaviour (expiry) is at the end.

const redis = usePrivateRedis('the run store conformance suite');
const openStores: RedisRunStore[] = [];

afterEach(async () => {
  await Promise.all(openStores.splice(0).map((store) => store.close()));
});

interface StoreOptions {
  maxRunsPerUser?: number;
  maxStageOutputBytes?: number;
}

/** A store on a clock that only moves when told to. */
interface Opened {
  readonly store: RunStore;
  readonly clock: { time: number };
}

const SUBJECTS: ReadonlyArray<{ name: string; open: (options?: StoreOptions) => Opened }> = [
  {
    name: 'InMemoryRunStore',
    open(options = {}) {
      const clock = { time: 1000 };
      return { store: new InMemoryRunStore({ ...options, now: () => clock.time }), clock };
    },
  },
  {
    name: 'createRedisRunStore',
    open(options = {}) {
      const clock = { time: 1000 };
      // A prefix of its own per store; a short TTL so that nothing outlives the run for long.
      const store = createRedisRunStore({
        redis: redis.url,
        keyPrefix: `conformance:${randomUUID()}:`,
        ttlMs: 600_000,
        ...options,
        now: () => clock.time,
      });
      openStores.push(store);
      return { store, clock };
    },
  },
];

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

const SUSPENSION: RunSuspension = { stage: 'review', prompt: 'Publish?', suspendedAt: 2000 };
const RESULT: StoredWorkflowResult = { status: 'succeeded', path: 'main', output: { answer: 42 }, durationMs: 30 };

/** Creates runs `ids` of `userId`, one ms apart from `start`. */
async function createRuns(opened: Opened, ids: readonly string[], userId = 'u1', start = 1000): Promise<void> {
  for (const [index, id] of ids.entries()) {
    opened.clock.time = start + index;
    await opened.store.create(newRun(id, userId));
  }
}

const ids = (count: number, prefix = 'wf-') => Array.from({ length: count }, (_, index) => `${prefix}${index}`);
const workflowIds = (runs: ReadonlyArray<{ workflowId: string }>) => runs.map((run) => run.workflowId);

describe.each(SUBJECTS)('RunStore conformance: $name', ({ open }) => {
  describe('records', () => {
    it('create resolves the stored record, and get gives it back', async () => {
      const { store } = open();
      const created = await store.create(newRun());
      expect(created).toEqual({ ...newRun(), status: 'running', stages: [], createdAt: 1000, updatedAt: 1000 });
      expect(RunRecordSchema.parse(await store.get('wf-1'))).toEqual(created);
      expect(await store.get('wf-2')).toBeNull();
    });

    it('keeps values as JSON, and what it gives back is a copy', async () => {
      const { store } = open();
      const input = { at: new Date(0), gone: undefined, nan: Number.NaN, list: [undefined, 'é😀'] };
      const created = await store.create({ ...newRun(), input });
      const expected = { at: '1970-01-01T00:00:00.000Z', nan: null, list: [null, 'é😀'] };
      expect(created.input).toEqual(expected);
      (created.input as { nan: unknown }).nan = 'changed';
      await store.saveStage('wf-1', stageResult('a', { output: { when: new Date(0) } }));
      const first = await store.get('wf-1');
      first?.stages.pop();
      expect(await store.get('wf-1')).toMatchObject({ input: expected, stages: [{ output: { when: '1970-01-01T00:00:00.000Z' } }] });
      await store.create({ ...newRun('wf-2'), input: undefined });
      expect((await store.get('wf-2'))?.input).toBeNull();
    });

    it('ignores what a new record does not have: status and stages are the store’s', async () => {
      const { store } = open();
      expect(await store.create({ ...newRun(), status: 'succeeded', stages: [stageResult('x')] } as NewRunRecord)).toMatchObject({
        status: 'running',
        stages: [],
      });
    });

    it('keeps stages in save order; a stage saved again replaces its result and comes last', async () => {
      const { store, clock } = open();
      await store.create(newRun());
      clock.time = 1100;
      await store.saveStage('wf-1', stageResult('a', { status: 'failed' }));
      await store.saveStage('wf-1', stageResult('b'));
      const { stage: _stage, ...bare } = stageResult('triage');
      await store.saveStage('wf-1', bare);
      clock.time = 1200;
      await store.saveStage('wf-1', stageResult('a', { executionId: 'again' }));
      const record = await store.get('wf-1');
      expect(record?.stages.map((stage) => `${stage.stage ?? stage.agentName}:${stage.status}:${stage.executionId}`)).toEqual([
        'b:succeeded:exec-b',
        'triage:succeeded:exec-triage',
        'a:succeeded:again',
      ]);
      expect(record).toMatchObject({ createdAt: 1000, updatedAt: 1200 });
    });

    it('suspend, markRunning, complete and markInterrupted move the status as the interface says', async () => {
      const { store, clock } = open();
      await store.create(newRun());
      clock.time = 2000;
      await store.suspend('wf-1', { ...SUSPENSION, expiresAt: 3000 });
      expect(await store.get('wf-1')).toMatchObject({
        status: 'suspended',
        suspension: { ...SUSPENSION, expiresAt: 3000 },
        updatedAt: 2000,
      });
      clock.time = 2500;
      await store.markRunning('wf-1');
      expect(await store.get('wf-1')).not.toHaveProperty('suspension');
      await store.markInterrupted('wf-1');
      expect(await store.get('wf-1')).toMatchObject({ status: 'interrupted', updatedAt: 2500 });
      await store.markRunning('wf-1');
      await store.suspend('wf-1', SUSPENSION);
      clock.time = 3000;
      await store.complete('wf-1', { ...RESULT, status: 'cancelled' });
      const finished = await store.get('wf-1');
      expect(finished).toMatchObject({ status: 'cancelled', result: { ...RESULT, status: 'cancelled' }, updatedAt: 3000 });
      expect(finished).not.toHaveProperty('suspension');
      clock.time = 4000;
      await store.markInterrupted('wf-1');
      expect(await store.get('wf-1')).toEqual(finished);
    });

    it('markInterrupted leaves a suspended run alone', async () => {
      const { store, clock } = open();
      await store.create(newRun());
      await store.suspend('wf-1', SUSPENSION);
      const suspended = await store.get('wf-1');
      clock.time = 5000;
      await store.markInterrupted('wf-1');
      expect(await store.get('wf-1')).toEqual(suspended);
    });
  });

  describe('markRunning({ from }): compare-and-set', () => {
    it('moves a run in the expected status to running, and refuses any other with RunNotResumableError, changing nothing', async () => {
      const { store, clock } = open();
      await store.create(newRun());
      await store.suspend('wf-1', SUSPENSION);
      const suspended = await store.get('wf-1');
      clock.time = 3000;
      const refused = await store.markRunning('wf-1', { from: 'interrupted' }).catch((error: unknown) => error);
      expect(RunNotResumableError.isInstance(refused)).toBe(true);
      expect((refused as Error).message).toBe('Run wf-1 is suspended, not interrupted: another resume or decision came first');
      expect(await store.get('wf-1')).toEqual(suspended);
      await store.markRunning('wf-1', { from: 'suspended' });
      expect(await store.get('wf-1')).toMatchObject({ status: 'running', updatedAt: 3000 });
      expect(await store.get('wf-1')).not.toHaveProperty('suspension');
    });

    it('lets exactly one of many racing markRunning({ from: suspended }) through', async () => {
      const { store } = open();
      await store.create(newRun());
      await store.suspend('wf-1', SUSPENSION);
      const outcomes = await Promise.allSettled(Array.from({ length: 8 }, () => store.markRunning('wf-1', { from: 'suspended' })));
      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
      for (const outcome of outcomes) {
        if (outcome.status === 'rejected') expect(RunNotResumableError.isInstance(outcome.reason)).toBe(true);
      }
    });

    it('refuses a from that is not a run status, and an unknown run, as the other writes do', async () => {
      const { store } = open();
      await store.create(newRun());
      await expect(store.markRunning('wf-1', { from: 'paused' as never })).rejects.toThrow(
        'markRunning: from must be a run status (running, suspended, succeeded, failed, cancelled, interrupted)',
      );
      await expect(store.markRunning('wf-404', { from: 'suspended' })).rejects.toSatisfy(RunNotFoundError.isInstance);
    });
  });

  describe('refusals', () => {
    it.each([
      ['saveStage', (store: RunStore) => store.saveStage('nope', stageResult('a'))],
      ['suspend', (store: RunStore) => store.suspend('nope', SUSPENSION)],
      ['markRunning', (store: RunStore) => store.markRunning('nope')],
      ['complete', (store: RunStore) => store.complete('nope', RESULT)],
      ['markInterrupted', (store: RunStore) => store.markInterrupted('nope')],
    ])('%s of an unknown workflowId rejects with RunNotFoundError naming it', async (_name, write) => {
      const { store } = open();
      await store.create(newRun());
      const error = await write(store).catch((caught: unknown) => caught);
      expect(RunNotFoundError.isInstance(error)).toBe(true);
      expect((error as Error).message).toMatch(/^No run nope in the store \(never created, /);
      expect(await store.get('nope')).toBeNull();
    });

    it('refuses a second create of one workflowId, even for another user, and keeps the first', async () => {
      const { store } = open();
      const first = await store.create(newRun());
      await expect(store.create(newRun('wf-1', 'u2'))).rejects.toThrow(
        expect.toSatisfy(
          (error: unknown) => RunRecordRejectedError.isInstance(error) && error.message === 'RunStore.create: a run wf-1 is already stored',
        ),
      );
      expect(await store.get('wf-1')).toEqual(first);
      expect(await store.listRuns('u2')).toEqual([]);
    });

    it('accepts a value of exactly maxStageOutputBytes bytes and refuses one byte more, in every write', async () => {
      const { store } = open({ maxStageOutputBytes: 200 });
      await store.create({ ...newRun(), input: 'x'.repeat(198) });
      await expect(store.create({ ...newRun('wf-2'), input: 'x'.repeat(199) })).rejects.toThrow(
        "The run input is 201 bytes as JSON, over the store's maxStageOutputBytes (200); it was not stored (nothing is cut)",
      );
      const empty = stageResult('big', { output: '' });
      const room = 200 - JSON.stringify(empty).length;
      await store.saveStage('wf-1', { ...empty, output: 'x'.repeat(room) });
      await expect(store.saveStage('wf-1', { ...empty, output: 'x'.repeat(room + 1) })).rejects.toThrow(
        'The result of stage "big" is 201 bytes',
      );
      const pad = 200 - JSON.stringify({ ...SUSPENSION, prompt: '' }).length;
      await expect(store.suspend('wf-1', { ...SUSPENSION, prompt: 'p'.repeat(pad + 1) })).rejects.toThrow('The suspension is 201 bytes');
      await store.suspend('wf-1', { ...SUSPENSION, prompt: 'p'.repeat(pad) });
      const space = 200 - JSON.stringify({ ...RESULT, output: '' }).length;
      await expect(store.complete('wf-1', { ...RESULT, output: 'o'.repeat(space + 1) })).rejects.toThrow('The run result is 201 bytes');
      await store.complete('wf-1', { ...RESULT, output: 'o'.repeat(space) });
      expect(await store.get('wf-2')).toBeNull();
      expect((await store.get('wf-1'))?.stages).toHaveLength(1);
    });

    it('counts multi-byte UTF-8 in bytes', async () => {
      const { store } = open({ maxStageOutputBytes: 14 });
      await store.create({ ...newRun('a'), input: '€€€€' });
      await store.create({ ...newRun('b'), input: '😀😀😀' });
      await expect(store.create({ ...newRun('c'), input: 'éééééé!' })).rejects.toThrow('The run input is 15 bytes as JSON');
    });

    it('defaults maxStageOutputBytes to 256 KiB', async () => {
      const { store } = open();
      await store.create({ ...newRun(), input: 'x'.repeat(262_142) });
      await expect(store.create({ ...newRun('wf-2'), input: 'x'.repeat(262_143) })).rejects.toThrow('(262144)');
    });

    it('refuses cycles, BigInts and bad shapes, before looking the run up, and stores nothing', async () => {
      const { store } = open();
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      await expect(store.create({ ...newRun(), input: cyclic })).rejects.toThrow(
        /^The run input is not JSON-serialisable, so it cannot be stored: /,
      );
      await expect(store.create({ ...newRun(), userId: '' })).rejects.toThrow(/^RunStore\.create: userId: /);
      await store.create(newRun());
      await expect(store.saveStage('wf-1', stageResult('a', { output: 1n }))).rejects.toThrow(
        'The result of stage "a" is not JSON-serialisable',
      );
      await expect(store.saveStage('wf-1', { ...stageResult('a'), status: 'done' } as never)).rejects.toThrow(
        /^RunStore\.saveStage: status: /,
      );
      await expect(store.suspend('wf-1', { prompt: 'p', suspendedAt: 1 } as never)).rejects.toThrow(/^RunStore\.suspend: stage: /);
      await expect(store.complete('wf-1', { ...RESULT, status: 'running' } as never)).rejects.toThrow(/^RunStore\.complete: status: /);
      await expect(store.complete('nope', { ...RESULT, output: cyclic })).rejects.toSatisfy(RunRecordRejectedError.isInstance);
      expect(await store.get('wf-1')).toMatchObject({ status: 'running', stages: [], updatedAt: 1000 });
    });
  });

  describe('listRuns', () => {
    it('lists newest first: 20 by default, up to limit, at most 100', async () => {
      const { store, clock } = open({ maxRunsPerUser: 105 });
      const opened = { store, clock };
      await createRuns(opened, ids(105));
      expect(workflowIds(await store.listRuns('u1'))).toEqual(ids(105).reverse().slice(0, 20));
      expect(workflowIds(await store.listRuns('u1', { limit: 3 }))).toEqual(['wf-104', 'wf-103', 'wf-102']);
      expect(await store.listRuns('u1', { limit: 100 })).toHaveLength(100);
    });

    it('pages with before (exclusive) to the end', async () => {
      const opened = open();
      await createRuns(opened, ids(5));
      const pages: string[][] = [];
      let before: number | undefined;
      for (;;) {
        const page = await opened.store.listRuns('u1', { limit: 2, ...(before === undefined ? {} : { before }) });
        if (page.length === 0) break;
        pages.push(workflowIds(page));
        before = page.at(-1)?.createdAt;
      }
      expect(pages).toEqual([['wf-4', 'wf-3'], ['wf-2', 'wf-1'], ['wf-0']]);
      expect(workflowIds(await opened.store.listRuns('u1', { before: 1003 }))).toEqual(['wf-2', 'wf-1', 'wf-0']);
      expect(await opened.store.listRuns('u1', { before: 1000 })).toEqual([]);
    });

    it('lists only the user’s own runs, none for an unknown user', async () => {
      const opened = open();
      await createRuns(opened, ['a1', 'a2'], 'u1');
      await createRuns(opened, ['b1'], 'u2', 5000);
      expect(workflowIds(await opened.store.listRuns('u1'))).toEqual(['a2', 'a1']);
      expect(workflowIds(await opened.store.listRuns('u2'))).toEqual(['b1']);
      expect(await opened.store.listRuns('nobody')).toEqual([]);
    });

    it.each([{ limit: 0 }, { limit: 101 }, { limit: 1.5 }, { before: Number.NaN }, { before: '5' }])(
      'rejects %o with InvalidConfigError',
      async (options) => {
        const { store } = open();
        const error = await store.listRuns('u1', options as never).catch((caught: unknown) => caught);
        expect(InvalidConfigError.isInstance(error)).toBe(true);
        expect((error as Error).message).toMatch(/^listRuns: /);
      },
    );
  });

  describe('bounded history per user', () => {
    it('keeps 100 runs per user by default', async () => {
      const opened = open();
      await createRuns(opened, ids(101));
      expect(await opened.store.get('wf-0')).toBeNull();
      expect(await opened.store.listRuns('u1', { limit: 100 })).toHaveLength(100);
    });

    it('evicts the oldest finished run first, else the oldest; an evicted run is gone', async () => {
      const opened = open({ maxRunsPerUser: 3 });
      const { store, clock } = opened;
      await createRuns(opened, ['a', 'b', 'c']);
      await store.complete('c', RESULT);
      await store.complete('b', { ...RESULT, status: 'failed' });
      clock.time = 2000;
      await store.create(newRun('d'));
      expect(workflowIds(await store.listRuns('u1'))).toEqual(['d', 'c', 'a']);
      expect(await store.get('b')).toBeNull();
      await expect(store.saveStage('b', stageResult('x'))).rejects.toSatisfy(RunNotFoundError.isInstance);
      await store.suspend('a', SUSPENSION);
      await store.markInterrupted('d');
      clock.time = 2001;
      await store.create(newRun('e'));
      expect(workflowIds(await store.listRuns('u1'))).toEqual(['e', 'd', 'a']);
      clock.time = 2002;
      await store.create(newRun('f'));
      expect(workflowIds(await store.listRuns('u1'))).toEqual(['f', 'e', 'd']);
    });

    it('bounds each user on their own', async () => {
      const opened = open({ maxRunsPerUser: 2 });
      await createRuns(opened, ['theirs'], 'u2', 500);
      await createRuns(opened, ids(6, 'mine-'), 'u1');
      expect(workflowIds(await opened.store.listRuns('u1'))).toEqual(['mine-5', 'mine-4']);
      expect(workflowIds(await opened.store.listRuns('u2'))).toEqual(['theirs']);
    });
  });
});

describe('RunStore conformance: both stores answer a random sequence of calls alike', () => {
  type Call =
    | { op: 'create'; id: string; userId: string; big: boolean }
    | { op: 'saveStage'; id: string; stage: string; status: AgentRunResult['status'] }
    | { op: 'suspend' | 'markRunning' | 'markInterrupted' | 'get'; id: string }
    | { op: 'complete'; id: string; status: StoredWorkflowResult['status'] }
    | { op: 'listRuns'; userId: string; limit: number; before: number | undefined };

  const IDS = ['w1', 'w2', 'w3', 'w4'];
  const USERS = ['alice', 'bob'];
  const id = fc.constantFrom(...IDS);
  const userId = fc.constantFrom(...USERS);
  // Creates weigh more, so that most calls meet a run; one create in five is over the size bound.
  const call: fc.Arbitrary<Call> = fc.oneof(
    { arbitrary: fc.record({ op: fc.constant('create' as const), id, userId, big: fc.nat(4).map((n) => n === 0) }), weight: 3 },
    fc.record({
      op: fc.constant('saveStage' as const),
      id,
      stage: fc.constantFrom('triage', 'draft', 'review'),
      status: fc.constantFrom('succeeded', 'failed', 'cancelled'),
    }),
    fc.record({ op: fc.constantFrom('suspend' as const, 'markRunning' as const, 'markInterrupted' as const, 'get' as const), id }),
    fc.record({ op: fc.constant('complete' as const), id, status: fc.constantFrom('succeeded', 'failed', 'cancelled') }),
    fc.record({
      op: fc.constant('listRuns' as const),
      userId,
      limit: fc.integer({ min: 1, max: 4 }),
      before: fc.option(fc.integer({ min: 1000, max: 1040 }), { nil: undefined }),
    }),
  );

  function perform(store: RunStore, step: Call): Promise<unknown> {
    switch (step.op) {
      case 'create':
        return store.create({ ...newRun(step.id, step.userId), input: step.big ? 'x'.repeat(300) : { n: step.id } });
      case 'saveStage':
        return store.saveStage(step.id, stageResult(step.stage, { status: step.status }));
      case 'suspend':
        return store.suspend(step.id, SUSPENSION);
      case 'complete':
        return store.complete(step.id, { ...RESULT, status: step.status });
      case 'listRuns':
        return store.listRuns(step.userId, { limit: step.limit, ...(step.before === undefined ? {} : { before: step.before }) });
      default:
        return store[step.op](step.id);
    }
  }

  /** What a call gave: its value, or its error's code (and message, but for RUN_NOT_FOUND's reason). */
  async function outcome(store: RunStore, step: Call): Promise<unknown> {
    try {
      return { value: (await perform(store, step)) ?? null };
    } catch (error) {
      if (!BatonError.isInstance(error)) throw error;
      return { code: error.code, message: error.code === 'RUN_NOT_FOUND' ? undefined : error.message };
    }
  }

  it('gives equal values and equal refusals, step by step', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(call, { minLength: 5, maxLength: 40, size: 'max' }), async (calls) => {
        const [memory, redis] = SUBJECTS.map((subject) => subject.open({ maxRunsPerUser: 3, maxStageOutputBytes: 256 }));
        for (const [index, step] of calls.entries()) {
          memory!.clock.time = redis!.clock.time = 1000 + index;
          expect(await outcome(redis!.store, step), `step ${index}: ${JSON.stringify(step)}`).toEqual(await outcome(memory!.store, step));
        }
        // And the same state in the end: every record, every history.
        const finalCalls: Call[] = [
          ...IDS.map((each): Call => ({ op: 'get', id: each })),
          ...USERS.map((each): Call => ({ op: 'listRuns', userId: each, limit: 100, before: undefined })),
        ];
        for (const step of finalCalls)
          expect(await outcome(redis!.store, step), JSON.stringify(step)).toEqual(await outcome(memory!.store, step));
        await Promise.all(openStores.splice(0).map((store) => store.close()));
      }),
      { numRuns: 60 },
    );
  }, 120_000);
});

describe('createRedisRunStore: expiry on Redis (checked with PTTL, never by waiting)', () => {
  it('gives records and histories ttlMs and refreshes them as they are written; an expired record is gone', async () => {
    const keyPrefix = `conformance:${randomUUID()}:`;
    // TTLs far apart (10 min vs 1 min), so that no check depends on how fast this machine is.
    const store = createRedisRunStore({ redis: redis.url, keyPrefix, ttlMs: 600_000 });
    openStores.push(store);
    await store.create(newRun());
    const runKey = `${keyPrefix}run:wf-1`;
    const historyKey = `${keyPrefix}runs:u1`;
    for (const key of [runKey, historyKey]) {
      const ttl = (await redisCommand(redis.url, 'PTTL', key)) as number;
      expect(ttl).toBeGreaterThan(60_000);
      expect(ttl).toBeLessThanOrEqual(600_000);
    }
    await redisCommand(redis.url, 'PEXPIRE', runKey, 60_000);
    await redisCommand(redis.url, 'PEXPIRE', historyKey, 60_000);
    await store.saveStage('wf-1', stageResult('a'));
    expect(await redisCommand(redis.url, 'PTTL', runKey)).toBeGreaterThan(60_000);
    expect(await redisCommand(redis.url, 'PTTL', historyKey)).toBeLessThanOrEqual(60_000);
    await store.markInterrupted('wf-1');
    expect(await redisCommand(redis.url, 'PTTL', historyKey)).toBeGreaterThan(60_000);
    // Expired now: PEXPIREAT with a time in the past removes the key at once.
    await redisCommand(redis.url, 'PEXPIREAT', runKey, 1);
    expect(await store.get('wf-1')).toBeNull();
    await expect(store.complete('wf-1', RESULT)).rejects.toSatisfy(RunNotFoundError.isInstance);
    expect(await store.listRuns('u1')).toEqual([]);
    expect(await redisCommand(redis.url, 'EXISTS', runKey)).toBe(0);
    expect(await redisCommand(redis.url, 'ZCARD', historyKey)).toBe(0);
  });

  it('deletes the records of runs trimmed from a history', async () => {
    const keyPrefix = `conformance:${randomUUID()}:`;
    let time = 1000;
    const store = createRedisRunStore({ redis: redis.url, keyPrefix, maxRunsPerUser: 2, now: () => time++ });
    openStores.push(store);
    for (const workflowId of ['a', 'b', 'c']) await store.create(newRun(workflowId));
    expect(await redisCommand(redis.url, 'EXISTS', `${keyPrefix}run:a`)).toBe(0);
    expect(await redisCommand(redis.url, 'ZRANGE', `${keyPrefix}runs:u1`, 0, -1)).toEqual(['b', 'c']);
  });
});
