import {
  InvalidConfigError,
  RunInterruptedError,
  RunNotResumableError,
  type RunRecord,
  RunRecordRejectedError,
  type RunStore,
} from '@baton/engine-contract';
import { describe, expect, it } from 'vitest';
import { deferred, FakeTimeout } from './__fixtures__/fake-engine.js';
import { GenuineFakeEngine } from './__fixtures__/genuine-fake-engine.js';
import { echoAgents, FIVE, fiveStages, hangs, newStore, storeView, USER_1 } from './__fixtures__/run-store.js';
import { defineWorkflow } from './define-workflow.js';
import { WorkflowOrchestrator } from './workflow-orchestrator.js';

const THREE = ['a', 'b', 'c'] as const;
const types = (engine: GenuineFakeEngine): string[] => engine.events.map((event) => event.type);

/** An orchestrator clock that ticks 5 ms per read. */
function clock(): () => number {
  let at = 0;
  return () => (at += 5);
}

describe('run() with a store: what is recorded', () => {
  it('writes the record before anything is emitted or run: running, the input, the engine’s ids, no stages', async () => {
    const store = newStore();
    let eventsAtCreate: number | undefined;
    const view = storeView(store, (method) => {
      if (method === 'create') eventsAtCreate = engine.events.length;
    });
    let atFirstStage: RunRecord[] = [];
    const engine = new GenuineFakeEngine(
      echoAgents(FIVE, {
        s1: async () => {
          atFirstStage = await store.listRuns('user-1');
          return 'one';
        },
      }),
    );
    const orchestrator = new WorkflowOrchestrator({ engine: engine.asEngine(), workflow: fiveStages(), store: view });
    expect(orchestrator.store).toBe(view);
    const result = await orchestrator.run({ input: { question: 'why?' } });
    expect(eventsAtCreate).toBe(0);
    expect(atFirstStage).toHaveLength(1);
    expect(atFirstStage[0]).toEqual({
      ...USER_1,
      workflowId: result.workflowId,
      workflowName: 'five',
      input: { question: 'why?' },
      status: 'running',
      stages: [],
      createdAt: 1_010,
      updatedAt: 1_010,
    });
    expect(view.calls[0]).toBe('create');
  });

  it('takes the ids from the engine’s context, not from the request', async () => {
    const store = newStore();
    const engine = new GenuineFakeEngine(echoAgents(FIVE));
    const result = await new WorkflowOrchestrator({ engine: engine.asEngine(), workflow: fiveStages(), store }).run({
      input: 'q',
      userContext: engine.userContext,
    });
    expect(await store.get(result.workflowId)).toMatchObject({ userId: 'user-1', threadId: 'thread-1', runId: 'run-1' });
  });

  it.each([
    ['a linear plan (one stage after the other)', defineWorkflow({ id: 'chain', stages: [...THREE] })],
    [
      'a plan with branches',
      defineWorkflow({ id: 'fan', stages: [{ agent: 'a' }, { agent: 'b', dependsOn: ['a'] }, { agent: 'c', dependsOn: ['a'] }] }),
    ],
  ])('in %s, saves each stage as it finishes and before its dependents start', async (_name, workflow) => {
    const store = newStore();
    // Each save is held until the test lets it through: a dependent that started before its
    // dependency's save completed would see a record without it.
    const saving = deferred<string>();
    const release = deferred<void>();
    const view = storeView(store, async (method, args) => {
      if (method !== 'saveStage') return;
      const stage = (args[1] as { stage: string }).stage;
      if (stage === 'a') {
        saving.resolve(stage);
        await release.promise;
      }
    });
    const seenBy: Record<string, string[]> = {};
    const recordingAgent = (name: string) => async () => {
      const [record] = await store.listRuns('user-1');
      seenBy[name] = (record?.stages ?? []).map((stage) => stage.stage ?? '');
      return { from: name };
    };
    const engine = new GenuineFakeEngine({ a: () => ({ from: 'a' }), b: recordingAgent('b'), c: recordingAgent('c') });
    const running = new WorkflowOrchestrator({ engine: engine.asEngine(), workflow, store: view }).run({ input: 'q' });
    expect(await saving.promise).toBe('a');
    expect(engine.calledAgents()).toEqual(['a']);
    release.resolve();
    const result = await running;
    expect(result.status).toBe('succeeded');
    expect(seenBy.b?.[0]).toBe('a');
    expect(seenBy.c?.[0]).toBe('a');
    const record = await store.get(result.workflowId);
    expect(record?.stages[0]).toMatchObject({ stage: 'a', status: 'succeeded', output: { from: 'a' } });
    expect(record?.stages.map((stage) => `${stage.stage}:${stage.status}`).sort()).toEqual(['a:succeeded', 'b:succeeded', 'c:succeeded']);
  });

  it('stores how the run ended (status, path, output, durationMs) before workflow_completed is emitted', async () => {
    const store = newStore();
    let storedAtCompletion: RunRecord | null = null;
    const engine = new GenuineFakeEngine(echoAgents(FIVE, { s5: () => 'the answer' }));
    const orchestrator = new WorkflowOrchestrator({ engine: engine.asEngine(), workflow: fiveStages(), store, now: clock() });
    const emit = engine.emitWorkflowEvent.bind(engine);
    const done: Array<Promise<void>> = [];
    engine.emitWorkflowEvent = (event) => {
      if (event.type === 'workflow_completed') {
        done.push(
          store.get(event.workflowId).then((record) => {
            storedAtCompletion = record;
          }),
        );
      }
      emit(event);
    };
    const result = await orchestrator.run({ input: 'q' });
    await Promise.all(done);
    expect(result).toMatchObject({ status: 'succeeded', path: 'main', output: 'the answer', durationMs: 5 });
    const record = await store.get(result.workflowId);
    expect(record?.status).toBe('succeeded');
    expect(record?.result).toEqual({ status: 'succeeded', path: 'main', output: 'the answer', durationMs: 5 });
    expect(record?.stages.map((stage) => stage.stage)).toEqual([...FIVE]);
    expect(record?.stages.map((stage) => stage.executionId)).toEqual(result.stages.map((stage) => stage.executionId));
    // InMemoryRunStore.get copies the record when called: this is the record as the event went out.
    expect((storedAtCompletion as RunRecord | null)?.status).toBe('succeeded');
  });

  it('stores a failed run as failed, with the failed stage and the output of `finally`', async () => {
    const store = newStore();
    const workflow = defineWorkflow({ id: 'with-finally', stages: ['a', 'b'], finally: 'report' });
    const engine = new GenuineFakeEngine({
      a: () => {
        throw new FakeTimeout();
      },
      b: () => 'b',
      report: () => 'sorry',
    });
    const result = await new WorkflowOrchestrator({ engine: engine.asEngine(), workflow, store }).run({ input: 'q' });
    const record = await store.get(result.workflowId);
    expect(record).toMatchObject({ status: 'failed', result: { status: 'failed', path: 'main', output: 'sorry' } });
    expect(record?.stages.map((stage) => [stage.stage, stage.status])).toEqual([
      ['a', 'timed_out'],
      ['report', 'succeeded'],
    ]);
  });

  it('lists the user’s runs newest first, and no other user’s', async () => {
    const store = newStore();
    const engine = new GenuineFakeEngine(echoAgents(FIVE));
    const orchestrator = new WorkflowOrchestrator({ engine: engine.asEngine(), workflow: fiveStages(), store });
    const first = await orchestrator.run({ input: 'first' });
    const second = await orchestrator.run({ input: 'second' }, { signal: AbortSignal.abort() });
    const runs = await store.listRuns('user-1');
    expect(runs.map((run) => [run.workflowId, run.input, run.status])).toEqual([
      [second.workflowId, 'second', 'cancelled'],
      [first.workflowId, 'first', 'succeeded'],
    ]);
    expect(await store.listRuns('user-2')).toEqual([]);
  });

  it('without a store, records nothing and emits what it always did', async () => {
    const store = newStore();
    const plain = new GenuineFakeEngine(echoAgents(FIVE));
    const recorded = new GenuineFakeEngine(echoAgents(FIVE));
    const withoutStore = new WorkflowOrchestrator({ engine: plain.asEngine(), workflow: fiveStages() });
    expect(withoutStore.store).toBeUndefined();
    const result = await withoutStore.run({ input: 'q' });
    await new WorkflowOrchestrator({ engine: recorded.asEngine(), workflow: fiveStages(), store }).run({ input: 'q' });
    expect(result).toMatchObject({ status: 'succeeded', output: { from: 's5' } });
    expect(types(plain)).toEqual(types(recorded));
    expect(types(plain)[0]).toBe('workflow_started');
    expect(await store.get(result.workflowId)).toBeNull();
    expect((await store.listRuns('user-1')).map((run) => run.workflowId)).not.toContain(result.workflowId);
  });
});

describe('run() with a caller-chosen workflowId', () => {
  it('uses the given id for the result, every event and the record', async () => {
    const store = newStore();
    const engine = new GenuineFakeEngine(echoAgents(FIVE));
    const orchestrator = new WorkflowOrchestrator({ engine: engine.asEngine(), workflow: fiveStages(), store });
    const result = await orchestrator.run({ input: 'q' }, { workflowId: 'job-42' });
    expect(result.workflowId).toBe('job-42');
    const workflowEvents = engine.events.filter((event) => event.type.startsWith('workflow_'));
    expect(workflowEvents.map((event) => (event as { workflowId?: string }).workflowId)).toEqual(workflowEvents.map(() => 'job-42'));
    expect((await store.get('job-42'))?.status).toBe('succeeded');
  });

  it('refuses an id the store already holds before anything runs or is emitted', async () => {
    const store = newStore();
    const engine = new GenuineFakeEngine(echoAgents(FIVE));
    const orchestrator = new WorkflowOrchestrator({ engine: engine.asEngine(), workflow: fiveStages(), store });
    await orchestrator.run({ input: 'first' }, { workflowId: 'job-1' });
    const before = engine.events.length;
    await expect(orchestrator.run({ input: 'second' }, { workflowId: 'job-1' })).rejects.toSatisfy(RunRecordRejectedError.isInstance);
    expect(engine.events).toHaveLength(before);
    expect((await store.get('job-1'))?.input).toBe('first');
  });

  it.each([
    ['an empty string', ''],
    ['a number', 42],
    ['an id over 256 characters', 'x'.repeat(257)],
  ])('refuses %s as workflowId with InvalidConfigError', async (_name, workflowId) => {
    const engine = new GenuineFakeEngine(echoAgents(FIVE));
    const orchestrator = new WorkflowOrchestrator({ engine: engine.asEngine(), workflow: fiveStages() });
    await expect(orchestrator.run({ input: 'q' }, { workflowId } as never)).rejects.toThrow(
      'orchestrator.run: workflowId must be a non-empty string of at most 256 characters',
    );
    expect(engine.events).toEqual([]);
  });
});

describe('run() with a store: interruption and cancellation', () => {
  it('an abort with RunInterruptedError rejects with it, records interrupted with the cut-off stage, and emits no workflow_completed', async () => {
    const store = newStore();
    const engine = new GenuineFakeEngine(echoAgents(FIVE, { s3: hangs }));
    const controller = new AbortController();
    const running = new WorkflowOrchestrator({ engine: engine.asEngine(), workflow: fiveStages(), store }).run(
      { input: 'q' },
      { signal: controller.signal },
    );
    await engine.waitFor('agent_started', 's3');
    const interruption = new RunInterruptedError({ message: 'worker shutting down' });
    controller.abort(interruption);
    await expect(running).rejects.toBe(interruption);
    const [record] = await store.listRuns('user-1');
    expect(record?.status).toBe('interrupted');
    expect(record?.result).toBeUndefined();
    expect(record?.stages.map((stage) => [stage.stage, stage.status])).toEqual([
      ['s1', 'succeeded'],
      ['s2', 'succeeded'],
      ['s3', 'cancelled'],
    ]);
    expect(types(engine)).not.toContain('workflow_completed');
    expect(engine.calledAgents()).toEqual(['s1', 's2', 's3']);
  });

  it('an interruption before the first stage records the run interrupted with no stages', async () => {
    const store = newStore();
    const engine = new GenuineFakeEngine(echoAgents(FIVE));
    const interruption = new RunInterruptedError({ message: 'closing' });
    const running = new WorkflowOrchestrator({ engine: engine.asEngine(), workflow: fiveStages(), store }).run(
      { input: 'q' },
      { signal: AbortSignal.abort(interruption) },
    );
    await expect(running).rejects.toBe(interruption);
    const [record] = await store.listRuns('user-1');
    expect(record).toMatchObject({ status: 'interrupted', stages: [] });
    expect(engine.calls).toEqual([]);
    expect(types(engine)).toEqual(['workflow_started', 'workflow_planned']);
  });

  it('an interruption of a plan with branches saves every cut-off stage as cancelled', async () => {
    const store = newStore();
    const workflow = defineWorkflow({
      id: 'fan',
      stages: [{ agent: 'a' }, { agent: 'b', dependsOn: ['a'] }, { agent: 'c', dependsOn: ['a'] }],
    });
    const engine = new GenuineFakeEngine({ a: () => 'a', b: hangs, c: hangs });
    const controller = new AbortController();
    const running = new WorkflowOrchestrator({ engine: engine.asEngine(), workflow, store }).run(
      { input: 'q' },
      { signal: controller.signal },
    );
    await engine.waitFor('agent_started', 'c');
    controller.abort(new RunInterruptedError({ message: 'closing' }));
    await expect(running).rejects.toSatisfy(RunInterruptedError.isInstance);
    const [record] = await store.listRuns('user-1');
    expect(record?.status).toBe('interrupted');
    expect(record?.stages.map((stage) => `${stage.stage}:${stage.status}`).sort()).toEqual(['a:succeeded', 'b:cancelled', 'c:cancelled']);
  });

  it.each([
    ['no reason', undefined],
    ['another error', new Error('user pressed stop')],
  ])('an abort with %s is a cancellation: stored cancelled, workflow_completed emitted, not resumable', async (_name, reason) => {
    const store = newStore();
    const engine = new GenuineFakeEngine(echoAgents(FIVE, { s3: hangs }));
    const controller = new AbortController();
    const orchestrator = new WorkflowOrchestrator({ engine: engine.asEngine(), workflow: fiveStages(), store });
    const running = orchestrator.run({ input: 'q' }, { signal: controller.signal });
    await engine.waitFor('agent_started', 's3');
    controller.abort(reason);
    const result = await running;
    expect(result.status).toBe('cancelled');
    const record = await store.get(result.workflowId);
    expect(record).toMatchObject({ status: 'cancelled', result: { status: 'cancelled', path: 'main' } });
    expect(record?.stages.at(-1)).toMatchObject({ stage: 's3', status: 'cancelled' });
    expect(engine.events.at(-1)).toMatchObject({ type: 'workflow_completed', status: 'cancelled' });
    await expect(orchestrator.resume(result.workflowId)).rejects.toSatisfy(RunNotResumableError.isInstance);
  });

  it('without a store, an abort with RunInterruptedError is a plain cancellation', async () => {
    const engine = new GenuineFakeEngine(echoAgents(FIVE));
    const result = await new WorkflowOrchestrator({ engine: engine.asEngine(), workflow: fiveStages() }).run(
      { input: 'q' },
      { signal: AbortSignal.abort(new RunInterruptedError({ message: 'closing' })) },
    );
    expect(result.status).toBe('cancelled');
    expect(engine.events.at(-1)).toMatchObject({ type: 'workflow_completed', status: 'cancelled' });
  });
});

describe('run() with a store that refuses', () => {
  it('a refused saveStage fails the run: it rejects with the store’s error after workflow_completed (failed), and the record is failed', async () => {
    // Room for the input and the final result, not for a stage's result.
    const store = newStore({ maxStageOutputBytes: 120 });
    const engine = new GenuineFakeEngine(echoAgents(FIVE, { s1: () => 'x'.repeat(200) }));
    const running = new WorkflowOrchestrator({ engine: engine.asEngine(), workflow: fiveStages(), store }).run({ input: 'q' });
    await expect(running).rejects.toSatisfy(RunRecordRejectedError.isInstance);
    expect(engine.calledAgents()).toEqual(['s1']);
    expect(engine.events.at(-1)).toMatchObject({ type: 'workflow_completed', status: 'failed', path: 'main' });
    const [record] = await store.listRuns('user-1');
    expect(record).toMatchObject({ status: 'failed', stages: [], result: { status: 'failed', path: 'main' } });
  });

  it('a refused saveStage in a plan with branches aborts the stages still running', async () => {
    const inner = newStore();
    const workflow = defineWorkflow({
      id: 'fan',
      stages: [
        { agent: 'a', dependsOn: [] },
        { agent: 'b', dependsOn: [] },
      ],
    });
    const refusal = new RunRecordRejectedError({ message: 'full' });
    const view = storeView(inner, (method, args) => {
      if (method === 'saveStage' && (args[1] as { stage: string }).stage === 'a') throw refusal;
    });
    const engine = new GenuineFakeEngine({ a: () => 'a', b: hangs });
    const running = new WorkflowOrchestrator({ engine: engine.asEngine(), workflow, store: view }).run({ input: 'q' });
    await expect(running).rejects.toBe(refusal);
    expect(engine.calls.find((call) => call.request.agentName === 'b')?.signal?.aborted).toBe(true);
    const [record] = await inner.listRuns('user-1');
    expect(record?.status).toBe('failed');
    expect(record?.stages.map((stage) => `${stage.stage}:${stage.status}`)).toEqual(['b:cancelled']);
  });

  it('a refused complete fails the run with the store’s error, after workflow_completed (failed)', async () => {
    const inner = newStore();
    const refusal = new RunRecordRejectedError({ message: 'store down' });
    const view = storeView(inner, (method) => {
      if (method === 'complete') throw refusal;
    });
    const engine = new GenuineFakeEngine(echoAgents(FIVE));
    await expect(
      new WorkflowOrchestrator({ engine: engine.asEngine(), workflow: fiveStages(), store: view }).run({ input: 'q' }),
    ).rejects.toBe(refusal);
    expect(engine.events.at(-1)).toMatchObject({ type: 'workflow_completed', status: 'failed' });
  });

  it.each([
    ['an input that is not JSON', { input: { count: 1n } }, undefined],
    ['a store whose create throws', { input: 'q' }, new Error('connection refused')],
  ])('%s: the run rejects, nothing is emitted, run or recorded', async (_name, request, failure) => {
    const inner = newStore();
    const store: RunStore = storeView(inner, (method) => {
      if (method === 'create' && failure !== undefined) throw failure;
    });
    const engine = new GenuineFakeEngine(echoAgents(FIVE));
    const running = new WorkflowOrchestrator({ engine: engine.asEngine(), workflow: fiveStages(), store }).run(request);
    if (failure === undefined) await expect(running).rejects.toSatisfy(RunRecordRejectedError.isInstance);
    else await expect(running).rejects.toBe(failure);
    expect(engine.events).toEqual([]);
    expect(engine.calls).toEqual([]);
    expect(await inner.listRuns('user-1')).toEqual([]);
  });
});

describe('the store option', () => {
  it.each([
    ['null', null, 'WorkflowOrchestrator: store must be a RunStore (new InMemoryRunStore(), createRedisRunStore(...))'],
    ['a string', 'redis://localhost', 'WorkflowOrchestrator: store must be a RunStore (new InMemoryRunStore(), createRedisRunStore(...))'],
    ['an empty object', {}, 'WorkflowOrchestrator: store has no create() method: it is not a RunStore'],
  ])('refuses %s with InvalidConfigError', (_name, store, message) => {
    const engine = new GenuineFakeEngine({}).asEngine();
    let caught: unknown;
    try {
      new WorkflowOrchestrator({ engine, store } as never);
    } catch (error) {
      caught = error;
    }
    expect(InvalidConfigError.isInstance(caught)).toBe(true);
    expect((caught as Error).message).toBe(message);
  });

  it('accepts an explicit undefined as no store', () => {
    const orchestrator = new WorkflowOrchestrator({ engine: new GenuineFakeEngine({}).asEngine(), store: undefined });
    expect(orchestrator.store).toBeUndefined();
  });
});
