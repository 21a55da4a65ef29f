import { createUserExecutionContext, RunInterruptedError, type RunRecord, RunRecordRejectedError } from '@baton/engine-contract';
import { describe, expect, it } from 'vitest';
import { deferred } from './__fixtures__/fake-engine.js';
import { GenuineFakeEngine } from './__fixtures__/genuine-fake-engine.js';
import { crashedRun, echoAgents, FIVE, fiveStages, hangs, newStore, previousOf, stageResult, storeView } from './__fixtures__/run-store.js';
import { defineWorkflow } from './define-workflow.js';
import { WorkflowOrchestrator } from './workflow-orchestrator.js';

const TRIAGE_AGENTS = ['triage', 'data', 'data_helper', 'optimization', 'actions', 'reporting'] as const;
const inputOf = (engine: GenuineFakeEngine, agent: string): unknown =>
  engine.calls.find((call) => call.request.agentName === agent)?.request.input;
const stageNames = (stages: readonly { stage?: string | undefined }[] | undefined): Array<string | undefined> =>
  (stages ?? []).map((stage) => stage.stage);

describe('resume after a crash', () => {
  it('continues a run whose process died after stage 2: stages 1–2 are not called again and feed `previous`', async () => {
    const store = newStore();
    const workflowId = await crashedRun(store, {
      input: { question: 'why?' },
      stages: [stageResult('s1', 'succeeded', 'one'), stageResult('s2', 'succeeded', { two: 2 })],
    });
    const engine = new GenuineFakeEngine(echoAgents(FIVE, { s5: () => 'done' }));
    const orchestrator = new WorkflowOrchestrator({ engine: engine.asEngine(), workflow: fiveStages(), store });
    const result = await orchestrator.resume(workflowId);
    expect(engine.calledAgents()).toEqual(['s3', 's4', 's5']);
    expect(inputOf(engine, 's3')).toEqual({ request: { question: 'why?' }, previous: { s1: 'one', s2: { two: 2 } } });
    expect(previousOf(inputOf(engine, 's5'))).toEqual({ s1: 'one', s2: { two: 2 }, s3: { from: 's3' }, s4: { from: 's4' } });
    expect(engine.events[0]).toEqual({ type: 'workflow_resumed', executionId: workflowId, workflowId, completedStages: ['s1', 's2'] });
    expect(engine.events.filter((event) => event.type === 'workflow_started')).toEqual([]);
    expect(engine.events.at(-1)).toMatchObject({
      type: 'workflow_completed',
      workflowId,
      status: 'succeeded',
      succeededStages: 5,
      totalStages: 5,
    });
    expect(result).toMatchObject({ workflowId, workflowName: 'five', status: 'succeeded', path: 'main', output: 'done' });
    expect(stageNames(result.stages)).toEqual([...FIVE]);
    expect(result.stages[0]).toMatchObject({ executionId: 'old-s1', output: 'one' });
    const record = await store.get(workflowId);
    expect(record).toMatchObject({ status: 'succeeded', result: { status: 'succeeded', path: 'main', output: 'done' } });
    expect(stageNames(record?.stages)).toEqual([...FIVE]);
  });

  it('continues a run left hanging at stage 3 and abandoned, from another process’s view of the store', async () => {
    const database = newStore();
    const first = new GenuineFakeEngine(echoAgents(FIVE, { s3: hangs }));
    const processOne = storeView(database);
    // Abandoned: it never settles, as a run whose process died never does.
    void new WorkflowOrchestrator({ engine: first.asEngine(), workflow: fiveStages(), store: processOne }).run({ input: 'q' });
    await first.waitFor('agent_started', 's3');
    processOne.crash(); // the process dies: it writes nothing more, its run never settles
    const [hanging] = await database.listRuns('user-1');
    expect(hanging).toMatchObject({ status: 'running' });
    expect(stageNames(hanging?.stages)).toEqual(['s1', 's2']);

    const second = new GenuineFakeEngine(echoAgents(FIVE));
    const orchestrator = new WorkflowOrchestrator({ engine: second.asEngine(), workflow: fiveStages(), store: storeView(database) });
    const result = await orchestrator.resume(hanging?.workflowId as string);
    expect(second.calledAgents()).toEqual(['s3', 's4', 's5']);
    expect(second.events[0]).toMatchObject({ type: 'workflow_resumed', completedStages: ['s1', 's2'] });
    expect(stageNames(result.stages)).toEqual([...FIVE]);
    expect(result.status).toBe('succeeded');
    expect(first.calledAgents()).toEqual(['s1', 's2', 's3']);
  });

  it('resumes an interrupted run: the cut-off stage and the rest run, then the run completes', async () => {
    const store = newStore();
    const first = new GenuineFakeEngine(echoAgents(FIVE, { s3: hangs }));
    const controller = new AbortController();
    const running = new WorkflowOrchestrator({ engine: first.asEngine(), workflow: fiveStages(), store }).run(
      { input: 'q' },
      { signal: controller.signal },
    );
    await first.waitFor('agent_started', 's3');
    controller.abort(new RunInterruptedError({ message: 'deploying' }));
    await expect(running).rejects.toSatisfy(RunInterruptedError.isInstance);
    const [interrupted] = await store.listRuns('user-1');
    expect(interrupted?.status).toBe('interrupted');

    const second = new GenuineFakeEngine(echoAgents(FIVE));
    const result = await new WorkflowOrchestrator({ engine: second.asEngine(), workflow: fiveStages(), store }).resume(
      interrupted?.workflowId as string,
    );
    expect(second.calledAgents()).toEqual(['s3', 's4', 's5']);
    expect(second.events[0]).toMatchObject({ type: 'workflow_resumed', completedStages: ['s1', 's2'] });
    expect(result.status).toBe('succeeded');
    expect((await store.get(result.workflowId))?.stages.map((stage) => `${stage.stage}:${stage.status}`)).toEqual([
      's1:succeeded',
      's2:succeeded',
      's3:succeeded',
      's4:succeeded',
      's5:succeeded',
    ]);
  });

  it('a resumed run interrupted again is recorded interrupted again, and resumes once more', async () => {
    const store = newStore();
    const workflowId = await crashedRun(store, { stages: [stageResult('s1')] });
    const hanging = new GenuineFakeEngine(echoAgents(FIVE, { s4: hangs }));
    const controller = new AbortController();
    const resumed = new WorkflowOrchestrator({ engine: hanging.asEngine(), workflow: fiveStages(), store }).resume(workflowId, {
      signal: controller.signal,
    });
    await hanging.waitFor('agent_started', 's4');
    controller.abort(new RunInterruptedError({ message: 'again' }));
    await expect(resumed).rejects.toSatisfy(RunInterruptedError.isInstance);
    expect((await store.get(workflowId))?.status).toBe('interrupted');
    const last = new GenuineFakeEngine(echoAgents(FIVE));
    await new WorkflowOrchestrator({ engine: last.asEngine(), workflow: fiveStages(), store }).resume(workflowId);
    expect(last.calledAgents()).toEqual(['s4', 's5']);
    expect(last.events[0]).toMatchObject({ completedStages: ['s1', 's2', 's3'] });
  });

  it('uses the stored input and the orchestrator’s clock for durationMs', async () => {
    const store = newStore();
    const workflowId = await crashedRun(store, { input: { nested: [1, 'two'] }, stages: [stageResult('s1')] });
    const engine = new GenuineFakeEngine(echoAgents(FIVE));
    let at = 100;
    const result = await new WorkflowOrchestrator({
      engine: engine.asEngine(),
      workflow: fiveStages(),
      store,
      now: () => (at += 3),
    }).resume(workflowId);
    expect((inputOf(engine, 's2') as { request: unknown }).request).toEqual({ nested: [1, 'two'] });
    expect(result.durationMs).toBe(3);
  });

  it('completes a run whose every stage had finished: nothing is called', async () => {
    const store = newStore();
    const workflowId = await crashedRun(store, { stages: FIVE.map((name) => stageResult(name)) });
    const engine = new GenuineFakeEngine(echoAgents(FIVE));
    const result = await new WorkflowOrchestrator({ engine: engine.asEngine(), workflow: fiveStages(), store }).resume(workflowId);
    expect(engine.calls).toEqual([]);
    expect(result).toMatchObject({ status: 'succeeded', output: { from: 's5' } });
    expect(engine.events.map((event) => event.type)).toEqual(['workflow_resumed', 'workflow_planned', 'workflow_completed']);
    expect((await store.get(workflowId))?.status).toBe('succeeded');
  });
});

describe('resume: which stored stages are reused', () => {
  it('a triage-form run keeps its path: triage is not called again and is listed in completedStages', async () => {
    const store = newStore();
    const workflowId = await crashedRun(store, {
      workflowName: 'triage-workflow',
      stages: [stageResult('triage', 'succeeded', { dataSufficiency: 'sufficient' }), stageResult('data')],
    });
    // Asked again, this triage would choose another path: it must not be asked.
    const engine = new GenuineFakeEngine(echoAgents(TRIAGE_AGENTS, { triage: () => ({ dataSufficiency: 'insufficient' }) }));
    const result = await new WorkflowOrchestrator({ engine: engine.asEngine(), store }).resume(workflowId);
    expect(engine.calledAgents()).toEqual(['optimization', 'actions', 'reporting']);
    expect(engine.events[0]).toMatchObject({ type: 'workflow_resumed', completedStages: ['triage', 'data'] });
    expect(engine.events[1]).toMatchObject({ type: 'workflow_planned', path: 'sufficient' });
    expect(result).toMatchObject({ status: 'succeeded', path: 'sufficient' });
    expect(stageNames(result.stages)).toEqual(['triage', 'data', 'optimization', 'actions', 'reporting']);
    expect(previousOf(inputOf(engine, 'optimization'))).toEqual({ triage: { dataSufficiency: 'sufficient' }, data: { from: 'data' } });
  });

  it('a triage-form run that died during triage runs triage again', async () => {
    const store = newStore();
    const workflowId = await crashedRun(store, { workflowName: 'triage-workflow' });
    const engine = new GenuineFakeEngine(echoAgents(TRIAGE_AGENTS, { triage: () => ({ dataSufficiency: 'insufficient' }) }));
    const result = await new WorkflowOrchestrator({ engine: engine.asEngine(), store }).resume(workflowId);
    expect(engine.calledAgents()).toEqual(['triage', 'data_helper', 'reporting']);
    expect(engine.events[0]).toMatchObject({ type: 'workflow_resumed', completedStages: [] });
    expect(result.path).toBe('insufficient');
  });

  it.each(['failed', 'timed_out'] as const)(
    'a stored %s stage is reused, not run again: the run halts and `finally` gets failedStages',
    async (status) => {
      const store = newStore();
      const workflow = defineWorkflow({ id: 'reported', stages: ['a', 'b', 'c'], finally: 'report' });
      const workflowId = await crashedRun(store, { workflowName: 'reported', stages: [stageResult('a'), stageResult('b', status)] });
      const engine = new GenuineFakeEngine(echoAgents(['a', 'b', 'c', 'report']));
      const result = await new WorkflowOrchestrator({ engine: engine.asEngine(), workflow, store }).resume(workflowId);
      expect(engine.calledAgents()).toEqual(['report']);
      expect(inputOf(engine, 'report')).toEqual({ request: { question: 'q' }, previous: { a: { from: 'a' } }, failedStages: ['b'] });
      expect(engine.events[0]).toMatchObject({ completedStages: ['a'] });
      expect(result.status).toBe('failed');
      expect(result.stages.map((stage) => `${stage.stage}:${stage.status}`)).toEqual(['a:succeeded', `b:${status}`, 'report:succeeded']);
      expect((await store.get(workflowId))?.status).toBe('failed');
    },
  );

  it('a stored cancelled stage runs again, and its new result replaces the old one', async () => {
    const store = newStore();
    const workflowId = await crashedRun(store, { stages: [stageResult('s1'), stageResult('s2', 'cancelled')] });
    const engine = new GenuineFakeEngine(echoAgents(FIVE));
    const result = await new WorkflowOrchestrator({ engine: engine.asEngine(), workflow: fiveStages(), store }).resume(workflowId);
    expect(engine.calledAgents()).toEqual(['s2', 's3', 's4', 's5']);
    expect(engine.events[0]).toMatchObject({ completedStages: ['s1'] });
    expect(result.stages[1]).toMatchObject({ stage: 's2', status: 'succeeded' });
    const record = await store.get(workflowId);
    expect(record?.stages.filter((stage) => stage.stage === 's2').map((stage) => stage.status)).toEqual(['succeeded']);
  });

  it('in a plan with branches, only the stages without a finished result run', async () => {
    const store = newStore();
    const workflow = defineWorkflow({
      id: 'fan',
      stages: [{ agent: 'a' }, { agent: 'b', dependsOn: ['a'] }, { agent: 'c', dependsOn: ['a'] }, { agent: 'd', dependsOn: ['b', 'c'] }],
    });
    const workflowId = await crashedRun(store, { workflowName: 'fan', stages: [stageResult('c'), stageResult('a')] });
    const engine = new GenuineFakeEngine(echoAgents(['a', 'b', 'c', 'd']));
    const result = await new WorkflowOrchestrator({ engine: engine.asEngine(), workflow, store }).resume(workflowId);
    expect(engine.calledAgents()).toEqual(['b', 'd']);
    expect(engine.events[0]).toMatchObject({ completedStages: ['a', 'c'] });
    expect(previousOf(inputOf(engine, 'd'))).toEqual({ a: { from: 'a' }, b: { from: 'b' }, c: { from: 'c' } });
    expect(stageNames(result.stages)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('a resumed run whose signal is aborted (not an interruption) is cancelled and stored so', async () => {
    const store = newStore();
    const workflowId = await crashedRun(store, { stages: [stageResult('s1')] });
    const engine = new GenuineFakeEngine(echoAgents(FIVE));
    const result = await new WorkflowOrchestrator({ engine: engine.asEngine(), workflow: fiveStages(), store }).resume(workflowId, {
      signal: AbortSignal.abort(),
    });
    expect(result.status).toBe('cancelled');
    expect(engine.calls).toEqual([]);
    expect((await store.get(workflowId))?.status).toBe('cancelled');
  });

  it('a resumed run fails with the store’s error when a save is refused', async () => {
    const store = newStore({ maxStageOutputBytes: 150 });
    const workflowId = await crashedRun(store, { input: 'q', stages: [stageResult('s1', 'succeeded', 1)] });
    const engine = new GenuineFakeEngine(echoAgents(FIVE, { s2: () => 'x'.repeat(300) }));
    await expect(
      new WorkflowOrchestrator({ engine: engine.asEngine(), workflow: fiveStages(), store }).resume(workflowId),
    ).rejects.toSatisfy(RunRecordRejectedError.isInstance);
    expect(engine.events.at(-1)).toMatchObject({ type: 'workflow_completed', status: 'failed' });
    expect((await store.get(workflowId))?.status).toBe('failed');
  });

  it('a run resumed after a crash while suspended is marked running again', async () => {
    const store = newStore();
    const workflowId = await crashedRun(store, { stages: [stageResult('s1')] });
    await store.suspend(workflowId, { stage: 's2', prompt: 'Approve?', suspendedAt: 5 });
    let seen: RunRecord | null = null;
    const engine = new GenuineFakeEngine(
      echoAgents(FIVE, {
        s2: async () => {
          seen = await store.get(workflowId);
          return 'two';
        },
      }),
    );
    await new WorkflowOrchestrator({ engine: engine.asEngine(), workflow: fiveStages(), store }).resume(workflowId, {
      decision: { approved: true },
    });
    expect((seen as RunRecord | null)?.status).toBe('running');
    expect((seen as RunRecord | null)?.suspension).toBeUndefined();
  });

  it('a resumed run on an engine of the same user with other thread and run ids emits through that engine', async () => {
    const store = newStore();
    const workflowId = await crashedRun(store, { stages: [stageResult('s1')] });
    const context = createUserExecutionContext({ userId: 'user-1', threadId: 'thread-9', runId: 'run-9' });
    const engine = new GenuineFakeEngine(echoAgents(FIVE), context);
    const result = await new WorkflowOrchestrator({ engine: engine.asEngine(), workflow: fiveStages(), store }).resume(workflowId);
    expect(result.status).toBe('succeeded');
    expect(engine.calledAgents()).toEqual(['s2', 's3', 's4', 's5']);
  });

  it('a run and a resume of another id on the same store proceed side by side', async () => {
    const store = newStore();
    const workflowId = await crashedRun(store, { stages: [stageResult('s1')] });
    const gate = deferred<string>();
    const engine = new GenuineFakeEngine(echoAgents(FIVE, { s1: () => gate.promise }));
    const orchestrator = new WorkflowOrchestrator({ engine: engine.asEngine(), workflow: fiveStages(), store });
    const fresh = orchestrator.run({ input: 'q' });
    await engine.waitFor('agent_started', 's1');
    const resumed = await orchestrator.resume(workflowId);
    expect(resumed.status).toBe('succeeded');
    gate.resolve('one');
    expect((await fresh).status).toBe('succeeded');
  });
});
