import { EngineValidationError, InvalidConfigError, createUserExecutionContext } from '@baton/engine-contract';
import { describe, expect, it } from 'vitest';
import { FakeEngine } from './__fixtures__/fake-engine.js';
import { WorkflowOrchestrator, createWorkflowOrchestrator } from './workflow-orchestrator.js';

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
  ['an ExecutionEngineConsolidated instance', () => new (classNamed('ExecutionEngineConsolidated'))(), 'an instance of ExecutionEngineConsolidated'],
  ['a ConsolidatedExecutionEngine instance', () => new (classNamed('ConsolidatedExecutionEngine'))(), 'an instance of ConsolidatedExecutionEngine'],
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
