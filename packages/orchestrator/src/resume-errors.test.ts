import {
  createUserExecutionContext,
  InvalidConfigError,
  RunInterruptedError,
  RunNotFoundError,
  RunNotResumableError,
  RunRecordRejectedError,
  UserIsolationError,
} from '@baton/engine-contract';
import { describe, expect, it } from 'vitest';
import { deferred } from './__fixtures__/fake-engine.js';
import { GenuineFakeEngine } from './__fixtures__/genuine-fake-engine.js';
import { crashedRun, echoAgents, FIVE, fiveStages, newStore, stageResult, storeView } from './__fixtures__/run-store.js';
import { WorkflowOrchestrator } from './workflow-orchestrator.js';

const otherUser = () => createUserExecutionContext({ userId: 'user-2', threadId: 'thread-2', runId: 'run-2' });

/** What `promise` rejected with; fails the test when it resolves. */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('resume resolved');
    },
    (error: unknown) => error as Error,
  );
}

/** A finished run of user-1 (`succeeded`), and an orchestrator for `engine`'s user on the same store. */
async function setUp(options: { user?: 'user-1' | 'user-2'; status?: 'running' | 'finished'; workflow?: string } = {}) {
  const store = newStore();
  const workflowId = await crashedRun(store, { stages: [stageResult('s1')] });
  if (options.status === 'finished') await store.complete(workflowId, { status: 'succeeded', path: 'main', durationMs: 1 });
  const engine = new GenuineFakeEngine(echoAgents(FIVE), options.user === 'user-2' ? otherUser() : undefined);
  const orchestrator = new WorkflowOrchestrator({ engine: engine.asEngine(), workflow: fiveStages(options.workflow), store });
  return { store, workflowId, engine, orchestrator };
}

describe('resume refuses, before anything runs or is emitted', () => {
  it('an unknown id with RunNotFoundError, also on another user’s engine', async () => {
    for (const user of ['user-1', 'user-2'] as const) {
      const { orchestrator, engine } = await setUp({ user });
      const error = await rejection(orchestrator.resume('wf-never-recorded'));
      expect(RunNotFoundError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ code: 'RUN_NOT_FOUND' });
      expect(error.message).toContain('wf-never-recorded');
      expect(engine.events).toEqual([]);
    }
  });

  it.each([
    ['a running one', 'running'],
    ['a finished one', 'finished'],
  ] as const)('another user’s run (%s) with UserIsolationError on userId, without echoing its owner', async (_name, status) => {
    const { orchestrator, engine, store, workflowId } = await setUp({ user: 'user-2', status });
    const before = await store.get(workflowId);
    const error = await rejection(orchestrator.resume(workflowId));
    expect(UserIsolationError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'USER_ISOLATION_VIOLATION', field: 'userId' });
    expect(error.message).not.toContain('user-1');
    expect(engine.events).toEqual([]);
    expect(engine.calls).toEqual([]);
    expect(await store.get(workflowId)).toEqual(before);
  });

  it('another user’s run of another workflow with UserIsolationError', async () => {
    const { orchestrator, workflowId } = await setUp({ user: 'user-2', workflow: 'other' });
    expect(UserIsolationError.isInstance(await rejection(orchestrator.resume(workflowId)))).toBe(true);
  });

  it.each(['succeeded', 'failed', 'cancelled'] as const)('a %s run with RunNotResumableError', async (status) => {
    const { orchestrator, engine, store, workflowId } = await setUp();
    await store.complete(workflowId, { status, path: 'main', durationMs: 1 });
    const error = await rejection(orchestrator.resume(workflowId));
    expect(RunNotResumableError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'RUN_NOT_RESUMABLE' });
    expect(error.message).toBe(`Run ${workflowId} has finished (${status}): there is nothing left to resume`);
    expect(engine.events).toEqual([]);
    expect((await store.get(workflowId))?.status).toBe(status);
  });

  it('a finished run of another workflow as finished (that check comes first)', async () => {
    const { orchestrator, workflowId } = await setUp({ status: 'finished', workflow: 'other' });
    expect((await rejection(orchestrator.resume(workflowId))).message).toContain('has finished');
  });

  it('a run of another workflow with RunNotResumableError naming both', async () => {
    const { orchestrator, engine, workflowId } = await setUp({ workflow: 'other' });
    const error = await rejection(orchestrator.resume(workflowId));
    expect(RunNotResumableError.isInstance(error)).toBe(true);
    expect(error.message).toBe(`Run ${workflowId} is a run of workflow "five"; this orchestrator runs "other"`);
    expect(engine.events).toEqual([]);
  });

  it('a decision for a run that is not suspended with RunNotResumableError, leaving the record as it was', async () => {
    const { orchestrator, engine, store, workflowId } = await setUp();
    await store.markInterrupted(workflowId);
    const error = await rejection(orchestrator.resume(workflowId, { decision: { approved: true } }));
    expect(RunNotResumableError.isInstance(error)).toBe(true);
    expect(error.message).toBe(`Run ${workflowId} is interrupted, not suspended: there is no decision to take`);
    expect(engine.events).toEqual([]);
    expect((await store.get(workflowId))?.status).toBe('interrupted');
    // The same run without a decision resumes.
    await expect(orchestrator.resume(workflowId)).resolves.toMatchObject({ status: 'succeeded' });
  });

  it('without a store, with InvalidConfigError', async () => {
    const engine = new GenuineFakeEngine(echoAgents(FIVE));
    const error = await rejection(new WorkflowOrchestrator({ engine: engine.asEngine(), workflow: fiveStages() }).resume('wf-1'));
    expect(InvalidConfigError.isInstance(error)).toBe(true);
    expect(error.message).toBe('orchestrator.resume needs a store: new WorkflowOrchestrator({ engine, workflow, store })');
  });

  it.each([
    ['an empty workflowId', [''], "orchestrator.resume expects the run's workflowId (a non-empty string)"],
    ['a numeric workflowId', [42], "orchestrator.resume expects the run's workflowId (a non-empty string)"],
    ['no workflowId', [], "orchestrator.resume expects the run's workflowId (a non-empty string)"],
    ['null options', ['wf-crashed', null], 'orchestrator.resume expects options { decision?, signal? }'],
    ['string options', ['wf-crashed', 'now'], 'orchestrator.resume expects options { decision?, signal? }'],
    [
      'a signal that is not an AbortSignal',
      ['wf-crashed', { signal: { aborted: false } }],
      'orchestrator.resume: signal must be an AbortSignal',
    ],
  ])('bad arguments (%s) with InvalidConfigError, without reading the store', async (_name, args, message) => {
    const inner = newStore();
    await crashedRun(inner);
    const view = storeView(inner);
    const engine = new GenuineFakeEngine(echoAgents(FIVE));
    const orchestrator = new WorkflowOrchestrator({ engine: engine.asEngine(), workflow: fiveStages(), store: view });
    const resume = orchestrator.resume as (...values: unknown[]) => Promise<unknown>;
    const error = await rejection(resume.apply(orchestrator, args));
    expect(InvalidConfigError.isInstance(error)).toBe(true);
    expect(error.message).toBe(message);
    expect(view.calls).toEqual([]);
    expect(engine.events).toEqual([]);
  });
});

describe('resume refuses a run already running in this process', () => {
  it('while run() executes it, also from another orchestrator on the same store', async () => {
    const store = newStore();
    const gate = deferred<string>();
    const engine = new GenuineFakeEngine(echoAgents(FIVE, { s2: () => gate.promise }));
    const orchestrator = new WorkflowOrchestrator({ engine: engine.asEngine(), workflow: fiveStages(), store });
    const running = orchestrator.run({ input: 'q' });
    await engine.waitFor('agent_started', 's2');
    const [record] = await store.listRuns('user-1');
    const workflowId = record?.workflowId as string;
    const other = new WorkflowOrchestrator({ engine: new GenuineFakeEngine(echoAgents(FIVE)).asEngine(), workflow: fiveStages(), store });
    for (const resumer of [orchestrator, other]) {
      const error = await rejection(resumer.resume(workflowId));
      expect(RunNotResumableError.isInstance(error)).toBe(true);
      expect(error.message).toBe(`Run ${workflowId} is already running in this process`);
    }
    // Another user is told it is not theirs, not that it runs.
    const intruder = new WorkflowOrchestrator({ engine: new GenuineFakeEngine({}, otherUser()).asEngine(), workflow: fiveStages(), store });
    expect(UserIsolationError.isInstance(await rejection(intruder.resume(workflowId)))).toBe(true);
    gate.resolve('two');
    expect((await running).status).toBe('succeeded');
    expect(engine.calledAgents()).toEqual([...FIVE]);
  });

  it('while another resume executes it; once that one is interrupted, it may be resumed again', async () => {
    const store = newStore();
    const workflowId = await crashedRun(store, { stages: [stageResult('s1')] });
    const engine = new GenuineFakeEngine(echoAgents(FIVE, { s2: () => deferred().promise }));
    const orchestrator = new WorkflowOrchestrator({ engine: engine.asEngine(), workflow: fiveStages(), store });
    const controller = new AbortController();
    const first = orchestrator.resume(workflowId, { signal: controller.signal });
    const second = rejection(orchestrator.resume(workflowId));
    expect((await second).message).toBe(`Run ${workflowId} is already running in this process`);
    await engine.waitFor('agent_started', 's2');
    controller.abort(new RunInterruptedError({ message: 'stop' }));
    await rejection(first);
    const after = new GenuineFakeEngine(echoAgents(FIVE));
    await expect(
      new WorkflowOrchestrator({ engine: after.asEngine(), workflow: fiveStages(), store }).resume(workflowId),
    ).resolves.toMatchObject({ status: 'succeeded' });
    expect(engine.calledAgents()).toEqual(['s2']);
  });

  it('from the moment its record can be listed, before run() has started any stage', async () => {
    const inner = newStore();
    let orchestrator: WorkflowOrchestrator | undefined;
    let outcome: unknown;
    // The record is written, and before `create` returns to the run, this process tries to resume it
    // (a UI listing runs, say). The run's own write then meets the record and is refused: the run
    // ends there, which keeps the test to the one question.
    const view = storeView(inner, async (method, args) => {
      if (method !== 'create') return;
      await inner.create(args[0] as never);
      const workflowId = (args[0] as { workflowId: string }).workflowId;
      outcome = await (orchestrator as WorkflowOrchestrator).resume(workflowId).then(
        () => 'resumed',
        (error: unknown) => error,
      );
    });
    const engine = new GenuineFakeEngine(echoAgents(FIVE));
    orchestrator = new WorkflowOrchestrator({ engine: engine.asEngine(), workflow: fiveStages(), store: view });
    expect(RunRecordRejectedError.isInstance(await rejection(orchestrator.run({ input: 'q' })))).toBe(true);
    expect(RunNotResumableError.isInstance(outcome)).toBe(true);
    expect(engine.calls).toEqual([]);
  });
});
