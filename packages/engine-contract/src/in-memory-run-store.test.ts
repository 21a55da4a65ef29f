import { describe, expect, it } from 'vitest';
import type { AgentRunResult } from './agent-run-result.js';
import { InvalidConfigError } from './errors/invalid-config-error.js';
import { RunNotFoundError } from './errors/run-not-found-error.js';
import { RunRecordRejectedError } from './errors/run-record-rejected-error.js';
import { DEFAULT_MAX_RUNS_PER_USER, InMemoryRunStore, type InMemoryRunStoreOptions } from './in-memory-run-store.js';
import { type NewRunRecord, RunRecordSchema, type RunSuspension, type StoredWorkflowResult } from './run-record.js';
import type { RunStore } from './run-store.js';

/** A store on a clock that only moves when told to. */
function storeAt(start = 1000, options: Omit<InMemoryRunStoreOptions, 'now'> = {}) {
  const clock = { time: start };
  const store = new InMemoryRunStore({ ...options, now: () => clock.time });
  return { store, clock };
}

function newRun(workflowId = 'wf-1', userId = 'u1', input: unknown = { question: 'why?' }): NewRunRecord {
  return { workflowId, workflowName: 'flow', userId, threadId: 't1', runId: `run-${workflowId}`, input };
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

/** The JSON of a stage result with an `output` string making it exactly `bytes` long. */
function stageOfBytes(bytes: number): AgentRunResult {
  const empty = stageResult('big', { output: '' });
  return { ...empty, output: 'x'.repeat(bytes - JSON.stringify(empty).length) };
}

describe('InMemoryRunStore: create and get', () => {
  it('stores a new run as running with no stages, on the store clock, and gives it back', async () => {
    const { store } = storeAt(1000);
    const created = await store.create(newRun());
    expect(created).toEqual({ ...newRun(), status: 'running', stages: [], createdAt: 1000, updatedAt: 1000 });
    expect(RunRecordSchema.parse(created)).toEqual(created);
    expect(await store.get('wf-1')).toEqual(created);
  });

  it('answers null for an id it does not hold', async () => {
    const { store } = storeAt();
    await store.create(newRun());
    expect(await store.get('wf-2')).toBeNull();
    expect(await store.get(42 as never)).toBeNull();
  });

  it('ignores fields a new record does not have: a caller cannot forge status or stages', async () => {
    const { store } = storeAt();
    const created = await store.create({ ...newRun(), status: 'succeeded', stages: [stageResult('a')] } as NewRunRecord);
    expect(created).toMatchObject({ status: 'running', stages: [] });
  });

  it('keeps values as JSON: what comes back is what JSON.parse(JSON.stringify(value)) gives', async () => {
    const { store } = storeAt();
    const input = { at: new Date(0), gone: undefined, nan: Number.NaN, list: [undefined, 1] };
    const created = await store.create(newRun('wf-1', 'u1', input));
    expect(created.input).toEqual({ at: '1970-01-01T00:00:00.000Z', nan: null, list: [null, 1] });
    expect(created.input).not.toHaveProperty('gone');
    await store.create({ ...newRun('wf-2'), input: undefined });
    expect((await store.get('wf-2'))?.input).toBeNull();
  });

  it('gives back copies: changing a returned record, or the value written, changes nothing stored', async () => {
    const { store } = storeAt();
    const input = { nested: { n: 1 } };
    const created = await store.create(newRun('wf-1', 'u1', input));
    input.nested.n = 2;
    (created.input as typeof input).nested.n = 3;
    const stage = stageResult('a');
    await store.saveStage('wf-1', stage);
    (stage.output as { text: string }).text = 'changed';
    const first = await store.get('wf-1');
    first?.stages.push(stageResult('b'));
    (first as { status: string }).status = 'failed';
    const [listed] = await store.listRuns('u1');
    (listed?.stages[0]?.output as { text: string }).text = 'listed';
    expect(await store.get('wf-1')).toMatchObject({ input: { nested: { n: 1 } }, status: 'running', stages: [{ output: { text: 'a' } }] });
  });
});

describe('InMemoryRunStore: stages', () => {
  it('keeps stage results in save order and updates updatedAt only', async () => {
    const { store, clock } = storeAt(1000);
    await store.create(newRun());
    clock.time = 1100;
    await store.saveStage('wf-1', stageResult('a'));
    clock.time = 1200;
    await store.saveStage('wf-1', stageResult('b'));
    const record = await store.get('wf-1');
    expect(record?.stages.map((stage) => stage.stage)).toEqual(['a', 'b']);
    expect(record).toMatchObject({ createdAt: 1000, updatedAt: 1200 });
  });

  it('replaces the result of a stage saved again (a resume), moving it to the end', async () => {
    const { store } = storeAt();
    await store.create(newRun());
    await store.saveStage('wf-1', stageResult('a', { status: 'failed' }));
    await store.saveStage('wf-1', stageResult('b'));
    await store.saveStage('wf-1', stageResult('a', { executionId: 'again' }));
    const stages = (await store.get('wf-1'))?.stages ?? [];
    expect(stages.map((stage) => `${stage.stage}:${stage.status}:${stage.executionId}`)).toEqual([
      'b:succeeded:exec-b',
      'a:succeeded:again',
    ]);
  });

  it('keys a result without stage by its agent name, apart from a stage of that name', async () => {
    const { store } = storeAt();
    await store.create(newRun());
    const { stage: _stage, ...bare } = stageResult('triage');
    await store.saveStage('wf-1', bare);
    await store.saveStage('wf-1', stageResult('other', { agentName: 'triage' }));
    await store.saveStage('wf-1', { ...bare, executionId: 'second' });
    const stages = (await store.get('wf-1'))?.stages ?? [];
    expect(stages.map((stage) => stage.stage ?? `(${stage.agentName})`)).toEqual(['other', '(triage)']);
    expect(stages[1]?.executionId).toBe('second');
  });
});

describe('InMemoryRunStore: status transitions', () => {
  it('suspend, markRunning, complete: status, suspension and result as the interface says', async () => {
    const { store, clock } = storeAt(1000);
    await store.create(newRun());
    clock.time = 2000;
    await store.suspend('wf-1', SUSPENSION);
    expect(await store.get('wf-1')).toMatchObject({ status: 'suspended', suspension: SUSPENSION, updatedAt: 2000 });
    clock.time = 3000;
    await store.markRunning('wf-1');
    const running = await store.get('wf-1');
    expect(running).toMatchObject({ status: 'running', updatedAt: 3000 });
    expect(running).not.toHaveProperty('suspension');
    await store.suspend('wf-1', SUSPENSION);
    clock.time = 4000;
    await store.complete('wf-1', { ...RESULT, status: 'failed' });
    const finished = await store.get('wf-1');
    expect(finished).toMatchObject({ status: 'failed', result: { ...RESULT, status: 'failed' }, createdAt: 1000, updatedAt: 4000 });
    expect(finished).not.toHaveProperty('suspension');
  });

  it('markInterrupted turns a running run interrupted', async () => {
    const { store, clock } = storeAt(1000);
    await store.create(newRun());
    clock.time = 1500;
    await store.markInterrupted('wf-1');
    expect(await store.get('wf-1')).toMatchObject({ status: 'interrupted', updatedAt: 1500 });
  });

  it.each([
    ['suspended', (store: RunStore) => store.suspend('wf-1', SUSPENSION)],
    ['succeeded', (store: RunStore) => store.complete('wf-1', RESULT)],
    ['interrupted', (store: RunStore) => store.markInterrupted('wf-1')],
  ])('markInterrupted leaves a %s run alone', async (status, reach) => {
    const { store, clock } = storeAt(1000);
    await store.create(newRun());
    await reach(store);
    const before = await store.get('wf-1');
    expect(before?.status).toBe(status);
    clock.time = 9000;
    await store.markInterrupted('wf-1');
    expect(await store.get('wf-1')).toEqual(before);
  });
});

describe('InMemoryRunStore: refusals', () => {
  const writes: Array<[string, (store: RunStore, id: string) => Promise<unknown>]> = [
    ['saveStage', (store, id) => store.saveStage(id, stageResult('a'))],
    ['suspend', (store, id) => store.suspend(id, SUSPENSION)],
    ['markRunning', (store, id) => store.markRunning(id)],
    ['complete', (store, id) => store.complete(id, RESULT)],
    ['markInterrupted', (store, id) => store.markInterrupted(id)],
  ];

  it.each(writes)('%s of an unknown workflowId rejects with RunNotFoundError', async (_name, write) => {
    const { store } = storeAt();
    await store.create(newRun());
    const error = await write(store, 'wf-unknown').catch((caught: unknown) => caught);
    expect(RunNotFoundError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('wf-unknown');
    await expect(write(store, 7 as never)).rejects.toSatisfy(RunNotFoundError.isInstance);
  });

  it('refuses a second create of a stored workflowId, leaving the first record', async () => {
    const { store } = storeAt();
    const first = await store.create(newRun());
    const error = await store.create({ ...newRun(), userId: 'u2' }).catch((caught: unknown) => caught);
    expect(RunRecordRejectedError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe('RunStore.create: a run wf-1 is already stored');
    expect(await store.get('wf-1')).toEqual(first);
    expect(await store.listRuns('u2')).toEqual([]);
  });

  it('accepts a value of exactly maxStageOutputBytes bytes and refuses one more byte, in every write', async () => {
    const { store } = storeAt(1000, { maxStageOutputBytes: 200 });
    await store.create(newRun('wf-1', 'u1', 'x'.repeat(198)));
    await expect(store.create(newRun('wf-2', 'u1', 'x'.repeat(199)))).rejects.toThrow(
      "The run input is 201 bytes as JSON, over the store's maxStageOutputBytes (200)",
    );
    expect(await store.get('wf-2')).toBeNull();
    await store.saveStage('wf-1', stageOfBytes(200));
    await expect(store.saveStage('wf-1', stageOfBytes(201))).rejects.toThrow('The result of stage "big" is 201 bytes');
    const suspension = { ...SUSPENSION, prompt: '' };
    const pad = 200 - JSON.stringify(suspension).length;
    await store.suspend('wf-1', { ...suspension, prompt: 'p'.repeat(pad) });
    await expect(store.suspend('wf-1', { ...suspension, prompt: 'p'.repeat(pad + 1) })).rejects.toThrow('The suspension is 201 bytes');
    const result = { ...RESULT, output: '' };
    const room = 200 - JSON.stringify(result).length;
    await expect(store.complete('wf-1', { ...result, output: 'o'.repeat(room + 1) })).rejects.toSatisfy(RunRecordRejectedError.isInstance);
    await store.complete('wf-1', { ...result, output: 'o'.repeat(room) });
    expect((await store.get('wf-1'))?.stages).toHaveLength(1);
  });

  it('counts multi-byte UTF-8 in bytes', async () => {
    const { store } = storeAt(1000, { maxStageOutputBytes: 14 });
    // Each fits exactly: 4 × 3 + 2 quotes, 6 × 2 + 2, 3 × 4 + 2 bytes.
    await store.create(newRun('wf-1', 'u1', '€€€€'));
    await store.create(newRun('wf-2', 'u1', 'éééééé'));
    await store.create(newRun('wf-3', 'u1', '😀😀😀'));
    await expect(store.create(newRun('wf-4', 'u1', '€€€€x'))).rejects.toThrow('The run input is 15 bytes as JSON');
    await expect(store.create(newRun('wf-5', 'u1', '😀😀😀x'))).rejects.toThrow('The run input is 15 bytes as JSON');
  });

  it('refuses cycles and BigInts without storing anything', async () => {
    const { store } = storeAt();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(store.create(newRun('wf-1', 'u1', cyclic))).rejects.toThrow('The run input is not JSON-serialisable');
    expect(await store.get('wf-1')).toBeNull();
    await store.create(newRun('wf-2'));
    await expect(store.saveStage('wf-2', stageResult('a', { output: { n: 1n } }))).rejects.toSatisfy(RunRecordRejectedError.isInstance);
    await expect(store.complete('wf-2', { ...RESULT, output: cyclic })).rejects.toSatisfy(RunRecordRejectedError.isInstance);
    expect(await store.get('wf-2')).toMatchObject({ status: 'running', stages: [] });
  });

  it('refuses invalid shapes, naming the operation and the field', async () => {
    const { store } = storeAt();
    await expect(store.create({ ...newRun(), userId: '' })).rejects.toThrow(/^RunStore\.create: userId: /);
    await store.create(newRun());
    await expect(store.saveStage('wf-1', { ...stageResult('a'), status: 'done' } as never)).rejects.toThrow(
      /^RunStore\.saveStage: status: /,
    );
    await expect(store.suspend('wf-1', { prompt: 'p', suspendedAt: 1 } as never)).rejects.toThrow(/^RunStore\.suspend: stage: /);
    await expect(store.complete('wf-1', { ...RESULT, status: 'running' } as never)).rejects.toThrow(/^RunStore\.complete: status: /);
    expect(await store.get('wf-1')).toMatchObject({ status: 'running', stages: [] });
  });

  it('checks a value before it looks the run up: a bad value is refused even for an unknown id', async () => {
    const { store } = storeAt();
    await expect(store.saveStage('nope', { status: 'done' } as never)).rejects.toSatisfy(RunRecordRejectedError.isInstance);
    await expect(store.suspend('nope', {} as never)).rejects.toSatisfy(RunRecordRejectedError.isInstance);
    await expect(store.complete('nope', {} as never)).rejects.toSatisfy(RunRecordRejectedError.isInstance);
  });
});

describe('InMemoryRunStore: listRuns', () => {
  /** Creates `count` runs of `userId`, one per ms from `start`: wf-<n> created at start + n. */
  async function createRuns(store: RunStore, clock: { time: number }, count: number, userId = 'u1', start = 1000) {
    for (let index = 0; index < count; index++) {
      clock.time = start + index;
      await store.create(newRun(`wf-${index}`, userId));
    }
  }

  it('lists a user’s runs newest first, 20 by default, up to limit', async () => {
    const { store, clock } = storeAt();
    await createRuns(store, clock, 25);
    const runs = await store.listRuns('u1');
    expect(runs.map((run) => run.workflowId)).toEqual(Array.from({ length: 20 }, (_, index) => `wf-${24 - index}`));
    expect((await store.listRuns('u1', { limit: 3 })).map((run) => run.workflowId)).toEqual(['wf-24', 'wf-23', 'wf-22']);
  });

  it('accepts a limit of 100 and returns up to 100', async () => {
    const { store, clock } = storeAt(1000, { maxRunsPerUser: 150 });
    await createRuns(store, clock, 105);
    expect(await store.listRuns('u1', { limit: 100 })).toHaveLength(100);
  });

  it('pages with before: only runs created strictly before it', async () => {
    const { store, clock } = storeAt();
    await createRuns(store, clock, 5);
    const first = await store.listRuns('u1', { limit: 2 });
    expect(first.map((run) => run.workflowId)).toEqual(['wf-4', 'wf-3']);
    const second = await store.listRuns('u1', { limit: 2, before: first.at(-1)?.createdAt });
    expect(second.map((run) => run.workflowId)).toEqual(['wf-2', 'wf-1']);
    const third = await store.listRuns('u1', { limit: 2, before: second.at(-1)?.createdAt });
    expect(third.map((run) => run.workflowId)).toEqual(['wf-0']);
    expect(await store.listRuns('u1', { before: 1000 })).toEqual([]);
  });

  it('orders by createdAt even when the clock went backwards', async () => {
    const { store, clock } = storeAt();
    for (const [id, time] of [
      ['late', 3000],
      ['early', 1000],
      ['middle', 2000],
    ] as const) {
      clock.time = time;
      await store.create(newRun(id));
    }
    expect((await store.listRuns('u1', { limit: 2 })).map((run) => run.workflowId)).toEqual(['late', 'middle']);
    expect((await store.listRuns('u1', { before: 3000 })).map((run) => run.workflowId)).toEqual(['middle', 'early']);
  });

  it('lists only the user’s own runs, and nothing for an unknown user', async () => {
    const { store, clock } = storeAt();
    await createRuns(store, clock, 3, 'u1');
    clock.time = 5000;
    await store.create(newRun('theirs', 'u2'));
    expect((await store.listRuns('u1')).map((run) => run.userId)).toEqual(['u1', 'u1', 'u1']);
    expect((await store.listRuns('u2')).map((run) => run.workflowId)).toEqual(['theirs']);
    expect(await store.listRuns('nobody')).toEqual([]);
  });

  it.each([{ limit: 0 }, { limit: 101 }, { limit: 2.5 }, { before: Number.NaN }, null])(
    'rejects %o with InvalidConfigError',
    async (options) => {
      const { store } = storeAt();
      await expect(store.listRuns('u1', options as never)).rejects.toSatisfy(InvalidConfigError.isInstance);
    },
  );
});

describe('InMemoryRunStore: bounded history per user', () => {
  it('keeps 100 runs per user by default: the 101st evicts the oldest', async () => {
    expect(DEFAULT_MAX_RUNS_PER_USER).toBe(100);
    const { store, clock } = storeAt();
    for (let index = 0; index <= 100; index++) {
      clock.time = 1000 + index;
      await store.create(newRun(`wf-${index}`));
    }
    expect(await store.get('wf-0')).toBeNull();
    expect(await store.get('wf-1')).not.toBeNull();
    expect(await store.listRuns('u1', { limit: 100 })).toHaveLength(100);
  });

  it('evicts the oldest finished run first', async () => {
    const { store, clock } = storeAt(1000, { maxRunsPerUser: 3 });
    for (const [index, id] of ['a', 'b', 'c'].entries()) {
      clock.time = 1000 + index;
      await store.create(newRun(id));
    }
    await store.complete('c', RESULT);
    await store.complete('b', { ...RESULT, status: 'cancelled' });
    clock.time = 2000;
    await store.create(newRun('d'));
    expect(await store.get('b')).toBeNull();
    expect((await store.listRuns('u1')).map((run) => run.workflowId)).toEqual(['d', 'c', 'a']);
    await expect(store.markRunning('b')).rejects.toSatisfy(RunNotFoundError.isInstance);
  });

  it('evicts the oldest run when none has finished (suspended and interrupted are not finished)', async () => {
    const { store, clock } = storeAt(1000, { maxRunsPerUser: 2 });
    await store.create(newRun('a'));
    clock.time = 1001;
    await store.create(newRun('b'));
    await store.suspend('a', SUSPENSION);
    await store.markInterrupted('b');
    clock.time = 1002;
    await store.create(newRun('c'));
    expect((await store.listRuns('u1')).map((run) => run.workflowId)).toEqual(['c', 'b']);
    expect(await store.get('a')).toBeNull();
  });

  it('bounds each user on their own: one user’s runs never evict another’s', async () => {
    const { store, clock } = storeAt(1000, { maxRunsPerUser: 2 });
    await store.create(newRun('theirs', 'u2'));
    for (let index = 0; index < 5; index++) {
      clock.time = 1001 + index;
      await store.create(newRun(`mine-${index}`, 'u1'));
    }
    expect(await store.get('theirs')).not.toBeNull();
    expect((await store.listRuns('u1')).map((run) => run.workflowId)).toEqual(['mine-4', 'mine-3']);
    expect((await store.listRuns('u2')).map((run) => run.workflowId)).toEqual(['theirs']);
  });
});

describe('InMemoryRunStore: options', () => {
  it('defaults maxStageOutputBytes to 256 KiB: exactly 262144 bytes fit, one more do not', async () => {
    const store = new InMemoryRunStore();
    await store.create(newRun('wf-1', 'u1', 'x'.repeat(262_144 - 2)));
    await expect(store.create(newRun('wf-2', 'u1', 'x'.repeat(262_144 - 1)))).rejects.toThrow('(262144)');
  });

  it('defaults the clock to Date.now', async () => {
    const before = Date.now();
    const created = await new InMemoryRunStore().create(newRun());
    expect(created.createdAt).toBeGreaterThanOrEqual(before);
    expect(created.createdAt).toBeLessThanOrEqual(Date.now());
  });

  it.each([0, -1, 1.5, '3', Number.NaN])('refuses maxRunsPerUser and maxStageOutputBytes %s', (value) => {
    expect(() => new InMemoryRunStore({ maxRunsPerUser: value as never })).toThrow(
      'InMemoryRunStore: maxRunsPerUser must be a positive integer',
    );
    expect(() => new InMemoryRunStore({ maxStageOutputBytes: value as never })).toThrow(
      'InMemoryRunStore: maxStageOutputBytes must be a positive integer',
    );
  });

  it('refuses a now that is not a function and options that are not an object', () => {
    expect(() => new InMemoryRunStore({ now: 5 as never })).toThrow(InvalidConfigError);
    expect(() => new InMemoryRunStore({ now: 5 as never })).toThrow('InMemoryRunStore: now must be a function');
    expect(() => new InMemoryRunStore(null as never)).toThrow('InMemoryRunStore: options must be an object');
  });
});
