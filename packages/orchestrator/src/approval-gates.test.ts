import {
  createUserExecutionContext,
  InMemoryRunStore,
  InvalidConfigError,
  RunNotResumableError,
  type RunStore,
  UserIsolationError,
} from '@baton/engine-contract';
import { describe, expect, it } from 'vitest';
import { deferred } from './__fixtures__/fake-engine.js';
import { GenuineFakeEngine } from './__fixtures__/genuine-fake-engine.js';
import { echoAgents, storeView } from './__fixtures__/run-store.js';
import { defineWorkflow } from './define-workflow.js';
import type { StageInput } from './stage-input.js';
import type { WorkflowDefinition } from './workflow-definition.js';
import { WorkflowOrchestrator } from './workflow-orchestrator.js';

const STAGES = ['plan', 'actions', 'report'] as const;
const types = (engine: GenuineFakeEngine): string[] => engine.events.map((event) => event.type);
const called = (engine: GenuineFakeEngine): string[] => engine.calls.map((call) => call.request.agentName);

/** plan → actions (gated) → report, with `finally: 'wrapup'`. */
function gated(approval: { prompt: string | ((input: StageInput) => string); timeoutMs?: number } = { prompt: 'Apply the plan?' }) {
  return defineWorkflow({
    id: 'gated',
    stages: ['plan', { agent: 'actions', approval: approval as never }, 'report'],
    finally: 'wrapup',
  });
}

/** A clock the test moves by hand (epoch ms). */
function manualClock(start = 10_000): { now: () => number; time: number } {
  const clock = { time: start, now: () => clock.time };
  return clock;
}

interface Setup {
  engine: GenuineFakeEngine;
  store: RunStore;
  clock: { time: number; now: () => number };
  orchestrator: WorkflowOrchestrator;
}

function setup(workflow: WorkflowDefinition = gated(), store: RunStore = new InMemoryRunStore()): Setup {
  const engine = new GenuineFakeEngine(echoAgents([...STAGES, 'wrapup', 'side']));
  const clock = manualClock();
  return { engine, store, clock, orchestrator: new WorkflowOrchestrator({ engine: engine.asEngine(), workflow, store, now: clock.now }) };
}

/**
 * A new orchestrator on a fresh engine for the same records and clock: another process, or a later
 * request. Each gets its own store object over the same records, as two processes have two clients.
 */
function later(base: Setup, workflow: WorkflowDefinition = gated()): { engine: GenuineFakeEngine; orchestrator: WorkflowOrchestrator } {
  const engine = new GenuineFakeEngine(echoAgents([...STAGES, 'wrapup', 'side']));
  const store = storeView(base.store);
  return { engine, orchestrator: new WorkflowOrchestrator({ engine: engine.asEngine(), workflow, store, now: base.clock.now }) };
}

describe('approval gates: suspension', () => {
  it('stops before the gated stage: workflow_suspended last, the suspension stored, status suspended, no finally', async () => {
    const { engine, store, orchestrator } = setup(gated({ prompt: 'Apply the plan?', timeoutMs: 60_000 }));
    const result = await orchestrator.run({ input: 'cut costs' });
    expect(result).toMatchObject({ status: 'suspended', suspendedAt: 'actions', path: 'main', output: undefined });
    expect(result.stages.map((stage) => stage.agentName)).toEqual(['plan']);
    expect(called(engine)).toEqual(['plan']);
    expect(types(engine)).toEqual(['workflow_started', 'workflow_planned', 'agent_started', 'agent_completed', 'workflow_suspended']);
    expect(engine.events.at(-1)).toEqual({
      type: 'workflow_suspended',
      executionId: result.workflowId,
      workflowId: result.workflowId,
      stage: 'actions',
      prompt: 'Apply the plan?',
    });
    expect(await store.get(result.workflowId)).toMatchObject({
      status: 'suspended',
      suspension: { stage: 'actions', prompt: 'Apply the plan?', suspendedAt: 10_000, expiresAt: 70_000 },
      stages: [{ agentName: 'plan', status: 'succeeded' }],
    });
  });

  it('asks the prompt function with the stage input (request and previous)', async () => {
    const seen: StageInput[] = [];
    const workflow = gated({
      prompt: (input) => {
        seen.push(input);
        return `Apply ${JSON.stringify(input.previous.plan)} for ${String(input.request)}?`;
      },
    });
    const { engine, orchestrator } = setup(workflow);
    await orchestrator.run({ input: 'cut costs' });
    expect(seen).toEqual([{ request: 'cut costs', previous: { plan: { from: 'plan' } } }]);
    expect(engine.events.at(-1)).toMatchObject({ prompt: 'Apply {"from":"plan"} for cut costs?' });
  });

  it('stores no expiry without timeoutMs', async () => {
    const { store, orchestrator } = setup();
    const { workflowId } = await orchestrator.run({ input: 'q' });
    expect((await store.get(workflowId))?.suspension).toEqual({ stage: 'actions', prompt: 'Apply the plan?', suspendedAt: 10_000 });
  });

  it('lets running branches finish and starts nothing new once a gate is reached', async () => {
    const slow = deferred();
    const engine = new GenuineFakeEngine(echoAgents(['plan', 'actions', 'side', 'report'], { side: () => slow.promise }));
    const workflow = defineWorkflow({
      id: 'branches',
      stages: [
        { agent: 'side', dependsOn: [] },
        { agent: 'actions', dependsOn: [], approval: { prompt: 'Go?' } },
        { agent: 'report', dependsOn: ['side'] },
      ],
    });
    const store = new InMemoryRunStore();
    const running = new WorkflowOrchestrator({ engine: engine.asEngine(), workflow, store }).run({ input: 'q' });
    await engine.waitFor('agent_started', 'side');
    slow.resolve('side done');
    const result = await running;
    expect(result.status).toBe('suspended');
    // `side` finished after the gate was reached: its result is kept, its dependent `report` did not start.
    expect(called(engine)).toEqual(['side']);
    expect((await store.get(result.workflowId))?.stages.map((stage) => stage.agentName)).toEqual(['side']);
  });

  it('does not suspend a run whose path already failed: finally runs and the run fails', async () => {
    const engine = new GenuineFakeEngine(
      echoAgents(['side', 'actions', 'wrapup'], {
        side: () => {
          throw new Error('broken');
        },
      }),
    );
    const workflow = defineWorkflow({
      id: 'fails-first',
      stages: [
        { agent: 'side', dependsOn: [] },
        { agent: 'actions', dependsOn: ['side'], approval: { prompt: 'Go?' } },
      ],
      finally: 'wrapup',
    });
    const result = await new WorkflowOrchestrator({ engine: engine.asEngine(), workflow, store: new InMemoryRunStore() }).run({
      input: 'q',
    });
    expect(result.status).toBe('failed');
    expect(called(engine)).toEqual(['side', 'wrapup']);
    expect(types(engine)).not.toContain('workflow_suspended');
  });

  it('refuses a workflow with approval stages without a store, naming them', () => {
    const engine = new GenuineFakeEngine(echoAgents([...STAGES]));
    expect(() => new WorkflowOrchestrator({ engine: engine.asEngine(), workflow: gated() })).toThrow(
      'WorkflowOrchestrator: workflow "gated" has approval stages (actions), which wait for a decision across restarts: ' +
        'give it a store (new WorkflowOrchestrator({ engine, workflow, store }))',
    );
    expect(() => new WorkflowOrchestrator({ engine: engine.asEngine(), workflow: gated(), store: undefined })).toThrow(InvalidConfigError);
  });

  it('finds approval stages in any path of a triage workflow', () => {
    const engine = new GenuineFakeEngine(echoAgents([...STAGES]));
    const workflow = defineWorkflow({
      id: 'triaged',
      classify: () => 'quick',
      paths: { quick: [{ agent: 'plan' }], full: [{ agent: 'plan' }, { agent: 'actions', approval: { prompt: 'Go?' } }] },
      fallback: 'quick',
    });
    expect(() => new WorkflowOrchestrator({ engine: engine.asEngine(), workflow })).toThrow(/has approval stages \(actions\)/);
  });

  it('fails the run with the error when the prompt function throws or returns no string', async () => {
    const { orchestrator } = setup(gated({ prompt: () => 42 as never }));
    await expect(orchestrator.run({ input: 'q' })).rejects.toThrow('The approval prompt of stage "actions" must return a string');
    const thrown = setup(
      gated({
        prompt: () => {
          throw new Error('prompt broke');
        },
      }),
    );
    await expect(thrown.orchestrator.run({ input: 'q' })).rejects.toThrow('prompt broke');
    expect(types(thrown.engine).at(-1)).toBe('workflow_completed');
  });
});

describe('approval gates: decisions', () => {
  it('approved: the stage runs with approval in its input, then the rest and finally; the run succeeds', async () => {
    const base = setup();
    const { workflowId } = await base.orchestrator.run({ input: 'cut costs' });
    const next = later(base);
    const result = await next.orchestrator.resume(workflowId, { decision: { approved: true, note: 'go ahead' } });
    expect(result).toMatchObject({ status: 'succeeded', output: { from: 'wrapup' } });
    expect(result).not.toHaveProperty('suspendedAt');
    expect(called(next.engine)).toEqual(['actions', 'report', 'wrapup']);
    expect(next.engine.calls[0]?.request.input).toEqual({
      request: 'cut costs',
      previous: { plan: { from: 'plan' } },
      approval: { approved: true, note: 'go ahead' },
    });
    expect(types(next.engine)[0]).toBe('workflow_resumed');
    expect(next.engine.events[0]).toMatchObject({ completedStages: ['plan'] });
    expect(await base.store.get(workflowId)).toMatchObject({ status: 'succeeded' });
    expect((await base.store.get(workflowId))?.suspension).toBeUndefined();
  });

  it('approved without a note: approval is { approved: true } only', async () => {
    const base = setup();
    const { workflowId } = await base.orchestrator.run({ input: 'q' });
    const next = later(base);
    await next.orchestrator.resume(workflowId, { decision: { approved: true } });
    expect((next.engine.calls[0]?.request.input as StageInput | undefined)?.approval).toEqual({ approved: true });
  });

  it('rejected: the stage fails with APPROVAL_REJECTED without a call, the path halts, finally runs', async () => {
    const base = setup();
    const { workflowId } = await base.orchestrator.run({ input: 'q' });
    const next = later(base);
    const result = await next.orchestrator.resume(workflowId, { decision: { approved: false, note: 'too costly' } });
    expect(result.status).toBe('failed');
    expect(called(next.engine)).toEqual(['wrapup']);
    const actions = result.stages.find((stage) => stage.agentName === 'actions');
    expect(actions).toMatchObject({
      status: 'failed',
      stage: 'actions',
      runId: 'run-1',
      error: { code: 'APPROVAL_REJECTED', message: 'Stage "actions" was rejected: too costly' },
    });
    expect(next.engine.calls[0]?.request.input).toMatchObject({ failedStages: ['actions'] });
    expect(next.engine.events.at(-1)).toMatchObject({ type: 'workflow_completed', status: 'failed', totalStages: 3, succeededStages: 2 });
    expect((await base.store.get(workflowId))?.stages.map((stage) => [stage.agentName, stage.error?.code])).toEqual([
      ['plan', undefined],
      ['actions', 'APPROVAL_REJECTED'],
      ['wrapup', undefined],
    ]);
  });

  it('a rejected stage with continueOnError lets its dependents run', async () => {
    const workflow = defineWorkflow({
      id: 'gated',
      stages: ['plan', { agent: 'actions', approval: { prompt: 'Go?' }, continueOnError: true }, 'report'],
    });
    const base = setup(workflow);
    const { workflowId } = await base.orchestrator.run({ input: 'q' });
    const next = later(base, workflow);
    const result = await next.orchestrator.resume(workflowId, { decision: { approved: false } });
    expect(called(next.engine)).toEqual(['report']);
    expect(result.status).toBe('failed');
  });

  it('timeout: a decision after expiresAt resolves with APPROVAL_TIMEOUT, no throw, the stage not called', async () => {
    const base = setup(gated({ prompt: 'Go?', timeoutMs: 1_000 }));
    const { workflowId } = await base.orchestrator.run({ input: 'q' });
    base.clock.time += 1_000;
    const next = later(base, gated({ prompt: 'Go?', timeoutMs: 1_000 }));
    const result = await next.orchestrator.resume(workflowId, { decision: { approved: true } });
    expect(result.status).toBe('failed');
    expect(result.stages.find((stage) => stage.agentName === 'actions')?.error).toMatchObject({ code: 'APPROVAL_TIMEOUT' });
    expect(called(next.engine)).toEqual(['wrapup']);
  });

  it('timeout: resume without a decision after expiresAt (a sweep) records APPROVAL_TIMEOUT', async () => {
    const workflow = gated({ prompt: 'Go?', timeoutMs: 1_000 });
    const base = setup(workflow);
    const { workflowId } = await base.orchestrator.run({ input: 'q' });
    base.clock.time += 5_000;
    const result = await later(base, workflow).orchestrator.resume(workflowId);
    expect(result.stages.find((stage) => stage.agentName === 'actions')?.error?.code).toBe('APPROVAL_TIMEOUT');
    expect(await base.store.get(workflowId)).toMatchObject({ status: 'failed' });
  });

  it('a decision one millisecond before expiresAt still counts', async () => {
    const workflow = gated({ prompt: 'Go?', timeoutMs: 1_000 });
    const base = setup(workflow);
    const { workflowId } = await base.orchestrator.run({ input: 'q' });
    base.clock.time += 999;
    const result = await later(base, workflow).orchestrator.resume(workflowId, { decision: { approved: true } });
    expect(result.status).toBe('succeeded');
  });

  it('resume without a decision before expiry is refused and changes nothing', async () => {
    const base = setup();
    const { workflowId } = await base.orchestrator.run({ input: 'q' });
    const before = await base.store.get(workflowId);
    const next = later(base);
    await expect(next.orchestrator.resume(workflowId)).rejects.toThrow(
      `Run ${workflowId} waits for a decision on stage "actions": resume it with { decision: { approved, note? } }`,
    );
    expect(await base.store.get(workflowId)).toEqual(before);
    expect(next.engine.events).toEqual([]);
  });

  it('a decision for another user’s run is a UserIsolationError and changes nothing', async () => {
    const base = setup();
    const { workflowId } = await base.orchestrator.run({ input: 'q' });
    const before = await base.store.get(workflowId);
    const intruder = new GenuineFakeEngine(
      echoAgents([...STAGES, 'wrapup']),
      createUserExecutionContext({ userId: 'user-2', threadId: 'thread-1', runId: 'run-1' }),
    );
    const orchestrator = new WorkflowOrchestrator({ engine: intruder.asEngine(), workflow: gated(), store: base.store });
    await expect(orchestrator.resume(workflowId, { decision: { approved: true } })).rejects.toSatisfy(UserIsolationError.isInstance);
    expect(await base.store.get(workflowId)).toEqual(before);
    expect(intruder.events).toEqual([]);
  });

  it('a decision for a run that is not suspended is RunNotResumableError', async () => {
    const base = setup(defineWorkflow({ id: 'gated', stages: ['plan'] }));
    const { workflowId } = await base.orchestrator.run({ input: 'q' });
    await expect(base.orchestrator.resume(workflowId, { decision: { approved: true } })).rejects.toSatisfy(RunNotResumableError.isInstance);
  });

  it('a second decision, after the first was taken, is RunNotResumableError', async () => {
    const base = setup();
    const { workflowId } = await base.orchestrator.run({ input: 'q' });
    await later(base).orchestrator.resume(workflowId, { decision: { approved: true } });
    await expect(later(base).orchestrator.resume(workflowId, { decision: { approved: false } })).rejects.toSatisfy(
      RunNotResumableError.isInstance,
    );
  });

  it('two decisions racing from two processes: exactly one wins, the other changes nothing', async () => {
    const base = setup();
    const { workflowId } = await base.orchestrator.run({ input: 'q' });
    const first = later(base);
    const second = later(base);
    const outcomes = await Promise.allSettled([
      first.orchestrator.resume(workflowId, { decision: { approved: true } }),
      second.orchestrator.resume(workflowId, { decision: { approved: false } }),
    ]);
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
    const lost = outcomes.find((outcome) => outcome.status === 'rejected') as PromiseRejectedResult;
    expect(RunNotResumableError.isInstance(lost.reason)).toBe(true);
    const loser = outcomes[0]?.status === 'rejected' ? first : second;
    expect(loser.engine.events).toEqual([]);
    expect(loser.engine.calls).toEqual([]);
  });

  it.each([
    ['not an object', 'yes'],
    ['approved missing', {}],
    ['approved not a boolean', { approved: 'yes' }],
    ['a note that is not a string', { approved: true, note: 5 }],
    ['an unknown key', { approved: true, by: 'me' }],
  ])('refuses a decision that is %s with InvalidConfigError before reading the store', async (_name, decision) => {
    const base = setup();
    const view = storeView(base.store);
    const orchestrator = new WorkflowOrchestrator({ engine: base.engine.asEngine(), workflow: gated(), store: view });
    await expect(orchestrator.resume('wf-any', { decision } as never)).rejects.toThrow(
      'orchestrator.resume: decision must be { approved: boolean, note?: string }',
    );
    expect(view.calls).toEqual([]);
  });

  it('suspends again at a second gate after the first was approved', async () => {
    const workflow = defineWorkflow({
      id: 'two-gates',
      stages: ['plan', { agent: 'actions', approval: { prompt: 'First?' } }, { agent: 'report', approval: { prompt: 'Second?' } }],
    });
    const base = setup(workflow);
    const { workflowId } = await base.orchestrator.run({ input: 'q' });
    const next = later(base, workflow);
    const second = await next.orchestrator.resume(workflowId, { decision: { approved: true } });
    expect(second).toMatchObject({ status: 'suspended', suspendedAt: 'report' });
    expect(next.engine.events.at(-1)).toMatchObject({ type: 'workflow_suspended', stage: 'report', prompt: 'Second?' });
    const last = later(base, workflow);
    const done = await last.orchestrator.resume(workflowId, { decision: { approved: true } });
    expect(done.status).toBe('succeeded');
    expect(called(last.engine)).toEqual(['report']);
  });
});

describe('approval gates: definitions', () => {
  it('keeps a valid approval on the frozen stage, in both forms', () => {
    const prompt = (input: StageInput) => String(input.request);
    const linear = defineWorkflow({ id: 'l', stages: ['plan', { agent: 'actions', approval: { prompt, timeoutMs: 5 } }] });
    expect(linear.stages[1]).toEqual({ agent: 'actions', approval: { prompt, timeoutMs: 5 } });
    expect(Object.isFrozen(linear.stages[1]?.approval)).toBe(true);
    const triage = defineWorkflow({
      id: 't',
      classify: () => 'p',
      paths: { p: [{ agent: 'actions', approval: { prompt: 'Go?' } }] },
      fallback: 'p',
    });
    expect(triage.paths.p?.[0]).toEqual({ agent: 'actions', approval: { prompt: 'Go?' } });
  });

  it.each([
    ['an approval that is not an object', 'yes', 'must be an object { prompt, timeoutMs? }'],
    ['a missing prompt', {}, 'prompt must be a non-empty string or a function (input) => string'],
    ['an empty prompt', { prompt: '' }, 'prompt must be a non-empty string or a function (input) => string'],
    ['a prompt that is a number', { prompt: 7 }, 'prompt must be a non-empty string or a function (input) => string'],
    ['a zero timeout', { prompt: 'Go?', timeoutMs: 0 }, 'timeoutMs must be a positive integer of milliseconds'],
    ['a fractional timeout', { prompt: 'Go?', timeoutMs: 1.5 }, 'timeoutMs must be a positive integer of milliseconds'],
    ['a timeout over a year', { prompt: 'Go?', timeoutMs: 367 * 86_400_000 }, 'at most 31622400000 (366 days)'],
    ['an unknown key', { prompt: 'Go?', timeout: 5 }, 'has an unknown option "timeout" (allowed: prompt, timeoutMs)'],
  ])('refuses %s with InvalidConfigError naming the stage', (_name, approval, message) => {
    const define = () => defineWorkflow({ id: 'bad', stages: ['plan', { agent: 'actions', approval: approval as never }] });
    expect(define).toThrow(InvalidConfigError);
    expect(define).toThrow('Workflow "bad", stage 1 ("actions"): approval');
    expect(define).toThrow(message);
  });

  it('refuses an approval on the finally stage listed in a path', () => {
    expect(() =>
      defineWorkflow({
        id: 'bad',
        classify: () => 'p',
        paths: { p: [{ agent: 'plan' }, { agent: 'wrapup', approval: { prompt: 'Go?' } }] },
        fallback: 'p',
        finally: 'wrapup',
      }),
    ).toThrow('with dependsOn, continueOnError or approval; it always runs last, give it as { agent } only');
  });
});
