import { createUserExecutionContext, EngineValidationError, InvalidConfigError, UserIsolationError } from '@baton/engine-contract';
import { describe, expect, it } from 'vitest';
import { FakeEngine } from './__fixtures__/fake-engine.js';
import { GenuineFakeEngine } from './__fixtures__/genuine-fake-engine.js';
import { defineWorkflow } from './define-workflow.js';
import { triageWorkflow } from './triage-workflow.js';
import { createWorkflowOrchestrator, WorkflowOrchestrator } from './workflow-orchestrator.js';

// Every method an engine has, so that only the brand check can tell these apart from a real one.
function engineMethods(): Record<string, unknown> {
  return {
    engineId: 'engine-1',
    userContext: createUserExecutionContext({ userId: 'user-1', threadId: 'thread-1', runId: 'run-1' }),
    executeAgent: async () => ({}),
    subscribe: () => () => undefined,
    events: async function* () {},
    emitWorkflowEvent: () => undefined,
    getStats: () => ({}),
    isActive: () => true,
    dispose: async () => undefined,
    [Symbol.asyncDispose]: async () => undefined,
  };
}

function classNamed(name: string): new () => object {
  // A class whose name is chosen at runtime, as a legacy or renamed engine would be.
  const holder = {
    [name]: class {
      constructor() {
        Object.assign(this, engineMethods());
      }
    },
  };
  return holder[name] as new () => object;
}

function refusal(run: () => unknown): EngineValidationError {
  try {
    run();
  } catch (error) {
    if (EngineValidationError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('the look-alike was accepted');
}

const lookAlikes: Array<[string, () => unknown, string]> = [
  ['a plain object with every engine method', engineMethods, 'a plain object'],
  ['an ExecutionEngine instance', () => new (classNamed('ExecutionEngine'))(), 'an instance of ExecutionEngine'],
  [
    'an ExecutionEngineConsolidated instance',
    () => new (classNamed('ExecutionEngineConsolidated'))(),
    'an instance of ExecutionEngineConsolidated',
  ],
  [
    'a ConsolidatedExecutionEngine instance',
    () => new (classNamed('ConsolidatedExecutionEngine'))(),
    'an instance of ConsolidatedExecutionEngine',
  ],
  ['a UserExecutionEngine look-alike class', () => new (classNamed('UserExecutionEngine'))(), 'an instance of UserExecutionEngine'],
  ['a Proxy around a look-alike', () => new Proxy(engineMethods(), {}), 'a plain object'],
  ['the fake engine used by the runner tests', () => new FakeEngine({}), 'an instance of FakeEngine'],
  ['null', () => null, 'null'],
  ['undefined', () => undefined, 'undefined'],
  ['a class instead of an instance', () => classNamed('ExecutionEngine'), 'a function or class named ExecutionEngine'],
  ['a string', () => 'engine', 'a string'],
];

describe('WorkflowOrchestrator construction', () => {
  it.each(lookAlikes)('refuses %s with EngineValidationError', (_name, make, received) => {
    for (const construct of [
      (engine: unknown) => new WorkflowOrchestrator({ engine } as never),
      (engine: unknown) => createWorkflowOrchestrator({ engine } as never),
    ]) {
      const error = refusal(() => construct(make()));
      expect(error.code).toBe('INVALID_ENGINE');
      expect(error.received).toBe(received);
      // What it got and how to obtain a genuine engine, including the legacy migration hint.
      expect(error.message).toContain(`received ${received}`);
      expect(error.message).toContain('createEngineFactory');
      expect(error.message).toContain('@baton/engine-factory');
      expect(error.message).toContain('@baton/legacy-engines');
    }
  });

  it.each([
    ['no options', undefined, /expects an options object/],
    ['null options', null, /expects an options object/],
    ['a string', 'engine', /expects an options object/],
    ['an array', [], /expects an options object/],
    ['an unknown option', { engine: null, engin: null }, /unknown option "engin"/],
  ])('refuses %s with InvalidConfigError', (_name, options, message) => {
    let caught: unknown;
    try {
      new WorkflowOrchestrator(options as never);
    } catch (error) {
      caught = error;
    }
    expect(InvalidConfigError.isInstance(caught)).toBe(true);
    expect((caught as Error).message).toMatch(message);
  });

  it('checks the engine before the workflow, so a look-alike engine is always reported as such', () => {
    expect(() => new WorkflowOrchestrator({ engine: engineMethods(), workflow: {} } as never)).toThrow(/received a plain object/);
  });
});

describe('WorkflowOrchestrator on a (fake) genuine engine', () => {
  const agents = () => ({
    triage: () => ({ dataSufficiency: 'insufficient' }),
    data_helper: () => 'helped',
    reporting: () => 'report',
    only: () => 'only',
  });
  // Built per test, not at collection: a broken defineWorkflow must fail tests, not the file's loading.
  const customWorkflow = () =>
    defineWorkflow({ id: 'custom', classify: () => 'main', paths: { main: [{ agent: 'only' }] }, fallback: 'main' });

  it('runs the default triage workflow on its engine, with a fresh UUID workflowId per run', async () => {
    const engine = new GenuineFakeEngine(agents());
    const orchestrator = new WorkflowOrchestrator({ engine: engine.asEngine() });
    expect(orchestrator.workflow).toBe(triageWorkflow);
    const first = await orchestrator.run({ input: 'q' });
    const second = await orchestrator.run({ input: 'q' });
    expect(first).toMatchObject({ workflowName: 'triage-workflow', status: 'succeeded', path: 'insufficient' });
    expect(engine.calledAgents()).toEqual(['triage', 'data_helper', 'reporting', 'triage', 'data_helper', 'reporting']);
    expect(first.workflowId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(second.workflowId).not.toBe(first.workflowId);
    expect(engine.events[0]).toMatchObject({ type: 'workflow_started', workflowId: first.workflowId, executionId: first.workflowId });
  });

  it('runs the given workflow with the given clock, and passes the request input to every stage', async () => {
    const engine = new GenuineFakeEngine(agents());
    let clock = 1_000;
    const custom = customWorkflow();
    const orchestrator = createWorkflowOrchestrator({ engine: engine.asEngine(), workflow: custom, now: () => (clock += 7) });
    expect(orchestrator).toBeInstanceOf(WorkflowOrchestrator);
    expect(orchestrator.workflow).toBe(custom);
    const result = await orchestrator.run({ input: { question: 'why?' } });
    expect(result).toMatchObject({ workflowName: 'custom', path: 'main', durationMs: 7 });
    expect(engine.calls.map((call) => (call.request.input as { request: unknown }).request)).toEqual([
      { question: 'why?' },
      { question: 'why?' },
    ]);
  });

  it('keeps its engine: the getter returns it, assigning throws a TypeError, and the instance is frozen', async () => {
    const engine = new GenuineFakeEngine(agents());
    const other = new GenuineFakeEngine(agents());
    const orchestrator = new WorkflowOrchestrator({ engine: engine.asEngine(), workflow: customWorkflow() });
    expect(orchestrator.engine).toBe(engine);
    expect(() => {
      (orchestrator as { engine: unknown }).engine = other;
    }).toThrow(new TypeError('WorkflowOrchestrator.engine is read-only: create a new orchestrator for another engine'));
    expect(Object.isFrozen(orchestrator)).toBe(true);
    await orchestrator.run({ input: 'q' });
    expect(engine.calledAgents()).toEqual(['triage', 'only']);
    expect(other.calls).toEqual([]);
  });

  it.each([
    [
      'a workflow not made by defineWorkflow',
      { workflow: { ...triageWorkflow } },
      'WorkflowOrchestrator: workflow must be a definition made by defineWorkflow(...)',
    ],
    ['a clock that is not a function', { now: 42 }, 'WorkflowOrchestrator: now must be a function returning epoch milliseconds'],
  ])('refuses %s with InvalidConfigError', (_name, extra, message) => {
    const engine = new GenuineFakeEngine(agents()).asEngine();
    let caught: unknown;
    try {
      new WorkflowOrchestrator({ engine, ...extra } as never);
    } catch (error) {
      caught = error;
    }
    expect(InvalidConfigError.isInstance(caught)).toBe(true);
    expect((caught as Error).message).toBe(message);
  });

  it.each([
    ['a request that is not an object', ['q'], 'orchestrator.run expects a request object { input, userContext? }'],
    ['a null request', [null], 'orchestrator.run expects a request object { input, userContext? }'],
    ['null options', [{ input: 'q' }, null], 'orchestrator.run expects options { signal?, workflowId? } as its second argument'],
    [
      'options that are not an object',
      [{ input: 'q' }, 'fast'],
      'orchestrator.run expects options { signal?, workflowId? } as its second argument',
    ],
    [
      'a signal that is not an AbortSignal',
      [{ input: 'q' }, { signal: { aborted: false } }],
      'orchestrator.run: signal must be an AbortSignal',
    ],
  ])('refuses %s with InvalidConfigError before anything runs', async (_name, args, message) => {
    const engine = new GenuineFakeEngine(agents());
    const orchestrator = new WorkflowOrchestrator({ engine: engine.asEngine() });
    const run = orchestrator.run as (...values: unknown[]) => Promise<unknown>;
    const caught = await run.apply(orchestrator, args).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(InvalidConfigError.isInstance(caught)).toBe(true);
    expect((caught as Error).message).toBe(message);
    expect(engine.events).toEqual([]);
  });

  it('refuses a userContext of another user with UserIsolationError before anything runs or is emitted', async () => {
    const engine = new GenuineFakeEngine(agents());
    const orchestrator = new WorkflowOrchestrator({ engine: engine.asEngine() });
    const intruder = createUserExecutionContext({ userId: 'user-2', threadId: 'thread-1', runId: 'run-1' });
    await expect(orchestrator.run({ input: 'q', userContext: intruder })).rejects.toSatisfy(UserIsolationError.isInstance);
    expect(engine.events).toEqual([]);
    expect(engine.calls).toEqual([]);
    const same = createUserExecutionContext({ userId: 'user-1', threadId: 'thread-1', runId: 'run-1' });
    await expect(orchestrator.run({ input: 'q', userContext: same })).resolves.toMatchObject({ status: 'succeeded' });
  });

  it("passes the caller's signal on: an aborted signal cancels the run", async () => {
    const engine = new GenuineFakeEngine(agents());
    const orchestrator = new WorkflowOrchestrator({ engine: engine.asEngine() });
    const result = await orchestrator.run({ input: 'q' }, { signal: AbortSignal.abort() });
    expect(result.status).toBe('cancelled');
    expect(engine.calls).toEqual([]);
  });
});
