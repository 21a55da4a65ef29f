import { describe, expectTypeOf, it } from 'vitest';
import type { AgentEvent, WorkflowEventInput } from './agent-event.js';
import type { AgentRunResult } from './agent-run-result.js';
import { assertUserExecutionEngine, isUserExecutionEngine } from './engine-brand.js';
import type { UserExecutionContext } from './user-execution-context.js';
import type {
  AgentEventListener,
  EngineStats,
  ExecuteAgentOptions,
  ExecuteAgentRequest,
  UserExecutionEngine,
} from './user-execution-engine.js';

describe('UserExecutionEngine types', () => {
  it('has the documented members and method signatures', () => {
    expectTypeOf<UserExecutionEngine['engineId']>().toEqualTypeOf<string>();
    expectTypeOf<UserExecutionEngine['userContext']>().toEqualTypeOf<UserExecutionContext>();
    expectTypeOf<UserExecutionEngine['executeAgent']>().toEqualTypeOf<
      (request: ExecuteAgentRequest, options?: ExecuteAgentOptions) => Promise<AgentRunResult>
    >();
    expectTypeOf<UserExecutionEngine['subscribe']>().toEqualTypeOf<(listener: AgentEventListener) => () => void>();
    expectTypeOf<AgentEventListener>().toEqualTypeOf<(event: AgentEvent) => void>();
    expectTypeOf<UserExecutionEngine['events']>().toEqualTypeOf<(options?: { signal?: AbortSignal }) => AsyncIterable<AgentEvent>>();
    expectTypeOf<UserExecutionEngine['emitWorkflowEvent']>().toEqualTypeOf<(event: WorkflowEventInput) => void>();
    expectTypeOf<UserExecutionEngine['getStats']>().toEqualTypeOf<() => EngineStats>();
    expectTypeOf<UserExecutionEngine['isActive']>().toEqualTypeOf<() => boolean>();
    expectTypeOf<UserExecutionEngine['dispose']>().toEqualTypeOf<() => Promise<void>>();
    expectTypeOf<UserExecutionEngine[typeof Symbol.asyncDispose]>().toEqualTypeOf<() => Promise<void>>();
  });

  it('has readonly engineId and userContext', () => {
    const engine = {} as UserExecutionEngine;
    // @ts-expect-error readonly
    engine.engineId = 'x';
    // @ts-expect-error readonly
    engine.userContext = {} as UserExecutionContext;
  });

  it('takes { agentName, input?, stage? } and { signal?, timeoutMs? }', () => {
    expectTypeOf<ExecuteAgentRequest>().toEqualTypeOf<{ agentName: string; input?: unknown; stage?: string }>();
    expectTypeOf<ExecuteAgentOptions>().toEqualTypeOf<{ signal?: AbortSignal; timeoutMs?: number }>();
    const engine = {} as UserExecutionEngine;
    // @ts-expect-error agentName is required
    void engine.executeAgent({ input: 1 });
  });

  it('reports exactly the documented stats', () => {
    expectTypeOf<keyof EngineStats>().toEqualTypeOf<
      | 'engineId'
      | 'userId'
      | 'runsStarted'
      | 'runsSucceeded'
      | 'runsFailed'
      | 'runsTimedOut'
      | 'runsCancelled'
      | 'activeRuns'
      | 'queuedRuns'
      | 'maxConcurrentRuns'
      | 'peakConcurrentRuns'
      | 'avgRunMs'
      | 'maxRunMs'
      | 'avgQueueMs'
      | 'orphanedRuns'
      | 'listenerErrors'
      | 'inputTokens'
      | 'outputTokens'
    >();
    expectTypeOf<EngineStats['inputTokens']>().toEqualTypeOf<number>();
    expectTypeOf<EngineStats['outputTokens']>().toEqualTypeOf<number>();
    expectTypeOf<EngineStats['engineId']>().toEqualTypeOf<string>();
    expectTypeOf<EngineStats['activeRuns']>().toEqualTypeOf<number>();
  });

  it('isUserExecutionEngine narrows and assertUserExecutionEngine asserts', () => {
    const value: unknown = null;
    if (isUserExecutionEngine(value)) expectTypeOf(value).toEqualTypeOf<UserExecutionEngine>();
    const other: unknown = null;
    assertUserExecutionEngine(other);
    expectTypeOf(other).toEqualTypeOf<UserExecutionEngine>();
  });

  it('offers no typed way to mark an engine genuine', () => {
    expectTypeOf<typeof import('./index.js')>().not.toHaveProperty('registerGenuineEngine');
  });
});
