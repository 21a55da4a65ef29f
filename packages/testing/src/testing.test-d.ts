import type {
  AgentCompletedEvent,
  AgentDefinition,
  AgentEvent,
  AnyAgentDefinition,
  ToolCompletedEvent,
  UserExecutionEngine,
} from '@baton/engine-contract';
import type { EngineFactory, EngineTimers } from '@baton/engine-factory';
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import {
  assertEventGuarantees,
  type createGate,
  createManualClock,
  createTestFactory,
  type EventGuarantee,
  type EventGuaranteeError,
  type EventGuaranteeOptions,
  type EventRecorder,
  type ManualClock,
  recordEvents,
  type ScriptedAgent,
  type ScriptedCall,
  type ScriptStep,
  scriptedAgent,
  type TestFactory,
} from './index.js';

declare const engine: UserExecutionEngine;

describe('recordEvents', () => {
  it('types byType and waitFor by the event type asked for', () => {
    const events = recordEvents(engine);
    expectTypeOf(events).toEqualTypeOf<EventRecorder>();
    expectTypeOf(events.byType('tool_completed')).toEqualTypeOf<ToolCompletedEvent[]>();
    expectTypeOf(events.waitFor('agent_completed')).toEqualTypeOf<Promise<AgentCompletedEvent>>();
    events.waitFor('agent_completed', (event) => {
      expectTypeOf(event.status).toEqualTypeOf<AgentCompletedEvent['status']>();
      return true;
    });
    expectTypeOf(events.events).toEqualTypeOf<readonly AgentEvent[]>();
    // @ts-expect-error not an event type of the contract
    events.byType('tool_started');
  });

  it('names the guarantees in a closed union', () => {
    expectTypeOf<EventGuaranteeError['guarantee']>().toEqualTypeOf<EventGuarantee>();
    expectTypeOf<'gapless-seq'>().toExtend<EventGuarantee>();
    expectTypeOf(assertEventGuarantees).parameter(1).toEqualTypeOf<EventGuaranteeOptions | undefined>();
  });
});

describe('scriptedAgent', () => {
  it('keeps the literal name and types the output by its schema or by `returns`', () => {
    const writer = scriptedAgent({ name: 'writer', script: [{ write: 'x' }] });
    expectTypeOf(writer).toEqualTypeOf<ScriptedAgent<unknown, unknown, 'writer'>>();
    expectTypeOf(writer.name).toEqualTypeOf<'writer'>();
    const bySchema = scriptedAgent({ name: 'facts', output: z.object({ facts: z.array(z.string()) }), returns: { facts: ['a'] } });
    expectTypeOf(bySchema).toExtend<AgentDefinition<unknown, { facts: string[] }, 'facts'>>();
    const byValue = scriptedAgent({ name: 'n', returns: 42 });
    expectTypeOf(byValue).toEqualTypeOf<ScriptedAgent<unknown, number, 'n'>>();
    const byFunction = scriptedAgent({ name: 'f', input: z.string(), returns: (input, { written }) => ({ input, written }) });
    expectTypeOf(byFunction).toEqualTypeOf<ScriptedAgent<string, { input: string; written: string }, 'f'>>();
    expectTypeOf(byFunction.calls).toEqualTypeOf<readonly ScriptedCall<string>[]>();
  });

  it('types a per-call script by the input schema, and is an agent definition a factory takes', () => {
    const agent = scriptedAgent({
      name: 'turns',
      input: z.object({ n: z.number() }),
      script: (input, index) => {
        expectTypeOf(input).toEqualTypeOf<{ n: number }>();
        expectTypeOf(index).toEqualTypeOf<number>();
        return [{ write: String(input.n) }];
      },
    });
    expectTypeOf(agent).toExtend<AnyAgentDefinition>();
    createTestFactory([agent]);
  });

  it('refuses malformed steps at compile time', () => {
    expectTypeOf<{ think: string }>().toExtend<ScriptStep>();
    expectTypeOf<{ tool: string; until: ReturnType<typeof createGate> }>().toExtend<ScriptStep>();
    // @ts-expect-error a thought is a string
    scriptedAgent({ name: 'a', script: [{ think: 1 }] });
    // @ts-expect-error fail takes a message or an Error
    scriptedAgent({ name: 'a', script: [{ fail: 404 }] });
  });
});

describe('createTestFactory and the clock', () => {
  it('is an EngineFactory with a clock, a recorder and test engines', () => {
    const factory = createTestFactory([]);
    expectTypeOf(factory).toEqualTypeOf<TestFactory>();
    expectTypeOf(factory).toExtend<EngineFactory>();
    expectTypeOf(factory.clock).toEqualTypeOf<ManualClock>();
    expectTypeOf(factory.events).toEqualTypeOf<EventRecorder>();
    expectTypeOf(factory.createTestEngine).returns.toEqualTypeOf<Promise<UserExecutionEngine>>();
    // @ts-expect-error the clock is the test factory's: no `now` option
    createTestFactory([], { now: () => 0 });
  });

  it('gives the factory its timers and components a (delayMs, callback) => cancel scheduler', () => {
    const clock = createManualClock();
    expectTypeOf(clock).toExtend<EngineTimers>();
    expectTypeOf(clock.now).toEqualTypeOf<() => number>();
    expectTypeOf(clock.schedule).toEqualTypeOf<(delayMs: number, callback: () => void) => () => void>();
    expectTypeOf(clock.advance).toEqualTypeOf<(ms: number) => Promise<number>>();
  });
});
