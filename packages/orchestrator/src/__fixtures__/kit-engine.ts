import {
  type AgentEvent,
  type AgentEventType,
  defineAgent,
  type ExecuteAgentRequest,
  type UserExecutionContext,
  type UserExecutionEngine,
} from '@baton/engine-contract';
import { createTestFactory, type EventRecorder, type TestFactory } from '@baton/testing';
import { afterEach } from 'vitest';
import type { FakeAgent } from './fake-engine.js';

/** One call an agent of a kit engine got: the request as the agent saw it, and its signal. */
export interface KitCall {
  readonly request: Required<Pick<ExecuteAgentRequest, 'agentName'>> & Pick<ExecuteAgentRequest, 'input' | 'stage'>;
  readonly signal: AbortSignal;
}

/**
 * A genuine engine from `@baton/testing`'s test factory (manual clock, events validated), running
 * the given fake agents, with what the WorkflowOrchestrator tests read: every event, every call.
 */
export interface KitEngine {
  readonly engine: UserExecutionEngine;
  readonly factory: TestFactory;
  readonly recorder: EventRecorder;
  /** Every event of the engine, in order (live). */
  readonly events: readonly AgentEvent[];
  /** The calls the agents got, in the order they started. */
  readonly calls: readonly KitCall[];
  /** The agent names of `calls`. */
  calledAgents(): string[];
  /** Resolves once an event of `type` (for `agentName`, if given) was emitted. */
  waitFor(type: AgentEventType, agentName?: string): Promise<AgentEvent>;
}

const factories: TestFactory[] = [];
// Every test file that builds kit engines gets, after each test, the contract's guarantees checked on
// every event the orchestrator made its engines emit (runs cut off on purpose may stay open), and
// the engines shut down.
afterEach(async () => {
  const done = factories.splice(0);
  try {
    for (const factory of done) factory.events.assertGuarantees({ allowRunning: true });
  } finally {
    await Promise.all(done.map((factory) => factory.shutdown()));
  }
});

/** The default user of a kit engine (the ids the orchestrator's tests compare contexts with). */
export const KIT_USER = { userId: 'user-1', threadId: 'thread-1', runId: 'run-1' } as const;

/**
 * A genuine engine (its own test factory) whose agents are the fake agents given: `fake(input,
 * signal)`'s value is the output, a throw a failure. Generous concurrency, so that parallel stages
 * never queue; timeouts happen only when a test moves `factory.clock`.
 */
export async function kitEngine(agents: Record<string, FakeAgent>, userContext?: UserExecutionContext): Promise<KitEngine> {
  const calls: KitCall[] = [];
  const definitions = Object.entries(agents).map(([name, fake]) =>
    defineAgent({
      name,
      run: (input: unknown, ctx) => {
        calls.push({ request: { agentName: name, input, stage: ctx.stage }, signal: ctx.signal });
        return fake(input, ctx.signal);
      },
    }),
  );
  const factory = createTestFactory(definitions, { limits: { maxConcurrentRunsPerEngine: 20, maxEnginesPerUser: 10 } });
  factories.push(factory);
  const engine = userContext === undefined ? await factory.createTestEngine(KIT_USER) : await factory.createEngine(userContext);
  const recorder = factory.events;
  return {
    engine,
    factory,
    recorder,
    events: recorder.events,
    calls,
    calledAgents: () => calls.map((call) => call.request.agentName),
    waitFor: (type, agentName) => recorder.waitFor(type, (event) => agentName === undefined || event.agentName === agentName),
  };
}
