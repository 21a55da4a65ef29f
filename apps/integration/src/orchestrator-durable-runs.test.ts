import { InMemoryRunStore, RunInterruptedError, type RunStore, type UserExecutionEngine, UserIsolationError } from '@baton/engine-contract';
import { defineWorkflow, WorkflowOrchestrator } from '@baton/orchestrator';
import { createGate, createTestFactory, type EventRecorder, recordEvents, type TestFactory } from '@baton/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type AgentCall, recordingAgents } from './orchestrator-fixtures.js';

const STAGES = ['s1', 's2', 's3', 's4', 's5'] as const;
const workflow = defineWorkflow({ id: 'five', stages: [...STAGES] });

let factory: TestFactory | undefined;
afterEach(async () => {
  await factory?.shutdown();
  factory = undefined;
});

/** A store on an injected clock (no wall-clock time in the records). */
function newStore(): InMemoryRunStore {
  let clock = 0;
  return new InMemoryRunStore({ now: () => (clock += 1) });
}

/**
 * One process's client of a shared store: its own object (so that what one process runs is not
 * "running in this process" for the next), and `crash()` makes it write nothing more, as a dead
 * process would not.
 */
function processView(shared: RunStore): RunStore & { crash(): void } {
  let crashed = false;
  const view = {
    crash: () => {
      crashed = true;
    },
  } as RunStore & { crash(): void };
  for (const method of ['create', 'saveStage', 'suspend', 'markRunning', 'complete', 'markInterrupted', 'get', 'listRuns'] as const) {
    (view as unknown as Record<string, unknown>)[method] = (...args: unknown[]) =>
      crashed ? new Promise(() => {}) : (shared[method] as (...values: unknown[]) => Promise<unknown>).apply(shared, args);
  }
  return view;
}

/**
 * A test factory whose s3 waits at a gate that never opens the first time (the process that goes
 * away: it runs until aborted), and runs normally after. `s3Started.reached()` says it is waiting.
 */
function setUp() {
  const calls: AgentCall[] = [];
  const s3Started = createGate();
  let first = true;
  factory = createTestFactory(
    recordingAgents(calls, STAGES, {
      s3: async (_input, ctx) => {
        if (!first) return { from: 's3' };
        first = false;
        return s3Started.wait(ctx.signal);
      },
    }),
  );
  return { factory, calls, s3Started };
}

async function engineFor(user: string): Promise<{ engine: UserExecutionEngine; events: EventRecorder['events']; recorder: EventRecorder }> {
  const engine = await (factory as TestFactory).createTestEngine({ userId: user });
  const recorder = recordEvents(engine);
  return { engine, events: recorder.events, recorder };
}

/** The resumed run on a second engine of the same user: what every scenario below checks. */
async function expectResumedOnSecondEngine(store: RunStore, workflowId: string, calls: AgentCall[]): Promise<void> {
  const before = calls.length;
  const { engine, events, recorder } = await engineFor('user-alpha');
  const result = await new WorkflowOrchestrator({ engine, workflow, store }).resume(workflowId);
  expect(calls.slice(before).map((call) => call.agent)).toEqual(['s3', 's4', 's5']);
  expect(calls.slice(before).every((call) => call.userId === 'user-alpha')).toBe(true);
  expect(calls[before]?.input.previous).toEqual({ s1: { from: 's1' }, s2: { from: 's2' } });
  expect(result).toMatchObject({ workflowId, workflowName: 'five', status: 'succeeded', path: 'main', output: { from: 's5' } });
  expect(result.stages.map((stage) => `${stage.stage}:${stage.status}`)).toEqual(STAGES.map((name) => `${name}:succeeded`));
  expect(events[0]).toMatchObject({ type: 'workflow_resumed', executionId: workflowId, workflowId, completedStages: ['s1', 's2'] });
  expect(events.filter((event) => event.type === 'workflow_started')).toEqual([]);
  expect(events.at(-1)).toMatchObject({ type: 'workflow_completed', workflowId, status: 'succeeded', succeededStages: 5 });
  // Valid events of this engine only, its user's, thread's and run's ids on every one, seq gapless,
  // every call and the resumed run closed.
  recorder.assertGuarantees();
  expect(await store.get(workflowId)).toMatchObject({ status: 'succeeded', result: { status: 'succeeded', output: { from: 's5' } } });
}

describe('durable runs on engines from the factory', () => {
  it('an interrupted run resumes on a second engine of the same user after the first is disposed', async () => {
    const { calls, s3Started } = setUp();
    const store = newStore();
    const first = await engineFor('user-alpha');
    const controller = new AbortController();
    const running = new WorkflowOrchestrator({ engine: first.engine, workflow, store }).run({ input: 'q' }, { signal: controller.signal });
    await s3Started.reached();
    controller.abort(new RunInterruptedError({ message: 'the server restarts' }));
    await expect(running).rejects.toSatisfy(RunInterruptedError.isInstance);
    expect(first.events.map((event) => event.type)).not.toContain('workflow_completed');
    await first.engine.dispose();

    const [record] = await store.listRuns('user-alpha');
    expect(record).toMatchObject({ status: 'interrupted', workflowName: 'five', userId: 'user-alpha', input: 'q' });
    expect(record?.stages.map((stage) => `${stage.stage}:${stage.status}`)).toEqual(['s1:succeeded', 's2:succeeded', 's3:cancelled']);
    await expectResumedOnSecondEngine(store, record?.workflowId as string, calls);
  });

  it('a run whose process died resumes from the shared store in the next process', async () => {
    const { calls, s3Started } = setUp();
    const shared = newStore();
    const processOne = processView(shared);
    const first = await engineFor('user-alpha');
    // Never settles: its process is gone before it could record anything more.
    void new WorkflowOrchestrator({ engine: first.engine, workflow, store: processOne }).run({ input: 'q' });
    await s3Started.reached();
    processOne.crash();
    await first.engine.dispose();

    const [record] = await shared.listRuns('user-alpha');
    expect(record).toMatchObject({ status: 'running' });
    expect(record?.stages.map((stage) => stage.stage)).toEqual(['s1', 's2']);
    await expectResumedOnSecondEngine(processView(shared), record?.workflowId as string, calls);
  });

  it('another user’s engine from the same factory may neither resume nor list the run', async () => {
    const { calls, s3Started } = setUp();
    const store = newStore();
    const owner = await engineFor('user-alpha');
    const controller = new AbortController();
    const running = new WorkflowOrchestrator({ engine: owner.engine, workflow, store }).run({ input: 'q' }, { signal: controller.signal });
    await s3Started.reached();
    controller.abort(new RunInterruptedError({ message: 'shutdown' }));
    await expect(running).rejects.toSatisfy(RunInterruptedError.isInstance);
    const [record] = await store.listRuns('user-alpha');

    const intruder = await engineFor('user-beta');
    const refused = new WorkflowOrchestrator({ engine: intruder.engine, workflow, store }).resume(record?.workflowId as string);
    await expect(refused).rejects.toSatisfy(UserIsolationError.isInstance);
    expect(intruder.events).toEqual([]);
    expect(await store.listRuns('user-beta')).toEqual([]);
    expect(calls.map((call) => call.agent)).toEqual(['s1', 's2', 's3']);
    expect((await store.get(record?.workflowId as string))?.status).toBe('interrupted');
  });
});
