import { createRequire } from 'node:module';
import {
  createUserExecutionContext,
  EngineDisposedError,
  EngineValidationError,
  InvalidConfigError,
  InvalidUserContextError,
  UnknownAgentError,
  UserIsolationError,
} from '@baton/engine-contract';
import { createWorkflowOrchestrator, defineWorkflow, triageWorkflow, WorkflowOrchestrator } from '@baton/orchestrator';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, harness, recordingAgents, TRIAGE_AGENTS } from './orchestrator-fixtures.js';

let current: Harness | undefined;
afterEach(async () => {
  await current?.factory.shutdown();
  current = undefined;
});

async function setup(overrides = {}): Promise<Harness> {
  current = await harness({
    agents: (calls) => recordingAgents(calls, TRIAGE_AGENTS, { triage: () => ({ dataSufficiency: 'insufficient' }), ...overrides }),
  });
  return current;
}

describe('orchestrator on a genuine engine', () => {
  it('accepts an engine made by the factory, with both constructors', async () => {
    const { engine } = await setup();
    expect(new WorkflowOrchestrator({ engine }).engine).toBe(engine);
    expect(createWorkflowOrchestrator({ engine, workflow: triageWorkflow }).engine).toBe(engine);
  });

  it.each([
    ['a Proxy around a genuine engine', (engine: object) => new Proxy(engine, {})],
    ['an object inheriting from a genuine engine', (engine: object) => Object.create(engine) as object],
    ['a copy of a genuine engine', (engine: object) => ({ ...engine })],
  ])('refuses %s with EngineValidationError', async (_name, wrap) => {
    const { engine } = await setup();
    let caught: unknown;
    try {
      new WorkflowOrchestrator({ engine: wrap(engine) as never });
    } catch (error) {
      caught = error;
    }
    expect(EngineValidationError.isInstance(caught)).toBe(true);
    expect((caught as Error).message).toContain('@baton/engine-factory');
  });

  it('cannot have its engine swapped: every stage still runs on the original engine', async () => {
    const { factory, engine, userContext, events } = await setup();
    const other = await factory.createEngine(userContext);
    const otherEvents: unknown[] = [];
    other.subscribe((event) => otherEvents.push(event));
    const orchestrator = new WorkflowOrchestrator({ engine });

    expect(() => {
      (orchestrator as { engine: unknown }).engine = other;
    }).toThrow(TypeError);
    expect(() => Object.defineProperty(orchestrator, 'engine', { value: other })).toThrow(TypeError);
    expect(() => Object.setPrototypeOf(orchestrator, { engine: other })).toThrow(TypeError);
    expect(() => Reflect.set(orchestrator, 'engine', other)).toThrow(TypeError);
    // Code compiled by new Function is sloppy mode, where a getter-only property would fail silently.
    const assignSloppily = new Function('target', 'value', 'target.engine = value;') as (target: unknown, value: unknown) => void;
    expect(() => assignSloppily(orchestrator, other)).toThrow(/read-only/);
    expect(Object.isFrozen(orchestrator)).toBe(true);
    expect(orchestrator.engine).toBe(engine);

    const result = await orchestrator.run({ input: 'question', userContext });
    expect(result.status).toBe('succeeded');
    expect(result.stages.map((stage) => stage.agentName)).toEqual(['triage', 'data_helper', 'reporting']);
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((event) => event.engineId === engine.engineId)).toBe(true);
    const executionIds = new Set(events.map((event) => event.executionId));
    for (const stage of result.stages) expect(executionIds.has(stage.executionId)).toBe(true);
    expect(otherEvents).toEqual([]);
    expect(other.getStats().runsStarted).toBe(0);
    expect(engine.getStats().runsStarted).toBe(3);
  });

  it('keeps running on its own engine even if the prototype getter is replaced', async () => {
    const { factory, engine, userContext, events } = await setup();
    const other = await factory.createEngine(userContext);
    const orchestrator = new WorkflowOrchestrator({ engine });
    const original = Object.getOwnPropertyDescriptor(WorkflowOrchestrator.prototype, 'engine') as PropertyDescriptor;
    Object.defineProperty(WorkflowOrchestrator.prototype, 'engine', { get: () => other, configurable: true });
    try {
      await orchestrator.run({ input: 'question' });
    } finally {
      Object.defineProperty(WorkflowOrchestrator.prototype, 'engine', original);
    }
    expect(other.getStats().runsStarted).toBe(0);
    expect(events.every((event) => event.engineId === engine.engineId)).toBe(true);
  });

  it.each(['userId', 'threadId', 'runId'] as const)(
    'refuses a userContext with another %s before anything runs or is emitted',
    async (field) => {
      const { engine, userContext, events, calls } = await setup();
      const ids = { userId: userContext.userId, threadId: userContext.threadId, runId: userContext.runId };
      const foreign = createUserExecutionContext({ ...ids, [field]: `${ids[field]}-other` });
      const orchestrator = new WorkflowOrchestrator({ engine });
      const error = await orchestrator.run({ input: 'question', userContext: foreign }).catch((caught: unknown) => caught);
      expect(UserIsolationError.isInstance(error)).toBe(true);
      expect((error as UserIsolationError).field).toBe(field);
      expect((error as UserIsolationError).code).toBe('USER_ISOLATION_VIOLATION');
      expect(calls).toEqual([]);
      expect(events).toEqual([]);
      expect(engine.getStats().runsStarted).toBe(0);
    },
  );

  it('refuses malformed run arguments before anything runs or is emitted', async () => {
    const { engine, events, calls } = await setup();
    const orchestrator = new WorkflowOrchestrator({ engine });
    const failures = await Promise.all([
      orchestrator.run(null as never).catch((error: unknown) => error),
      orchestrator.run({ input: 'q' }, { signal: 'stop' as never }).catch((error: unknown) => error),
      orchestrator.run({ input: 'q' }, null as never).catch((error: unknown) => error),
      orchestrator.run({ input: 'q', userContext: null as never }).catch((error: unknown) => error),
    ]);
    expect(failures.slice(0, 3).every((error) => InvalidConfigError.isInstance(error))).toBe(true);
    expect(InvalidUserContextError.isInstance(failures[3])).toBe(true);
    expect(calls).toEqual([]);
    expect(events).toEqual([]);
  });

  it("accepts a child context of the engine's context (same user, thread and run)", async () => {
    const { engine, userContext } = await setup();
    const result = await new WorkflowOrchestrator({ engine }).run({ input: 'q', userContext: userContext.child('request') });
    expect(result.status).toBe('succeeded');
  });

  it('rethrows UnknownAgentError after ending the event stream with workflow_completed (failed)', async () => {
    const { engine, events } = await setup();
    const workflow = defineWorkflow({
      id: 'broken',
      classify: () => 'main',
      paths: { main: [{ agent: 'not-registered' }] },
      fallback: 'main',
      finally: 'reporting',
    });
    const error = await new WorkflowOrchestrator({ engine, workflow }).run({ input: 'q' }).catch((caught: unknown) => caught);
    expect(UnknownAgentError.isInstance(error)).toBe(true);
    expect(current?.recorder.trace()).toEqual([
      'workflow_started:workflow',
      'agent_started:triage',
      'agent_completed:triage',
      'workflow_planned:workflow',
      'workflow_completed:workflow',
    ]);
    expect(events.at(-1)).toMatchObject({ type: 'workflow_completed', status: 'failed', totalStages: 1, succeededStages: 1 });
  });

  it('rejects with EngineDisposedError on a disposed engine without running anything', async () => {
    const { engine, calls } = await setup();
    const orchestrator = new WorkflowOrchestrator({ engine });
    await engine.dispose();
    const error = await orchestrator.run({ input: 'q' }).catch((caught: unknown) => caught);
    expect(EngineDisposedError.isInstance(error)).toBe(true);
    expect(calls).toEqual([]);
  });

  it('works across module formats: the CJS orchestrator accepts an engine and a workflow from the ESM builds', async () => {
    const { engine } = await setup();
    const require = createRequire(import.meta.url);
    const cjs = require('@baton/orchestrator') as typeof import('@baton/orchestrator');
    expect(cjs.WorkflowOrchestrator).not.toBe(WorkflowOrchestrator);
    const workflow = defineWorkflow({ id: 'esm-made', classify: () => 'only', paths: { only: [{ agent: 'data' }] }, fallback: 'only' });
    const orchestrator = new cjs.WorkflowOrchestrator({ engine, workflow });
    const result = await orchestrator.run({ input: 'q' });
    expect(result).toMatchObject({ status: 'succeeded', workflowName: 'esm-made', path: 'only' });
    expect(cjs.isWorkflowDefinition(triageWorkflow)).toBe(true);
  });
});
