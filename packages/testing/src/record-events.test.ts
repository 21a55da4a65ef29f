import { EngineDisposedError, InvalidConfigError } from '@baton/engine-contract';
import { afterEach, describe, expect, it } from 'vitest';
import { EventGuaranteeError } from './errors/index.js';
import { createGate } from './gate.js';
import { recordEvents } from './record-events.js';
import { scriptedAgent } from './scripted-agent.js';
import { createTestFactory, type TestFactory } from './test-factory.js';

let factory: TestFactory | undefined;
afterEach(async () => {
  await factory?.shutdown();
  factory = undefined;
});

const writer = scriptedAgent({ name: 'writer', script: [{ think: 'hm' }, { tool: 'search', output: 1 }, { write: ['a', 'b'] }] });
/** A factory with `writer` and `held` (which waits at `gate`), and one recorded engine. */
async function setUp() {
  const gate = createGate();
  const held = scriptedAgent({ name: 'held', script: [{ until: gate }, { write: 'late' }] });
  factory = createTestFactory([writer, held]);
  const engine = await factory.createTestEngine();
  return { engine, events: recordEvents(engine), gate };
}

describe('recordEvents', () => {
  it('sees the engine from its first event; byType, forExecution, trace and streamedOutput read it', async () => {
    const { engine, events } = await setUp();
    const first = await engine.executeAgent({ agentName: 'writer' });
    const second = await engine.executeAgent({ agentName: 'writer' });
    expect(events.events[0]?.seq).toBe(0);
    expect(events.byType('agent_completed').map((event) => event.executionId)).toEqual([first.executionId, second.executionId]);
    expect(events.byType('tool_completed').every((event) => event.status === 'succeeded')).toBe(true);
    expect(events.forExecution(first.executionId).map((event) => event.type)).toEqual([
      'agent_started',
      'agent_thinking',
      'tool_executing',
      'tool_completed',
      'agent_output_delta',
      'agent_output_delta',
      'agent_completed',
    ]);
    expect(events.trace().slice(0, 2)).toEqual(['agent_started:writer', 'agent_thinking:writer']);
    expect(events.streamedOutput(second.executionId)).toBe('ab');
    expect(events.streamedOutput('no-such-call')).toBe('');
    events.assertGuarantees();
  });

  it("forRun keeps one run's events among several engines'", async () => {
    factory = createTestFactory([writer]);
    const one = await factory.createTestEngine({ runId: 'run-a' });
    const two = await factory.createTestEngine({ runId: 'run-b' });
    await Promise.all([one.executeAgent({ agentName: 'writer' }), two.executeAgent({ agentName: 'writer' })]);
    expect(factory.events.forRun('run-a')).toHaveLength(7);
    expect(factory.events.forRun('run-a').every((event) => event.engineId === one.engineId)).toBe(true);
    expect(factory.events.forRun('run-c')).toEqual([]);
  });

  it('waitFor resolves with a recorded event at once, or with the next matching one', async () => {
    const { engine, events, gate } = await setUp();
    const done = await engine.executeAgent({ agentName: 'writer' });
    await expect(events.waitFor('agent_completed')).resolves.toMatchObject({ executionId: done.executionId });
    const running = engine.executeAgent({ agentName: 'held' });
    const heldDone = events.waitFor('agent_completed', (event) => event.agentName === 'held');
    const delta = events.waitFor('agent_output_delta', (event) => event.delta === 'late');
    await gate.reached();
    gate.open();
    const [completed, written, result] = await Promise.all([heldDone, delta, running]);
    expect(completed.executionId).toBe(result.executionId);
    expect(written.delta).toBe('late');
  });

  it('waitFor rejects for an unknown type, a bad predicate, a predicate that throws, a stopped recorder', async () => {
    const { engine, events } = await setUp();
    await expect(events.waitFor('agent_finished' as never)).rejects.toThrow('recorder.waitFor(type): type must be one of agent_started');
    await expect(events.waitFor('agent_started', 'writer' as never)).rejects.toThrow('match must be a function');
    const boom = events.waitFor('agent_started', () => {
      throw new Error('bad predicate');
    });
    await engine.executeAgent({ agentName: 'writer' });
    await expect(boom).rejects.toThrow('bad predicate');
    await expect(
      events.waitFor('agent_started', () => {
        throw new Error('bad again');
      }),
    ).rejects.toThrow('bad again');
    const never = events.waitFor('workflow_started');
    events.stop();
    events.stop();
    await expect(never).rejects.toThrow("recorder.waitFor('workflow_started'): the recorder was stopped before a matching event arrived");
    await expect(events.waitFor('workflow_started')).rejects.toBeInstanceOf(InvalidConfigError);
    await expect(events.waitFor('agent_started')).resolves.toMatchObject({ agentName: 'writer' });
  });

  it('stops recording on stop(), keeping what it has', async () => {
    const { engine, events } = await setUp();
    await engine.executeAgent({ agentName: 'writer' });
    events.stop();
    await engine.executeAgent({ agentName: 'writer' });
    expect(events.byType('agent_completed')).toHaveLength(1);
  });

  it('waitFor rejects with EngineDisposedError on a disposed engine that never emitted the event', async () => {
    const { engine, events } = await setUp();
    await engine.dispose();
    const error = await events.waitFor('agent_started').catch((caught: unknown) => caught);
    expect(EngineDisposedError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ engineId: engine.engineId });
  });

  it('assertGuarantees checks the recorded engine, and accepts calls still running with allowRunning', async () => {
    const { engine, events, gate } = await setUp();
    const running = engine.executeAgent({ agentName: 'held', input: 'x' });
    await events.waitFor('agent_started');
    events.assertGuarantees({ allowRunning: true });
    expect(() => events.assertGuarantees()).toThrow(EventGuaranteeError);
    expect(() => events.assertGuarantees()).toThrow('Event guarantee "one-completion-per-call" broken');
    gate.open();
    await running;
    events.assertGuarantees();
  });

  it('byType refuses an unknown type; recordEvents refuses what is not a factory engine', async () => {
    const { engine, events } = await setUp();
    expect(() => events.byType('tool_started' as never)).toThrow(InvalidConfigError);
    const lookAlike = { ...engine, subscribe: engine.subscribe.bind(engine) };
    for (const notAnEngine of [lookAlike, null, {}]) {
      expect(() => recordEvents(notAnEngine as never)).toThrow(
        'recordEvents(engine): engine must be an engine made by @baton/engine-factory',
      );
    }
  });
});
