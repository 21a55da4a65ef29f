/**
 * `ctx.writeOutput` and its `agent_output_delta` events (api-v2 §2): order, `seq`, empty deltas,
 * bad deltas, deltas after the run ended, isolation and validation.
 */
import { type AgentEvent, BatonError, defineAgent, InvalidConfigError, parseAgentEvent } from '@baton/engine-contract';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { contextFor, controlledAgent, record, spyLogger } from './__fixtures__/test-helpers.js';
import { createEngineFactory, type EngineFactoryOptions } from './engine-factory.js';

afterEach(() => {
  vi.useRealTimers();
});

/** Writes the words of its input one by one (whitespace kept), thinking in between, and returns the whole text. */
const writer = defineAgent({
  name: 'writer',
  run: async (text: string, ctx) => {
    ctx.think('composing');
    for (const word of text.match(/\S+\s*/g) ?? []) ctx.writeOutput(word);
    await ctx.tool('spell-check', null, () => true);
    ctx.writeOutput('!');
    return `${text}!`;
  },
});

async function setup(options: Partial<EngineFactoryOptions> = {}) {
  const controlled = controlledAgent();
  const factory = createEngineFactory({ agents: [writer, controlled.agent], ...options });
  const engine = await factory.createEngine(contextFor('u_writer'));
  return { factory, engine, calls: controlled.calls };
}

const deltasOf = (events: AgentEvent[]): string[] => events.flatMap((event) => (event.type === 'agent_output_delta' ? [event.delta] : []));

/** Runs `fn` and returns what it threw (failing the test when it did not throw). */
function thrownBy(fn: () => void): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('ctx.writeOutput', () => {
  it('emits one agent_output_delta per write, in order, with gapless seq, between agent_started and agent_completed', async () => {
    let time = 1_000;
    const { engine } = await setup({ now: () => time++ });
    const events = record(engine);
    const result = await engine.executeAgent({ agentName: 'writer', input: 'Tides come\nfrom the Moon.', stage: 'reporting' });
    expect(events.map((event) => event.type)).toEqual([
      'agent_started',
      'agent_thinking',
      'agent_output_delta',
      'agent_output_delta',
      'agent_output_delta',
      'agent_output_delta',
      'agent_output_delta',
      'tool_executing',
      'tool_completed',
      'agent_output_delta',
      'agent_completed',
    ]);
    expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index));
    expect(deltasOf(events)).toEqual(['Tides ', 'come\n', 'from ', 'the ', 'Moon.', '!']);
    expect(deltasOf(events).join('')).toBe(result.output);
    const context = engine.userContext;
    for (const event of events.filter((each) => each.type === 'agent_output_delta')) {
      expect(event).toEqual({
        type: 'agent_output_delta',
        userId: context.userId,
        threadId: context.threadId,
        runId: context.runId,
        requestId: context.requestId,
        engineId: engine.engineId,
        executionId: result.executionId,
        agentName: 'writer',
        stage: 'reporting',
        seq: expect.any(Number),
        timestamp: expect.any(Number),
        delta: expect.any(String),
      });
      expect(parseAgentEvent(event)).toEqual(event);
    }
    const timestamps = events.map((event) => event.timestamp);
    expect(timestamps).toEqual([...timestamps].sort((a, b) => a - b));
  });

  it('keeps the deltas of concurrent calls apart by executionId, each before its own agent_completed', async () => {
    const { engine, calls } = await setup();
    const events = record(engine);
    const a = engine.executeAgent({ agentName: 'controlled', input: 'a' });
    const b = engine.executeAgent({ agentName: 'controlled', input: 'b' });
    calls[0]!.ctx.writeOutput('a1');
    calls[1]!.ctx.writeOutput('b1');
    calls[0]!.ctx.writeOutput('a2');
    calls[1]!.result.resolve('b');
    calls[0]!.ctx.writeOutput('a3');
    calls[0]!.result.resolve('a');
    const [resultA, resultB] = await Promise.all([a, b]);
    expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index));
    const own = (executionId: string) => events.filter((event) => event.executionId === executionId);
    expect(deltasOf(own(resultA.executionId))).toEqual(['a1', 'a2', 'a3']);
    expect(deltasOf(own(resultB.executionId))).toEqual(['b1']);
    for (const result of [resultA, resultB]) expect(own(result.executionId).at(-1)?.type).toBe('agent_completed');
  });

  it('drops an empty delta: no event and no seq taken', async () => {
    const { engine, calls } = await setup();
    const events = record(engine);
    const run = engine.executeAgent({ agentName: 'controlled' });
    calls[0]!.ctx.writeOutput('');
    calls[0]!.ctx.writeOutput('x');
    calls[0]!.ctx.writeOutput('');
    calls[0]!.result.resolve('x');
    await run;
    expect(events.map((event) => `${event.type}:${event.seq}`)).toEqual(['agent_started:0', 'agent_output_delta:1', 'agent_completed:2']);
  });

  it.each([
    ['a number', 42, 'number'],
    ['undefined', undefined, 'undefined'],
    ['null', null, 'null'],
    ['an object', { text: 'sk-secret-value' }, 'object'],
    ['an array', ['a'], 'an array'],
  ])(
    'throws a typed InvalidConfigError synchronously for %s, emitting nothing and never echoing the value',
    async (_label, delta, kind) => {
      const { engine, calls } = await setup();
      const events = record(engine);
      const run = engine.executeAgent({ agentName: 'controlled' });
      const error = thrownBy(() => calls[0]!.ctx.writeOutput(delta as unknown as string));
      expect(InvalidConfigError.isInstance(error)).toBe(true);
      expect(BatonError.isInstance(error) && error.code).toBe('INVALID_CONFIG');
      expect((error as Error).message).toBe(`ctx.writeOutput(delta): delta must be a string, got ${kind}`);
      expect((error as Error).message).not.toContain('sk-secret');
      // The run goes on: the agent may catch the error and keep writing.
      calls[0]!.ctx.writeOutput('fine');
      calls[0]!.result.resolve('done');
      await expect(run).resolves.toMatchObject({ status: 'succeeded' });
      expect(events.map((event) => event.type)).toEqual(['agent_started', 'agent_output_delta', 'agent_completed']);
    },
  );

  it('fails the run (AGENT_FAILED) when the agent lets the error of a bad delta escape', async () => {
    const careless = defineAgent({ name: 'careless', run: (_input, ctx) => ctx.writeOutput(7 as unknown as string) });
    const factory = createEngineFactory({ agents: [careless] });
    const engine = await factory.createEngine(contextFor('u_writer'));
    await expect(engine.executeAgent({ agentName: 'careless' })).resolves.toMatchObject({
      status: 'failed',
      error: { code: 'AGENT_FAILED', name: 'InvalidConfigError', message: 'ctx.writeOutput(delta): delta must be a string, got number' },
    });
  });

  it('emits nothing for a delta written after the run timed out (still throwing for a bad one)', async () => {
    vi.useFakeTimers();
    const { engine, calls } = await setup();
    const events = record(engine);
    const run = engine.executeAgent({ agentName: 'controlled' }, { timeoutMs: 10 });
    calls[0]!.ctx.writeOutput('early');
    await vi.advanceTimersByTimeAsync(10);
    await expect(run).resolves.toMatchObject({ status: 'timed_out' });
    const count = events.length;
    calls[0]!.ctx.writeOutput('late');
    expect(() => calls[0]!.ctx.writeOutput(1 as unknown as string)).toThrow(/must be a string/);
    calls[0]!.result.resolve('ignored');
    await vi.advanceTimersByTimeAsync(0);
    expect(events.length).toBe(count);
    expect(deltasOf(events)).toEqual(['early']);
    expect(events.at(-1)).toMatchObject({ type: 'agent_completed', status: 'timed_out' });
  });

  it('ends the run timed_out, and drops the delta, when it is written past the deadline before the deadline timer ran (event-loop lag)', async () => {
    vi.useFakeTimers();
    let time = 0;
    const { engine, calls } = await setup({ now: () => time });
    const events = record(engine);
    const run = engine.executeAgent({ agentName: 'controlled' }, { timeoutMs: 10 });
    calls[0]!.ctx.writeOutput('in time');
    time = 10;
    calls[0]!.ctx.writeOutput('at the deadline');
    time = 11;
    // The timer has not fired (fake timers not advanced): the late write itself ends the run.
    calls[0]!.ctx.writeOutput('past the deadline');
    await expect(run).resolves.toMatchObject({ status: 'timed_out', error: { code: 'RUN_TIMEOUT' }, durationMs: 11 });
    expect(calls[0]!.ctx.signal.aborted).toBe(true);
    calls[0]!.ctx.writeOutput('later still');
    expect(deltasOf(events)).toEqual(['in time', 'at the deadline']);
    expect(events.map((event) => event.type)).toEqual(['agent_started', 'agent_output_delta', 'agent_output_delta', 'agent_completed']);
    expect(engine.getStats()).toMatchObject({ runsTimedOut: 1, activeRuns: 0 });
  });

  it("emits nothing for a delta written after the caller cancelled, or from the agent's abort handler", async () => {
    const { engine, calls } = await setup();
    const events = record(engine);
    const controller = new AbortController();
    const run = engine.executeAgent({ agentName: 'controlled' }, { signal: controller.signal });
    const ctx = calls[0]!.ctx;
    ctx.signal.addEventListener('abort', () => ctx.writeOutput('from the abort handler'));
    controller.abort();
    await expect(run).resolves.toMatchObject({ status: 'cancelled' });
    ctx.writeOutput('after the end');
    expect(events.map((event) => event.type)).toEqual(['agent_started', 'agent_completed']);
  });

  it('emits nothing for a delta written after dispose, and nothing reaches a disposed engine', async () => {
    const { engine, calls } = await setup();
    const events = record(engine);
    const run = engine.executeAgent({ agentName: 'controlled' });
    calls[0]!.ctx.writeOutput('before');
    const disposing = engine.dispose();
    calls[0]!.ctx.writeOutput('during dispose');
    calls[0]!.result.resolve('settled');
    await disposing;
    calls[0]!.ctx.writeOutput('after dispose');
    await expect(run).resolves.toMatchObject({ status: 'cancelled' });
    expect(deltasOf(events)).toEqual(['before']);
    expect(events.at(-1)).toMatchObject({ type: 'agent_completed', status: 'cancelled' });
  });

  it('takes a seq even when nobody listens, so a later subscriber sees the real position', async () => {
    const { engine } = await setup();
    await engine.executeAgent({ agentName: 'writer', input: 'one two' });
    const events = record(engine);
    await engine.executeAgent({ agentName: 'writer', input: 'x' });
    // First run: started, thinking, 2 deltas, 2 tool events, '!', completed = 8 events.
    expect(events[0]).toMatchObject({ type: 'agent_started', seq: 8 });
    expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => 8 + index));
  });

  it('lets agents destructure writeOutput and reportUsage, which stay the same functions', async () => {
    const seen: boolean[] = [];
    const destructuring = defineAgent({
      name: 'destructuring',
      run: (_input, ctx) => {
        const { writeOutput, reportUsage } = ctx;
        seen.push(ctx.writeOutput === writeOutput, ctx.reportUsage === reportUsage);
        writeOutput('hi');
        reportUsage({ outputTokens: 1 });
        return 'hi';
      },
    });
    const factory = createEngineFactory({ agents: [destructuring] });
    const engine = await factory.createEngine(contextFor('u_writer'));
    const events = record(engine);
    await expect(engine.executeAgent({ agentName: 'destructuring' })).resolves.toMatchObject({ usage: { outputTokens: 1 } });
    expect(seen).toEqual([true, true]);
    expect(deltasOf(events)).toEqual(['hi']);
  });
});

describe('agent_output_delta isolation and validation', () => {
  it("delivers each user's deltas only to that user's listeners and stamps them with that user's context", async () => {
    const tapped: AgentEvent[] = [];
    const factory = createEngineFactory({ agents: [writer], onEvent: (event) => void tapped.push(event) });
    const alice = await factory.createEngine(contextFor('u_alice'));
    const bob = await factory.createEngine(contextFor('u_bob'));
    const aliceEvents = record(alice);
    const bobEvents = record(bob);
    await Promise.all([
      alice.executeAgent({ agentName: 'writer', input: 'for alice only' }),
      bob.executeAgent({ agentName: 'writer', input: 'bob' }),
    ]);
    expect(deltasOf(aliceEvents).join('')).toBe('for alice only!');
    expect(deltasOf(bobEvents).join('')).toBe('bob!');
    expect(aliceEvents.every((event) => event.userId === 'u_alice' && event.engineId === alice.engineId)).toBe(true);
    expect(bobEvents.every((event) => event.userId === 'u_bob' && event.engineId === bob.engineId)).toBe(true);
    expect(bobEvents.map((event) => event.seq)).toEqual(bobEvents.map((_, index) => index));
    // The factory tap sees both streams, each event once, each delta with its own user's ids.
    expect(tapped).toHaveLength(aliceEvents.length + bobEvents.length);
    expect(deltasOf(tapped.filter((event) => event.userId === 'u_bob')).join('')).toBe('bob!');
  });

  it('passes validateEvents: every delta and the usage on agent_completed match the contract schema', async () => {
    const logger = spyLogger();
    const reporting = defineAgent({
      name: 'reporting',
      run: (_input, ctx) => {
        ctx.writeOutput('answer');
        ctx.reportUsage({ inputTokens: 2, outputTokens: 1 });
        return 'answer';
      },
    });
    const factory = createEngineFactory({ agents: [writer, reporting], validateEvents: true, logger });
    const engine = await factory.createEngine(contextFor('u_writer'));
    const events = record(engine);
    await engine.executeAgent({ agentName: 'writer', input: 'a b' });
    await engine.executeAgent({ agentName: 'reporting' });
    expect(logger.error).not.toHaveBeenCalled();
    expect(deltasOf(events)).toEqual(['a ', 'b', '!', 'answer']);
    expect(events.at(-1)).toMatchObject({ type: 'agent_completed', usage: { inputTokens: 2, outputTokens: 1, totalTokens: 3 } });
  });
});
