import { describe, expectTypeOf, test } from 'vitest';
import {
  ConsolidatedExecutionEngine,
  configureExecutionEngineFactory,
  createExecutionEngine,
  createRequestScopedEngine,
  ExecutionEngine,
  ExecutionEngineConsolidated,
  ExecutionEngineFactory,
  getExecutionEngine,
  getExecutionEngineFactory,
  getMigrationGuide,
  LEGACY_ENGINE_NAMES,
  type LegacyEngineName,
  type MigrationGuide,
  RequestScopedExecutionEngine,
  SupervisorAgent,
  UnifiedExecutionEngineFactory,
} from './index.js';

describe('legacy classes keep their types so old code compiles', () => {
  test('each class is constructible with any arguments and its instances have any member', () => {
    expectTypeOf(ExecutionEngine).toBeConstructibleWith({ maxConcurrency: 4 });
    expectTypeOf(ExecutionEngine).toBeConstructibleWith();
    expectTypeOf(ExecutionEngineConsolidated).toBeConstructibleWith('anything', 1, {});
    expectTypeOf(ConsolidatedExecutionEngine).toBeConstructibleWith({});
    expectTypeOf(RequestScopedExecutionEngine).toBeConstructibleWith({ userId: 'u' });
    expectTypeOf(UnifiedExecutionEngineFactory).toBeConstructibleWith();
    expectTypeOf(ExecutionEngineFactory).toBeConstructibleWith({ agents: [] });
    expectTypeOf(SupervisorAgent).toBeConstructibleWith({ engine: undefined });
    expectTypeOf<ExecutionEngine>().toHaveProperty('execute');
    expectTypeOf(new ExecutionEngine({}).execute).toBeCallableWith({ agent: 'triage' });
    expectTypeOf<SupervisorAgent>().toHaveProperty('run');
  });

  test('each class name is also an instance type', () => {
    expectTypeOf(new ExecutionEngine()).toEqualTypeOf<ExecutionEngine>();
    expectTypeOf(new SupervisorAgent()).toEqualTypeOf<SupervisorAgent>();
    expectTypeOf(new UnifiedExecutionEngineFactory()).toEqualTypeOf<UnifiedExecutionEngineFactory>();
  });

  test('static members of any name type-check', () => {
    expectTypeOf(UnifiedExecutionEngineFactory.getInstance).toBeCallableWith();
    expectTypeOf(ExecutionEngine.create).toBeCallableWith({});
  });

  test('old code that constructs, extends and calls them compiles', () => {
    // Never run: vitest only type-checks *.test-d.ts files.
    class MyEngine extends ExecutionEngine {
      describe(): string {
        return 'mine';
      }
    }
    const engine: ExecutionEngine = new MyEngine({ maxConcurrency: 2 });
    const supervisor = new SupervisorAgent({ engine });
    const results: Promise<unknown>[] = [engine.execute('triage', {}), supervisor.execute({ request: 'hi' })];
    const factory = UnifiedExecutionEngineFactory.getInstance();
    factory.createEngine({ userId: 'u' }).execute();
    if (engine instanceof ExecutionEngine) engine.dispose();
    expectTypeOf(results).toBeArray();
  });
});

describe('legacy functions keep their types so old code compiles', () => {
  test('each function is callable with any arguments and returns a value old code can use', () => {
    expectTypeOf(createExecutionEngine).toBeCallableWith({ agents: [] });
    expectTypeOf(getExecutionEngine).toBeCallableWith();
    expectTypeOf(createRequestScopedEngine).toBeCallableWith({ headers: {} });
    expectTypeOf(getExecutionEngineFactory).toBeCallableWith();
    expectTypeOf(configureExecutionEngineFactory).toBeCallableWith({ maxEngines: 10 });
    expectTypeOf(createExecutionEngine({}).execute).toBeAny();
    expectTypeOf(getExecutionEngine()).toBeAny();
  });
});

describe('migration helpers', () => {
  test('LEGACY_ENGINE_NAMES is a readonly tuple of the names', () => {
    expectTypeOf(LEGACY_ENGINE_NAMES).toEqualTypeOf<
      readonly [
        'ExecutionEngine',
        'ExecutionEngineConsolidated',
        'ConsolidatedExecutionEngine',
        'RequestScopedExecutionEngine',
        'UnifiedExecutionEngineFactory',
        'ExecutionEngineFactory',
        'SupervisorAgent',
        'createExecutionEngine',
        'getExecutionEngine',
        'createRequestScopedEngine',
        'getExecutionEngineFactory',
        'configureExecutionEngineFactory',
      ]
    >();
    expectTypeOf<LegacyEngineName>().toEqualTypeOf<(typeof LEGACY_ENGINE_NAMES)[number]>();
  });

  test('getMigrationGuide returns the guide fields', () => {
    expectTypeOf(getMigrationGuide('ExecutionEngine')).toEqualTypeOf<MigrationGuide>();
    expectTypeOf<MigrationGuide>().toEqualTypeOf<{
      readonly legacyName: LegacyEngineName;
      readonly replacement: string;
      readonly importPath: string;
      readonly codeExample: string;
    }>();
  });
});
