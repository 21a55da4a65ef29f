import { type AgentEvent, defineAgent, EngineDisposedError, InvalidEventError, parseAgentEvent } from '@baton/engine-contract';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { contextFor, controlledAgent, echoAgent, flush, record, spyLogger } from './__fixtures__/test-helpers.js';
import { createEngineFactory, type EngineFactoryOptions } from './engine-factory.js';

afterEach(() => {
  vi.useRealTimers();
});

const worker = defineAgent({
  name: 'worker',
  run: async (input: { query: string }, ctx) => {
    ctx.think('looking it up');
    const found = await ctx.tool('search', { query: input.query, apiKey: 'sk-live-123', maxTokens: 512 }, async () => ({
      hits: 2,
      session: { cookie: 'c=1' },
    }));
    ctx.think('done');
    return { found, authorization: 'Bearer abc' };
  },
});

const failingTool = defineAgent({
  name: 'failing-tool',
  run: async (_input, ctx) => {
    try {
      await ctx.tool('flaky', undefined, () => {
        throw new Error('tool broke');
      });
    } catch {
      return 'recovered';
    }
    return 'unreachable';
  },
});

async function setup(options: Partial<EngineFactoryOptions> = {}) {
  const controlled = controlledAgent();
  const factory = createEngineFactory({ agents: [echoAgent, worker, failingTool, controlled.agent], ...options });
  const engine = await factory.createEngine(contextFor('u_events'));
  return { factory, engine, calls: controlled.calls };
}

describe('events of a run', () => {
  it('emits agent_started, the thoughts and tool events, then exactly one agent_completed, with gapless seq from 0', async () => {
    let time = 5_000;
    const { engine } = await setup({ now: () => time++ });
    const events = record(engine);
    const result = await engine.executeAgent({ agentName: 'worker', input: { query: 'q' }, stage: 'data' });
    expect(events.map((event) => event.type)).toEqual([
      'agent_started',
      'agent_thinking',
      'tool_executing',
      'tool_completed',
      'agent_thinking',
      'agent_completed',
    ]);
    expect(events.map((event) => event.seq)).toEqual([0, 1, 2, 3, 4, 5]);
    const context = engine.userContext;
    for (const event of events) {
      expect(event).toMatchObject({
        userId: context.userId,
        threadId: context.threadId,
        runId: context.runId,
        requestId: context.requestId,
        engineId: engine.engineId,
        executionId: result.executionId,
        agentName: 'worker',
        stage: 'data',
      });
      expect(() => parseAgentEvent(event)).not.toThrow();
    }
    const timestamps = events.map((event) => event.timestamp);
    expect(timestamps).toEqual([...timestamps].sort((a, b) => a - b));
    const executing = events[2] as Extract<AgentEvent, { type: 'tool_executing' }>;
    const completed = events[3] as Extract<AgentEvent, { type: 'tool_completed' }>;
    expect(completed.toolCallId).toBe(executing.toolCallId);
    expect(completed).toMatchObject({ toolName: 'search', status: 'succeeded' });
    expect(events[5]).toMatchObject({ status: 'succeeded' });
  });

  it('redacts tool inputs and outputs, the run input and the completed output, but returns the real output', async () => {
    const { engine } = await setup();
    const events = record(engine);
    const result = await engine.executeAgent({ agentName: 'worker', input: { query: 'q', password: 'hunter2' } as never });
    const byType = Object.fromEntries(events.map((event) => [event.type, event])) as Record<string, Record<string, unknown>>;
    expect(byType.agent_started!.input).toEqual({ query: 'q', password: '[REDACTED]' });
    expect(byType.tool_executing!.input).toEqual({ query: 'q', apiKey: '[REDACTED]', maxTokens: 512 });
    expect(byType.tool_completed!.output).toEqual({ hits: 2, session: { cookie: '[REDACTED]' } });
    expect(byType.agent_completed!.output).toMatchObject({ authorization: '[REDACTED]' });
    expect(result.output).toMatchObject({ authorization: 'Bearer abc' });
  });

  it('reports a tool that throws as tool_completed failed and lets the agent handle the error', async () => {
    const { engine } = await setup();
    const events = record(engine);
    const result = await engine.executeAgent({ agentName: 'failing-tool' });
    expect(result.output).toBe('recovered');
    const completed = events.find((event) => event.type === 'tool_completed');
    expect(completed).toMatchObject({ status: 'failed', error: { name: 'Error', message: 'tool broke' } });
    expect(completed).not.toHaveProperty('output');
  });

  it('emits agent_completed with the normalised error for a failed run', async () => {
    const failing = defineAgent({
      name: 'thrower',
      run: () => {
        throw 'bad';
      },
    });
    const factory = createEngineFactory({ agents: [failing] });
    const engine = await factory.createEngine(contextFor('u_events'));
    const events = record(engine);
    await engine.executeAgent({ agentName: 'thrower' });
    expect(events.at(-1)).toMatchObject({
      type: 'agent_completed',
      status: 'failed',
      error: { code: 'AGENT_FAILED', name: 'NonError', message: 'bad' },
    });
  });

  it('keeps seq gapless across concurrent calls and orders each call from agent_started to agent_completed', async () => {
    const { engine, calls } = await setup();
    const events = record(engine);
    const a = engine.executeAgent({ agentName: 'controlled', input: 'a' });
    const b = engine.executeAgent({ agentName: 'controlled', input: 'b' });
    calls[1]!.ctx.think('b thinks');
    calls[0]!.ctx.think('a thinks');
    calls[1]!.result.resolve('b');
    calls[0]!.result.resolve('a');
    const [resultA, resultB] = await Promise.all([a, b]);
    expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index));
    for (const result of [resultA, resultB]) {
      const own = events.filter((event) => event.executionId === result.executionId).map((event) => event.type);
      expect(own).toEqual(['agent_started', 'agent_thinking', 'agent_completed']);
    }
  });

  it('emits nothing for ctx.tool calls made after the run ended (the tool still runs)', async () => {
    vi.useFakeTimers();
    const { engine, calls } = await setup();
    const events = record(engine);
    await Promise.all([engine.executeAgent({ agentName: 'controlled' }, { timeoutMs: 10 }), vi.advanceTimersByTimeAsync(10)]);
    const count = events.length;
    const fn = vi.fn((signal: AbortSignal) => signal.aborted);
    await expect(calls[0]!.ctx.tool('late', {}, fn)).resolves.toBe(true);
    expect(fn).toHaveBeenCalled();
    expect(events.length).toBe(count);
  });

  it('closes a tool call open when the run times out with a failed tool_completed before agent_completed, and emits nothing when the tool settles later', async () => {
    vi.useFakeTimers();
    const { engine, calls } = await setup();
    const events = record(engine);
    const run = engine.executeAgent({ agentName: 'controlled' }, { timeoutMs: 50 });
    let finishTool!: (value: string) => void;
    const toolDone = calls[0]!.ctx.tool('slow', {}, () => new Promise<string>((resolve) => (finishTool = resolve)));
    await vi.advanceTimersByTimeAsync(50);
    await run;
    finishTool('late');
    await toolDone;
    expect(events.map((event) => event.type)).toEqual(['agent_started', 'tool_executing', 'tool_completed', 'agent_completed']);
    const [, executing, completed] = events;
    expect(completed).toMatchObject({
      type: 'tool_completed',
      toolCallId: executing!.type === 'tool_executing' ? executing!.toolCallId : 'missing',
      toolName: 'slow',
      status: 'failed',
      error: { name: 'TimeoutError' },
      durationMs: 50,
    });
    expect(events.map((event) => event.seq)).toEqual([0, 1, 2, 3]);
  });

  it('closes every open tool call with an AbortError when the caller cancels the run mid-tool', async () => {
    const { engine, calls } = await setup();
    const events = record(engine);
    const controller = new AbortController();
    const run = engine.executeAgent({ agentName: 'controlled' }, { signal: controller.signal });
    void calls[0]!.ctx.tool('first', {}, () => new Promise(() => {}));
    void calls[0]!.ctx.tool('second', {}, () => new Promise(() => {}));
    controller.abort();
    await expect(run).resolves.toMatchObject({ status: 'cancelled' });
    expect(
      events.map((event) => (event.type === 'tool_completed' ? `${event.type}:${event.toolName}:${event.error?.name}` : event.type)),
    ).toEqual([
      'agent_started',
      'tool_executing',
      'tool_executing',
      'tool_completed:first:AbortError',
      'tool_completed:second:AbortError',
      'agent_completed',
    ]);
  });

  it('lets agents destructure think and tool from ctx', async () => {
    const destructuring = defineAgent({
      name: 'destructuring',
      run: async (_input, { think, tool, signal }) => {
        think('hi');
        return tool('t', null, (toolSignal) => toolSignal === signal);
      },
    });
    const factory = createEngineFactory({ agents: [destructuring] });
    const engine = await factory.createEngine(contextFor('u_events'));
    const events = record(engine);
    expect((await engine.executeAgent({ agentName: 'destructuring' })).output).toBe(true);
    expect(events.map((event) => event.type)).toContain('agent_thinking');
  });
});

describe('listeners', () => {
  it('counts and logs a listener that throws, and still delivers every event to the other listeners in order', async () => {
    const logger = spyLogger();
    const { engine } = await setup({ logger });
    const before: AgentEvent[] = [];
    engine.subscribe((event) => before.push(event));
    engine.subscribe(() => {
      throw new Error('listener bug');
    });
    const after = record(engine);
    const result = await engine.executeAgent({ agentName: 'echo', input: 1 });
    expect(result.status).toBe('succeeded');
    expect(after.map((event) => event.type)).toEqual(['agent_started', 'agent_completed']);
    expect(before).toEqual(after);
    expect(engine.getStats().listenerErrors).toBe(2);
    expect(logger.error).toHaveBeenCalledTimes(2);
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringMatching(/listener threw/),
      expect.objectContaining({ eventType: 'agent_started', seq: 0, error: expect.any(Error) }),
    );
  });

  it('counts and logs an async listener whose promise rejects instead of leaving an unhandled rejection', async () => {
    const logger = spyLogger();
    const { engine } = await setup({ logger });
    engine.subscribe(async () => {
      throw new Error('async listener bug');
    });
    await engine.executeAgent({ agentName: 'echo' });
    await flush();
    expect(engine.getStats().listenerErrors).toBe(2);
    expect(logger.error).toHaveBeenCalledTimes(2);
  });

  it('delivers events emitted from inside a listener after the current one, to every listener in seq order', async () => {
    const { engine } = await setup();
    const first: number[] = [];
    const second: number[] = [];
    engine.subscribe((event) => {
      first.push(event.seq);
      if (event.type === 'agent_started')
        engine.emitWorkflowEvent({ type: 'workflow_started', executionId: 'wf_1', workflowId: 'wf_1', workflowName: 'nested' });
    });
    engine.subscribe((event) => second.push(event.seq));
    await engine.executeAgent({ agentName: 'echo' });
    expect(first).toEqual([0, 1, 2]);
    expect(second).toEqual([0, 1, 2]);
  });

  it('stops delivering after unsubscribe (which is idempotent)', async () => {
    const { engine } = await setup();
    const listener = vi.fn();
    const unsubscribe = engine.subscribe(listener);
    await engine.executeAgent({ agentName: 'echo' });
    unsubscribe();
    unsubscribe();
    await engine.executeAgent({ agentName: 'echo' });
    expect(listener).toHaveBeenCalledTimes(2);
  });

  it('delivers every event to the factory onEvent tap after the engine listeners, and counts its errors', async () => {
    const order: string[] = [];
    const logger = spyLogger();
    const tapped: AgentEvent[] = [];
    const { engine } = await setup({
      logger,
      onEvent: (event) => {
        order.push(`tap:${event.seq}`);
        tapped.push(event);
        if (event.type === 'agent_completed') throw new Error('transport down');
      },
    });
    engine.subscribe((event) => order.push(`listener:${event.seq}`));
    const result = await engine.executeAgent({ agentName: 'echo' });
    expect(result.status).toBe('succeeded');
    expect(order).toEqual(['listener:0', 'tap:0', 'listener:1', 'tap:1']);
    expect(tapped.every((event) => event.engineId === engine.engineId)).toBe(true);
    expect(engine.getStats().listenerErrors).toBe(1);
    expect(logger.error).toHaveBeenCalledTimes(1);
  });

  it('isolates engines: each sees only its own events, stamped with its own context', async () => {
    const factory = createEngineFactory({ agents: [echoAgent] });
    const alice = await factory.createEngine(contextFor('u_alice'));
    const bob = await factory.createEngine(contextFor('u_bob'));
    const aliceEvents = record(alice);
    const bobEvents = record(bob);
    await Promise.all([
      alice.executeAgent({ agentName: 'echo', input: 'a' }),
      bob.executeAgent({ agentName: 'echo', input: 'b' }),
      alice.executeAgent({ agentName: 'echo', input: 'a2' }),
    ]);
    expect(aliceEvents).toHaveLength(4);
    expect(bobEvents).toHaveLength(2);
    expect(
      aliceEvents.every((event) => event.userId === 'u_alice' && event.engineId === alice.engineId && event.runId === 'r_u_alice'),
    ).toBe(true);
    expect(bobEvents.every((event) => event.userId === 'u_bob' && event.engineId === bob.engineId && event.threadId === 't_u_bob')).toBe(
      true,
    );
    // Each engine has its own seq.
    expect(bobEvents.map((event) => event.seq)).toEqual([0, 1]);
    expect(aliceEvents.map((event) => event.seq)).toEqual([0, 1, 2, 3]);
  });

  it('advances seq even when nobody listens, so a later subscriber sees the real per-engine position', async () => {
    const { engine } = await setup();
    await engine.executeAgent({ agentName: 'echo' });
    const events = record(engine);
    await engine.executeAgent({ agentName: 'echo' });
    expect(events.map((event) => event.seq)).toEqual([2, 3]);
  });
});

describe('validateEvents', () => {
  it('parses every event with AgentEventSchema when on, and logs and refuses an invalid one', async () => {
    const logger = spyLogger();
    const { engine } = await setup({ validateEvents: true, logger });
    const events = record(engine);
    await engine.executeAgent({ agentName: 'worker', input: { query: 'q' } });
    expect(events).toHaveLength(6);
    expect(logger.error).not.toHaveBeenCalled();

    // An injected clock returning NaN makes the engine build an invalid timestamp: caught by validation.
    const broken = createEngineFactory({ agents: [echoAgent], validateEvents: true, logger, now: () => Number.NaN });
    const brokenEngine = await broken.createEngine(contextFor('u_events'));
    const brokenEvents = record(brokenEngine);
    const result = await brokenEngine.executeAgent({ agentName: 'echo' });
    expect(result.status).toBe('succeeded');
    expect(brokenEvents).toHaveLength(0);
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringMatching(/invalid event/),
      expect.objectContaining({ error: expect.any(Error) }),
    );
  });

  it('does not validate by default (the NaN clock goes through unnoticed)', async () => {
    const factory = createEngineFactory({ agents: [echoAgent], now: () => Number.NaN });
    const engine = await factory.createEngine(contextFor('u_events'));
    const events = record(engine);
    await engine.executeAgent({ agentName: 'echo' });
    expect(events).toHaveLength(2);
  });
});

describe('events()', () => {
  it('yields the same events as subscribe, buffered from the call of events(), and ends on dispose after the last ones', async () => {
    const { engine, calls } = await setup();
    const stream = engine.events();
    const pending = engine.executeAgent({ agentName: 'controlled' });
    const received: AgentEvent[] = [];
    const reading = (async () => {
      for await (const event of stream) received.push(event);
    })();
    calls[0]!.ctx.think('x');
    const disposing = engine.dispose();
    // dispose() waits for the aborted agent to settle: let it.
    calls[0]!.result.resolve('ignored');
    await disposing;
    await reading;
    expect(received.map((event) => event.type)).toEqual(['agent_started', 'agent_thinking', 'agent_completed']);
    expect((await pending).status).toBe('cancelled');
  });

  it('ends at once when its signal aborts, and unsubscribes', async () => {
    const { engine } = await setup();
    const controller = new AbortController();
    const iterator = engine.events({ signal: controller.signal })[Symbol.asyncIterator]();
    const next = iterator.next();
    controller.abort();
    await expect(next).resolves.toEqual({ done: true, value: undefined });
    await engine.executeAgent({ agentName: 'echo' });
    await expect(iterator.next()).resolves.toMatchObject({ done: true });
  });

  it('unsubscribes on return() (a break in for await)', async () => {
    const { engine } = await setup();
    const seen: AgentEvent[] = [];
    const run = engine.executeAgent({ agentName: 'echo' });
    for await (const event of engine.events()) {
      seen.push(event);
      break;
    }
    await run;
    await engine.executeAgent({ agentName: 'echo' });
    expect(seen).toHaveLength(1);
  });

  it('gives independent buffers to two iterators', async () => {
    const { engine } = await setup();
    const first = engine.events()[Symbol.asyncIterator]();
    const second = engine.events()[Symbol.asyncIterator]();
    await engine.executeAgent({ agentName: 'echo' });
    expect((await first.next()).value?.seq).toBe(0);
    expect((await first.next()).value?.seq).toBe(1);
    expect((await second.next()).value?.seq).toBe(0);
  });

  it('is empty on a disposed engine or with an already aborted signal', async () => {
    const { engine } = await setup();
    await expect(engine.events({ signal: AbortSignal.abort() })[Symbol.asyncIterator]().next()).resolves.toMatchObject({ done: true });
    await engine.dispose();
    await expect(engine.events()[Symbol.asyncIterator]().next()).resolves.toMatchObject({ done: true });
  });
});

describe('emitWorkflowEvent', () => {
  it('emits workflow events with the envelope filled by the engine (agentName workflow, executionId = workflow id)', async () => {
    const { engine } = await setup({ now: () => 100 });
    const events = record(engine);
    engine.emitWorkflowEvent({ type: 'workflow_started', executionId: 'wf_9', workflowId: 'wf_9', workflowName: 'triage' });
    engine.emitWorkflowEvent({
      type: 'workflow_planned',
      executionId: 'wf_9',
      workflowId: 'wf_9',
      path: 'sufficient',
      stages: ['triage', 'data'],
    });
    engine.emitWorkflowEvent({
      type: 'workflow_completed',
      executionId: 'wf_9',
      workflowId: 'wf_9',
      path: 'sufficient',
      status: 'succeeded',
      durationMs: 12,
      succeededStages: 2,
      totalStages: 2,
    });
    expect(events.map((event) => [event.type, event.seq, event.agentName, event.executionId])).toEqual([
      ['workflow_started', 0, 'workflow', 'wf_9'],
      ['workflow_planned', 1, 'workflow', 'wf_9'],
      ['workflow_completed', 2, 'workflow', 'wf_9'],
    ]);
    expect(events[0]).toMatchObject({ userId: 'u_events', engineId: engine.engineId, timestamp: 100, workflowName: 'triage' });
    expect(events[1]).toMatchObject({ stages: ['triage', 'data'] });
  });

  it('emits workflow_resumed, the first event of a resumed run, with the envelope filled by the engine', async () => {
    const context = contextFor('u_events', { threadId: 't_resumed', runId: 'r_resumed' });
    const factory = createEngineFactory({ agents: [echoAgent], now: () => 250 });
    const engine = await factory.createEngine(context);
    const events = record(engine);
    engine.emitWorkflowEvent({ type: 'workflow_resumed', executionId: 'wf_7', workflowId: 'wf_7', completedStages: ['triage', 'data'] });
    engine.emitWorkflowEvent({
      type: 'workflow_planned',
      executionId: 'wf_7',
      workflowId: 'wf_7',
      path: 'p',
      stages: ['triage', 'data', 'report'],
    });
    expect(events.map((event) => event.type)).toEqual(['workflow_resumed', 'workflow_planned']);
    expect(events[0]).toStrictEqual({
      type: 'workflow_resumed',
      userId: 'u_events',
      threadId: 't_resumed',
      runId: 'r_resumed',
      requestId: context.requestId,
      engineId: engine.engineId,
      executionId: 'wf_7',
      agentName: 'workflow',
      seq: 0,
      timestamp: 250,
      workflowId: 'wf_7',
      completedStages: ['triage', 'data'],
    });
    expect(parseAgentEvent(events[0])).toStrictEqual(events[0]);
  });

  it('emits workflow_suspended with the waiting stage and the prompt, the envelope filled by the engine', async () => {
    const context = contextFor('u_events', { threadId: 't_gate', runId: 'r_gate' });
    const factory = createEngineFactory({ agents: [echoAgent], now: () => 300 });
    const engine = await factory.createEngine(context);
    const events = record(engine);
    engine.emitWorkflowEvent({ type: 'workflow_suspended', executionId: 'wf_8', workflowId: 'wf_8', stage: 'actions', prompt: 'Apply?' });
    expect(events[0]).toStrictEqual({
      type: 'workflow_suspended',
      userId: 'u_events',
      threadId: 't_gate',
      runId: 'r_gate',
      requestId: context.requestId,
      engineId: engine.engineId,
      executionId: 'wf_8',
      agentName: 'workflow',
      seq: 0,
      timestamp: 300,
      workflowId: 'wf_8',
      stage: 'actions',
      prompt: 'Apply?',
    });
    expect(parseAgentEvent(events[0])).toStrictEqual(events[0]);
  });

  it('refuses workflow_suspended without a stage, naming the field', async () => {
    const { engine } = await setup();
    expect(() =>
      engine.emitWorkflowEvent({ type: 'workflow_suspended', executionId: 'wf', workflowId: 'wf', prompt: 'Apply?' } as never),
    ).toThrow(/^emitWorkflowEvent\(workflow_suspended\): stage: /);
  });

  it('emits workflow_resumed with no completed stages (a run resumed before triage finished)', async () => {
    const { engine } = await setup();
    const events = record(engine);
    engine.emitWorkflowEvent({ type: 'workflow_resumed', executionId: 'wf', workflowId: 'wf', completedStages: [] });
    expect(events[0]).toMatchObject({ type: 'workflow_resumed', completedStages: [] });
  });

  it('ignores envelope fields the caller tries to set', async () => {
    const { engine } = await setup();
    const events = record(engine);
    engine.emitWorkflowEvent({
      type: 'workflow_started',
      executionId: 'wf_1',
      workflowId: 'wf_1',
      workflowName: 'w',
      userId: 'intruder',
      seq: 99,
    } as never);
    expect(events[0]).toMatchObject({ userId: 'u_events', seq: 0 });
  });

  it('rejects other event types and bad payloads with InvalidEventError, without consuming a seq', async () => {
    const { engine } = await setup();
    const events = record(engine);
    expect(() => engine.emitWorkflowEvent({ type: 'agent_started', executionId: 'x' } as never)).toThrow(InvalidEventError);
    expect(() =>
      engine.emitWorkflowEvent({ type: 'workflow_planned', executionId: 'wf', workflowId: 'wf', path: 'p', stages: 'nope' } as never),
    ).toThrow(/stages/);
    expect(() => engine.emitWorkflowEvent({ type: 'workflow_started', executionId: '', workflowId: 'wf', workflowName: 'w' })).toThrow(
      /executionId/,
    );
    await engine.executeAgent({ agentName: 'echo' });
    expect(events[0]!.seq).toBe(0);
  });

  it('throws EngineDisposedError after dispose', async () => {
    const { engine } = await setup();
    await engine.dispose();
    expect(() => engine.emitWorkflowEvent({ type: 'workflow_started', executionId: 'wf', workflowId: 'wf', workflowName: 'w' })).toThrow(
      EngineDisposedError,
    );
  });
});
