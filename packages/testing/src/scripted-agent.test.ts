import { InvalidConfigError } from '@baton/engine-contract';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createGate } from './gate.js';
import { createManualClock } from './manual-clock.js';
import { recordEvents } from './record-events.js';
import { scriptedAgent } from './scripted-agent.js';
import { createTestFactory, type TestFactory } from './test-factory.js';

let factory: TestFactory | undefined;
afterEach(async () => {
  await factory?.shutdown();
  factory = undefined;
});

/** A test factory with `agents` and one recorded engine on it. */
async function setUp(...agents: Parameters<typeof createTestFactory>[0]) {
  factory = createTestFactory(agents);
  const engine = await factory.createTestEngine();
  return { factory, engine, events: recordEvents(engine) };
}

describe('scriptedAgent steps', () => {
  it('thinks, calls tools, streams and reports usage in script order; its output is what it wrote', async () => {
    const writer = scriptedAgent({
      name: 'writer',
      script: [
        { think: 'Looking it up' },
        { tool: 'search', input: { q: 'tides' }, output: ['Moon'], toolCallId: 'call-1' },
        { write: ['Tides ', 'follow '] },
        { usage: { inputTokens: 12, outputTokens: 3 } },
        { write: 'the Moon.' },
      ],
    });
    const { engine, events } = await setUp(writer);
    const result = await engine.executeAgent({ agentName: 'writer', input: 'why tides?' });
    expect(result).toMatchObject({ status: 'succeeded', output: 'Tides follow the Moon.', usage: { inputTokens: 12, outputTokens: 3 } });
    expect(events.trace()).toEqual([
      'agent_started:writer',
      'agent_thinking:writer',
      'tool_executing:writer',
      'tool_completed:writer',
      'agent_output_delta:writer',
      'agent_output_delta:writer',
      'agent_output_delta:writer',
      'agent_completed:writer',
    ]);
    expect(events.byType('tool_completed')[0]).toMatchObject({
      toolCallId: 'call-1',
      toolName: 'search',
      status: 'succeeded',
      output: ['Moon'],
    });
    expect(events.streamedOutput(result.executionId)).toBe('Tides follow the Moon.');
    events.assertGuarantees();
  });

  it('fails on cue with a message or a given error; nothing after the fail step runs', async () => {
    const flaky = scriptedAgent({ name: 'flaky', script: [{ write: 'Half' }, { fail: 'model overloaded' }, { write: 'never' }] });
    const typed = scriptedAgent({ name: 'typed', script: [{ fail: new RangeError('out of range') }] });
    const { engine, events } = await setUp(flaky, typed);
    const failed = await engine.executeAgent({ agentName: 'flaky' });
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'AGENT_FAILED', name: 'Error', message: 'model overloaded' } });
    expect(events.streamedOutput(failed.executionId)).toBe('Half');
    expect(await engine.executeAgent({ agentName: 'typed' })).toMatchObject({ error: { name: 'RangeError', message: 'out of range' } });
    events.assertGuarantees();
  });

  it('hands a scripted tool error back and goes on; the tool call is failed', async () => {
    const agent = scriptedAgent({
      name: 'retry',
      script: [
        { tool: 'search', error: 'not found' },
        { tool: 'search', output: 2 },
      ],
      returns: 'ok',
    });
    const { engine, events } = await setUp(agent);
    expect(await engine.executeAgent({ agentName: 'retry' })).toMatchObject({ status: 'succeeded', output: 'ok' });
    expect(events.byType('tool_completed').map((event) => [event.status, event.error?.message])).toEqual([
      ['failed', 'not found'],
      ['succeeded', undefined],
    ]);
  });

  it('waits at a gate (as a step or inside a tool) until the test opens it', async () => {
    const step = createGate();
    const tool = createGate();
    const agent = scriptedAgent({
      name: 'held',
      script: [{ until: step }, { tool: 'fetch', until: tool, output: 'page' }],
      returns: (_input, { toolOutputs }) => toolOutputs,
    });
    const { engine, events } = await setUp(agent);
    const running = engine.executeAgent({ agentName: 'held' });
    await step.reached();
    expect(events.byType('tool_executing')).toEqual([]);
    step.open();
    await tool.reached();
    expect(events.byType('tool_executing')).toHaveLength(1);
    tool.open();
    await expect(running).resolves.toMatchObject({ status: 'succeeded', output: ['page'] });
  });

  it('ends at a closed gate when the call times out on the clock; the open tool call fails', async () => {
    const agent = scriptedAgent({ name: 'stuck', script: [{ tool: 'fetch', until: createGate() }, { write: 'never' }] });
    const { factory, engine, events } = await setUp(agent);
    const running = engine.executeAgent({ agentName: 'stuck' });
    await factory.clock.advance(factory.limits.runTimeoutMs);
    await expect(running).resolves.toMatchObject({ status: 'timed_out' });
    expect(events.byType('tool_completed')[0]).toMatchObject({ status: 'failed', error: { name: 'TimeoutError' } });
    expect(events.byType('agent_output_delta')).toEqual([]);
    expect(agent.calls[0]!.signal.aborted).toBe(true);
    events.assertGuarantees();
  });

  it('sleeps on its clock: the call takes exactly that long on the factory clock', async () => {
    const clock = createManualClock();
    const agent = scriptedAgent({ name: 'sleepy', clock, script: [{ sleep: 300 }, { write: 'awake' }] });
    factory = createTestFactory([agent], { clock });
    const engine = await factory.createTestEngine();
    const running = engine.executeAgent({ agentName: 'sleepy' });
    await clock.advance(299);
    expect(agent.calls).toHaveLength(1);
    expect(factory.events.byType('agent_output_delta')).toEqual([]);
    await clock.advance(1);
    await expect(running).resolves.toMatchObject({ status: 'succeeded', output: 'awake', durationMs: 300 });
  });

  it('stops sleeping when the call is cancelled', async () => {
    const clock = createManualClock();
    const agent = scriptedAgent({ name: 'sleepy', clock, script: [{ sleep: 300 }, { write: 'awake' }] });
    factory = createTestFactory([agent], { clock });
    const engine = await factory.createTestEngine();
    const controller = new AbortController();
    const running = engine.executeAgent({ agentName: 'sleepy' }, { signal: controller.signal });
    await clock.settle();
    controller.abort();
    await expect(running).resolves.toMatchObject({ status: 'cancelled' });
    expect(clock.pendingTimers()).not.toContain(clock.now() + 300);
  });
});

describe('scriptedAgent and its signal', () => {
  it('runs no step after an abort, even when the step in flight did not notice it', async () => {
    const later = createGate();
    const agent = scriptedAgent({ name: 'polite', script: [{ tool: 'quick', output: 1 }, { until: later }], returns: 'never' });
    const { engine } = await setUp(agent);
    const controller = new AbortController();
    // Cancelled while the (instant, signal-blind) tool call is being announced.
    engine.subscribe((event) => {
      if (event.type === 'tool_executing') controller.abort();
    });
    expect(await engine.executeAgent({ agentName: 'polite' }, { signal: controller.signal })).toMatchObject({ status: 'cancelled' });
    await factory!.clock.settle();
    expect(later.arrived).toBe(0);
  });
});

describe('scriptedAgent calls and output', () => {
  it('records every call (input, stage, user, signal) and can script each call differently', async () => {
    const agent = scriptedAgent({
      name: 'turns',
      input: z.string(),
      script: (input, index) => (index === 0 ? [{ fail: `first call with ${input}` }] : [{ write: input.toUpperCase() }]),
    });
    const { engine } = await setUp(agent);
    expect(await engine.executeAgent({ agentName: 'turns', input: 'a', stage: 'draft' })).toMatchObject({
      status: 'failed',
      error: { message: 'first call with a' },
    });
    expect(await engine.executeAgent({ agentName: 'turns', input: 'b' })).toMatchObject({ status: 'succeeded', output: 'B' });
    expect(agent.calls.map(({ input, stage, userContext }) => ({ input, stage, userId: userContext.userId }))).toEqual([
      { input: 'a', stage: 'draft', userId: 'user-1' },
      { input: 'b', stage: undefined, userId: 'user-1' },
    ]);
  });

  it('returns a fixed value (even undefined), or builds it from the input and the transcript', async () => {
    const fixed = scriptedAgent({ name: 'fixed', script: [{ write: 'ignored' }], returns: { answer: 42 } });
    const none = scriptedAgent({ name: 'none', script: [{ write: 'ignored' }], returns: undefined });
    const built = scriptedAgent({
      name: 'built',
      script: [{ tool: 't', output: 1 }, { write: 'text' }],
      returns: async (input, { written, toolOutputs, index, call }) => ({ input, written, toolOutputs, index, stage: call.stage }),
    });
    const silent = scriptedAgent({ name: 'silent' });
    const { engine } = await setUp(fixed, none, built, silent);
    expect((await engine.executeAgent({ agentName: 'fixed' })).output).toEqual({ answer: 42 });
    expect((await engine.executeAgent({ agentName: 'none' })).output).toBeUndefined();
    expect((await engine.executeAgent({ agentName: 'built', input: 'q', stage: 's' })).output).toEqual({
      input: 'q',
      written: 'text',
      toolOutputs: [1],
      index: 0,
      stage: 's',
    });
    const quiet = await engine.executeAgent({ agentName: 'silent' });
    expect(quiet.status).toBe('succeeded');
    expect(quiet.output).toBeUndefined();
  });

  it("checks its output with the output schema, as any agent's", async () => {
    const agent = scriptedAgent({ name: 'typed', output: z.object({ n: z.number() }), returns: { n: 'one' } as unknown as { n: number } });
    const { engine } = await setUp(agent);
    expect(await engine.executeAgent({ agentName: 'typed' })).toMatchObject({ status: 'failed', error: { code: 'INVALID_AGENT_IO' } });
  });

  it('fails the call, naming the step, when a per-call script is malformed', async () => {
    const agent = scriptedAgent({ name: 'broken', script: () => [{ think: 'ok' }, { wrte: 'typo' } as never] });
    const { engine } = await setUp(agent);
    expect(await engine.executeAgent({ agentName: 'broken' })).toMatchObject({
      status: 'failed',
      error: { name: 'InvalidConfigError', message: expect.stringContaining('scriptedAgent "broken": script[1] must be exactly one step') },
    });
  });
});

describe('scriptedAgent refuses bad definitions with InvalidConfigError', () => {
  it.each([
    ['a missing options object', null, 'scriptedAgent(options): options must be an object'],
    ['an unknown option', { name: 'a', scrip: [] }, 'scriptedAgent: unknown option "scrip"'],
    ['a bad name', { name: 'has space' }, 'Agent name must be'],
    ['a script that is not an array', { name: 'a', script: 'think' }, 'scriptedAgent "a": script must be an array of steps'],
    ['a step of two kinds', { name: 'a', script: [{ think: 'x', write: 'y' }] }, 'script[0] must be exactly one step'],
    ['a step that is not an object', { name: 'a', script: [{ think: 'x' }, 'write'] }, 'script[1] must be one step'],
    ['a write of non-strings', { name: 'a', script: [{ write: [1] }] }, 'script[0] write must be a string or an array of strings'],
    ['a think of a non-string', { name: 'a', script: [{ think: 1 }] }, 'script[0] think must be a string'],
    ['usage that is not an object', { name: 'a', script: [{ usage: 5 }] }, 'script[0] usage must be an object'],
    ['an until without a gate', { name: 'a', script: [{ until: {} }] }, 'script[0] until must be a gate'],
    ['a fail of a number', { name: 'a', script: [{ fail: 1 }] }, 'script[0] fail must be a string or an Error'],
    ['a tool without a name', { name: 'a', script: [{ tool: '' }] }, 'script[0] tool must be a non-empty string'],
    [
      'a tool with an unknown key',
      { name: 'a', script: [{ tool: 't', ouput: 1 }] },
      'script[0] has an unknown key "ouput" for a tool step',
    ],
    ['a tool error of a number', { name: 'a', script: [{ tool: 't', error: 1 }] }, 'script[0] error must be a string or an Error'],
    ['a tool call id of a number', { name: 'a', script: [{ tool: 't', toolCallId: 1 }] }, 'script[0] toolCallId must be a string'],
    ['a tool gate that is no gate', { name: 'a', script: [{ tool: 't', until: 'open' }] }, 'script[0] until must be a gate'],
    [
      'a negative sleep',
      { name: 'a', clock: createManualClock(), script: [{ sleep: -1 }] },
      'script[0] sleep must be a finite number of ms ≥ 0',
    ],
    ['a sleep without a clock', { name: 'a', script: [{ sleep: 5 }] }, 'sleep needs the agent to have a clock'],
    ['a clock that is no clock', { name: 'a', clock: {} }, 'scriptedAgent: clock must be a ManualClock'],
  ])('for %s', (_case, options, message) => {
    const define = () => scriptedAgent(options as never);
    expect(define).toThrow(InvalidConfigError);
    expect(define).toThrow(message);
  });
});
