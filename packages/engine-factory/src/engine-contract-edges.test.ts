/**
 * The exact words and payloads of the engine's refusals and run errors (users and transports match
 * on them), and edges of the run lifecycle that the broader suites do not pin down.
 */
import {
  type AgentEvent,
  type AgentRunResult,
  defineAgent,
  InvalidConfigError,
  InvalidEventError,
  UnknownAgentError,
} from '@baton/engine-contract';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { contextFor, controlledAgent, echoAgent, flush, record, spyLogger } from './__fixtures__/test-helpers.js';
import { createEngineFactory, type EngineFactoryOptions } from './engine-factory.js';
import { resolveEngineLimits } from './engine-limits.js';

afterEach(() => {
  vi.useRealTimers();
});

async function setup(options: Partial<EngineFactoryOptions> = {}) {
  const controlled = controlledAgent();
  const factory = createEngineFactory({ agents: [echoAgent, controlled.agent], ...options });
  const engine = await factory.createEngine(contextFor('u_edges'));
  return { factory, engine, calls: controlled.calls };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error as Error,
  );
}

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

describe('executeAgent refusals: exact messages', () => {
  it.each([
    ['a request that is not an object', () => 'echo', 'executeAgent expects a request { agentName, input?, stage? }'],
    ['a null request', () => null, 'executeAgent expects a request { agentName, input?, stage? }'],
  ])('refuses %s with InvalidConfigError', async (_label, request, message) => {
    const { engine } = await setup();
    const error = await rejection(engine.executeAgent(request() as never));
    expect(InvalidConfigError.isInstance(error)).toBe(true);
    expect(error.message).toBe(message);
  });

  it('refuses a non-string stage, a bad timeout and a non-signal signal with their own messages', async () => {
    const { engine } = await setup();
    expect((await rejection(engine.executeAgent({ agentName: 'echo', stage: 7 as never }))).message).toBe(
      'executeAgent: stage must be a string',
    );
    expect((await rejection(engine.executeAgent({ agentName: 'echo' }, { timeoutMs: 0 }))).message).toBe(
      'executeAgent: timeoutMs must be a positive finite number',
    );
    for (const signal of [
      { aborted: false },
      { aborted: 'no', addEventListener: () => {} },
      { aborted: false, addEventListener: 'x' },
      'signal',
    ]) {
      const error = await rejection(engine.executeAgent({ agentName: 'echo' }, { signal: signal as never }));
      expect(error.message).toBe('executeAgent: signal must be an AbortSignal');
    }
  });

  it('accepts null options and a null signal as absent', async () => {
    const { engine } = await setup();
    await expect(engine.executeAgent({ agentName: 'echo', input: 1 }, null as never)).resolves.toMatchObject({ status: 'succeeded' });
    await expect(engine.executeAgent({ agentName: 'echo', input: 1 }, { signal: null as never })).resolves.toMatchObject({
      status: 'succeeded',
    });
  });

  it('names a non-string agent name safely in UnknownAgentError', async () => {
    const { engine } = await setup();
    const error = await rejection(engine.executeAgent({ agentName: 42 as never }));
    expect(UnknownAgentError.isInstance(error)).toBe(true);
    expect((error as UnknownAgentError).agentName).toBe('42');
  });

  it('explains a full queue with the user, the engine, both limits and what to do', async () => {
    const { engine } = await setup({ limits: { maxConcurrentRunsPerEngine: 1, maxQueuedRunsPerEngine: 1 } });
    void engine.executeAgent({ agentName: 'controlled' });
    void engine.executeAgent({ agentName: 'controlled' });
    const error = await rejection(engine.executeAgent({ agentName: 'controlled' }));
    expect(error.message).toBe(
      `User u_edges has too many runs waiting on engine ${engine.engineId}: 1 running and 1 queued (the queue limit, maxQueuedRunsPerEngine). ` +
        'Retry when a run has finished, or raise limits.maxQueuedRunsPerEngine.',
    );
  });

  it('answers an already aborted signal with cancelled even when the queue is full', async () => {
    const { engine } = await setup({ limits: { maxConcurrentRunsPerEngine: 1, maxQueuedRunsPerEngine: 1 } });
    void engine.executeAgent({ agentName: 'controlled' });
    void engine.executeAgent({ agentName: 'controlled' });
    await expect(engine.executeAgent({ agentName: 'controlled' }, { signal: AbortSignal.abort() })).resolves.toMatchObject({
      status: 'cancelled',
      error: { code: 'RUN_CANCELLED', name: 'AbortError', message: "The run was cancelled by the caller's signal" },
    });
  });

  it('numbers executionIds per engine from 1', async () => {
    const { engine } = await setup();
    const first = await engine.executeAgent({ agentName: 'echo' });
    const second = await engine.executeAgent({ agentName: 'echo' });
    expect([first.executionId, second.executionId]).toEqual([`${engine.engineId}:1`, `${engine.engineId}:2`]);
  });
});

describe('run errors: exact payloads', () => {
  it('times out with the agent name and the deadline in the message, and aborts the agent with a TimeoutError', async () => {
    vi.useFakeTimers();
    const { engine, calls } = await setup();
    const running = engine.executeAgent({ agentName: 'controlled' }, { timeoutMs: 250 });
    await vi.advanceTimersByTimeAsync(250);
    expect(await running).toMatchObject({
      status: 'timed_out',
      error: { code: 'RUN_TIMEOUT', name: 'TimeoutError', message: 'Agent "controlled" did not finish within 250 ms' },
    });
    const reason = calls[0]!.ctx.signal.reason as DOMException;
    expect([reason.name, reason.message]).toEqual(['TimeoutError', 'Agent "controlled" did not finish within 250 ms']);
  });

  it('cancels on dispose with the engine id in the message, and aborts the agent with an AbortError saying so', async () => {
    const { engine, calls } = await setup({ limits: { disposeTimeoutMs: 1 } });
    const running = engine.executeAgent({ agentName: 'controlled' });
    await flush();
    const signal = calls[0]!.ctx.signal;
    void engine.dispose();
    const message = `The run was cancelled because engine ${engine.engineId} was disposed`;
    expect(await running).toMatchObject({ status: 'cancelled', error: { code: 'RUN_CANCELLED', name: 'AbortError', message } });
    expect([(signal.reason as DOMException).name, (signal.reason as DOMException).message]).toEqual(['AbortError', message]);
    calls[0]!.result.resolve(undefined);
  });

  it("passes the caller's abort reason to the agent's signal", async () => {
    const { engine, calls } = await setup();
    const controller = new AbortController();
    const running = engine.executeAgent({ agentName: 'controlled' }, { signal: controller.signal });
    await flush();
    const reason = new Error('user pressed stop');
    controller.abort(reason);
    await running;
    expect(calls[0]!.ctx.signal.reason).toBe(reason);
  });

  it('leaves the agent signal un-aborted when the run ends by itself', async () => {
    const signals: AbortSignal[] = [];
    const agent = defineAgent({ name: 'keeps', run: (_input, ctx) => void signals.push(ctx.signal) });
    const factory = createEngineFactory({ agents: [agent] });
    const engine = await factory.createEngine(contextFor('u_keeps'));
    await engine.executeAgent({ agentName: 'keeps' });
    expect(signals[0]!.aborted).toBe(false);
  });

  it('omits stage, output and error from a result that has none, and carries them when present', async () => {
    const { engine } = await setup();
    const plain = await engine.executeAgent({ agentName: 'echo' });
    expect(Object.keys(plain).sort()).toEqual(['agentName', 'durationMs', 'executionId', 'queuedMs', 'requestId', 'runId', 'status']);
    const full = await engine.executeAgent({ agentName: 'echo', input: 'x', stage: 'data' });
    expect(full).toMatchObject({ stage: 'data', output: 'x' });
  });
});

describe('results with schemas and odd return values', () => {
  it('validates the output of an agent that has only an output schema', async () => {
    const typed = defineAgent({ name: 'typed', output: z.number(), run: () => 'not a number' as unknown as number });
    const factory = createEngineFactory({ agents: [typed] });
    const engine = await factory.createEngine(contextFor('u_typed'));
    expect(await engine.executeAgent({ agentName: 'typed' })).toMatchObject({ status: 'failed', error: { code: 'INVALID_AGENT_IO' } });
  });

  it('names the path and the first issue when an input does not match, and nothing extra for a top-level mismatch', async () => {
    const typed = defineAgent({ name: 'typed', input: z.object({ a: z.object({ b: z.string() }) }), run: (input) => input });
    const flat = defineAgent({ name: 'flat', input: z.string(), run: (input) => input });
    const factory = createEngineFactory({ agents: [typed, flat] });
    const engine = await factory.createEngine(contextFor('u_typed'));
    const nested = await engine.executeAgent({ agentName: 'typed', input: { a: { b: 1 } } });
    const issue = z.object({ a: z.object({ b: z.string() }) }).safeParse({ a: { b: 1 } }).error!.issues[0]!;
    expect(nested.error?.message).toBe(`Agent "typed" input does not match its schema at a.b: ${issue.message}`);
    const top = await engine.executeAgent({ agentName: 'flat', input: 5 });
    expect(top.error?.message).toBe(`Agent "flat" input does not match its schema: ${z.string().safeParse(5).error!.issues[0]!.message}`);
  });

  it('treats a function an agent returns as its output, not as a thenable', async () => {
    const fn = () => 1;
    const returnsFunction = defineAgent({ name: 'fn', run: () => fn });
    const factory = createEngineFactory({ agents: [returnsFunction] });
    const engine = await factory.createEngine(contextFor('u_fn'));
    expect((await engine.executeAgent({ agentName: 'fn' })).output).toBe(fn);
  });

  it('awaits a function-shaped thenable an agent returns', async () => {
    const thenable = Object.assign(() => undefined, { then: (resolve: (value: unknown) => void) => resolve('from then') });
    const agent = defineAgent({ name: 'thenable', run: () => thenable });
    const factory = createEngineFactory({ agents: [agent] });
    const engine = await factory.createEngine(contextFor('u_fn'));
    expect((await engine.executeAgent({ agentName: 'thenable' })).output).toBe('from then');
  });

  it('returns an object with a non-function then as it is', async () => {
    const value = { then: 5 };
    const agent = defineAgent({ name: 'then-field', run: () => value });
    const factory = createEngineFactory({ agents: [agent] });
    const engine = await factory.createEngine(contextFor('u_fn'));
    expect((await engine.executeAgent({ agentName: 'then-field' })).output).toBe(value);
  });
});

describe('thoughts and tools', () => {
  it('renders a non-string thought safely', async () => {
    const agent = defineAgent({
      name: 'thinker',
      run: (_input, ctx) => {
        ctx.think({ idea: 1 } as never);
        ctx.think('plain');
      },
    });
    const factory = createEngineFactory({ agents: [agent] });
    const engine = await factory.createEngine(contextFor('u_think'));
    const events = record(engine);
    await engine.executeAgent({ agentName: 'thinker' });
    expect(events.filter((event) => event.type === 'agent_thinking').map((event) => (event as { thought: string }).thought)).toEqual([
      '{"idea":1}',
      'plain',
    ]);
  });

  it('refuses a tool call without a name or without a function, with exact messages', async () => {
    const errors: string[] = [];
    const agent = defineAgent({
      name: 'tools',
      run: async (_input, ctx) => {
        for (const call of [
          () => ctx.tool('', 1, () => 1),
          () => ctx.tool(7 as never, 1, () => 1),
          () => ctx.tool('lookup', 1, 'fn' as never),
        ]) {
          await call().catch((error: unknown) => errors.push(`${InvalidConfigError.isInstance(error)}:${(error as Error).message}`));
        }
      },
    });
    const factory = createEngineFactory({ agents: [agent] });
    const engine = await factory.createEngine(contextFor('u_tools'));
    await engine.executeAgent({ agentName: 'tools' });
    expect(errors).toEqual([
      'true:ctx.tool(name, input, fn): name must be a non-empty string',
      'true:ctx.tool(name, input, fn): name must be a non-empty string',
      'true:ctx.tool("lookup", input, fn): fn must be a function',
    ]);
  });

  it('numbers tool calls per run, omits an absent tool input, and measures tool durations with the clock', async () => {
    let clock = 1_000;
    const agent = defineAgent({
      name: 'tools',
      run: async (_input, ctx) => {
        await ctx.tool('first', undefined, () => {
          clock += 30;
          return 'a';
        });
        await ctx.tool('second', { q: 1 }, () => 'b');
      },
    });
    const factory = createEngineFactory({ agents: [agent], now: () => clock });
    const engine = await factory.createEngine(contextFor('u_tools'));
    const events = record(engine);
    const result = await engine.executeAgent({ agentName: 'tools' });
    const executing = events.filter((event) => event.type === 'tool_executing');
    expect(executing.map((event) => event.toolCallId)).toEqual([`${result.executionId}:tool:1`, `${result.executionId}:tool:2`]);
    expect('input' in executing[0]!).toBe(false);
    expect(executing[1]).toMatchObject({ input: { q: 1 } });
    const completed = events.filter((event) => event.type === 'tool_completed');
    expect(completed.map((event) => event.durationMs)).toEqual([30, 0]);
    expect('output' in completed[0]! && completed[0].output).toBe('a');
  });

  it('closes a tool the agent did not await with an AbortError saying the agent finished first', async () => {
    const agent = defineAgent({
      name: 'forgets',
      run: (_input, ctx) => {
        void ctx.tool('slow', undefined, () => new Promise(() => {}));
        return 'done';
      },
    });
    const factory = createEngineFactory({ agents: [agent] });
    const engine = await factory.createEngine(contextFor('u_tools'));
    const events = record(engine);
    await engine.executeAgent({ agentName: 'forgets' });
    expect(events.find((event) => event.type === 'tool_completed')).toMatchObject({
      status: 'failed',
      error: { name: 'AbortError', message: 'The agent finished before the tool call did' },
    });
    expect(events.at(-1)?.type).toBe('agent_completed');
  });

  it('closes an open tool with a TimeoutError on timeout and with an AbortError on cancellation, with exact messages', async () => {
    vi.useFakeTimers();
    const agent = defineAgent({ name: 'hangs', run: (_input, ctx) => ctx.tool('wait', undefined, () => new Promise(() => {})) });
    const factory = createEngineFactory({ agents: [agent] });
    const engine = await factory.createEngine(contextFor('u_tools'));
    const events = record(engine);
    const timing = engine.executeAgent({ agentName: 'hangs' }, { timeoutMs: 10 });
    await vi.advanceTimersByTimeAsync(10);
    await timing;
    const controller = new AbortController();
    const cancelling = engine.executeAgent({ agentName: 'hangs' }, { signal: controller.signal });
    await vi.advanceTimersByTimeAsync(0);
    controller.abort();
    await cancelling;
    expect(events.filter((event) => event.type === 'tool_completed').map((event) => ('error' in event ? event.error : undefined))).toEqual([
      { name: 'TimeoutError', message: 'The run timed out before the tool call finished' },
      { name: 'AbortError', message: 'The run was cancelled before the tool call finished' },
    ]);
  });
});

describe('emitWorkflowEvent refusals: exact messages', () => {
  it.each([
    ['a non-object', 'workflow_started', 'emitWorkflowEvent expects a workflow event { type, executionId, workflowId, ... }'],
    ['null', null, 'emitWorkflowEvent expects a workflow event { type, executionId, workflowId, ... }'],
    [
      'an agent event type',
      { type: 'agent_started', executionId: 'wf' },
      'emitWorkflowEvent accepts only workflow_started, workflow_resumed, workflow_planned, workflow_suspended and workflow_completed, not agent_started',
    ],
    [
      'a missing executionId',
      { type: 'workflow_started', workflowId: 'wf', workflowName: 'n' },
      "emitWorkflowEvent(workflow_started): executionId (the workflow run's id) must be a non-empty string",
    ],
    [
      'an empty executionId',
      { type: 'workflow_started', executionId: '', workflowId: 'wf', workflowName: 'n' },
      "emitWorkflowEvent(workflow_started): executionId (the workflow run's id) must be a non-empty string",
    ],
    [
      'a resumed event without executionId',
      { type: 'workflow_resumed', workflowId: 'wf', completedStages: [] },
      "emitWorkflowEvent(workflow_resumed): executionId (the workflow run's id) must be a non-empty string",
    ],
  ])('refuses %s with InvalidEventError', async (_label, input, message) => {
    const { engine } = await setup();
    const error = thrown(() => engine.emitWorkflowEvent(input as never));
    expect(InvalidEventError.isInstance(error)).toBe(true);
    expect(error.message).toBe(message);
  });

  it("refuses a bad payload naming the field and zod's message, and emits nothing", async () => {
    const { engine } = await setup();
    const events = record(engine);
    const error = thrown(() =>
      engine.emitWorkflowEvent({
        type: 'workflow_planned',
        executionId: 'wf',
        workflowId: 'wf',
        path: 'p',
        stages: ['triage', 5] as never,
      }),
    );
    expect(error.message).toMatch(/^emitWorkflowEvent\(workflow_planned\): stages\.1: \S.*$/);
    expect(error.message).not.toContain(': invalid');
    expect(events).toEqual([]);
  });

  it.each<[string, unknown, RegExp]>([
    ['a number among them', ['triage', 5], /^emitWorkflowEvent\(workflow_resumed\): completedStages\.1: \S.*$/],
    ['a hole', new Array(1), /^emitWorkflowEvent\(workflow_resumed\): completedStages\.0: \S.*$/],
    ['a string', 'triage', /^emitWorkflowEvent\(workflow_resumed\): completedStages: \S.*$/],
    ['nothing', undefined, /^emitWorkflowEvent\(workflow_resumed\): completedStages: \S.*$/],
  ])('refuses completedStages given as %s, naming the field, and emits nothing', async (_label, completedStages, message) => {
    const { engine } = await setup();
    const events = record(engine);
    const error = thrown(() =>
      engine.emitWorkflowEvent({ type: 'workflow_resumed', executionId: 'wf', workflowId: 'wf', completedStages } as never),
    );
    expect(InvalidEventError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(message);
    expect(events).toEqual([]);
    engine.emitWorkflowEvent({ type: 'workflow_resumed', executionId: 'wf', workflowId: 'wf', completedStages: [] });
    expect(events.map((event) => event.seq)).toEqual([0]);
  });

  it('copies the completed stages of workflow_resumed instead of keeping the caller array', async () => {
    const { engine } = await setup();
    const events = record(engine);
    const completedStages = ['triage'];
    engine.emitWorkflowEvent({ type: 'workflow_resumed', executionId: 'wf', workflowId: 'wf', completedStages });
    completedStages.push('late');
    expect((events[0] as AgentEvent & { completedStages: string[] }).completedStages).toEqual(['triage']);
  });

  it('copies the planned stages instead of keeping the caller array', async () => {
    const { engine } = await setup();
    const events = record(engine);
    const stages = ['triage', 'data'];
    engine.emitWorkflowEvent({ type: 'workflow_planned', executionId: 'wf', workflowId: 'wf', path: 'p', stages });
    stages.push('late');
    expect((events[0] as AgentEvent & { stages: string[] }).stages).toEqual(['triage', 'data']);
  });
});

describe('subscribe and events(): refusals and disposal', () => {
  it('refuses a listener that is not a function, and a signal that is not an AbortSignal', async () => {
    const { engine } = await setup();
    const error = thrown(() => engine.subscribe('listener' as never));
    expect(InvalidConfigError.isInstance(error)).toBe(true);
    expect(error.message).toBe('subscribe(listener): listener must be a function');
    for (const signal of [{ aborted: false }, null, 'signal']) {
      const eventsError = thrown(() => engine.events({ signal: signal as never }));
      expect(InvalidConfigError.isInstance(eventsError)).toBe(true);
      expect(eventsError.message).toBe('events({ signal }): signal must be an AbortSignal');
    }
  });

  it('keeps no listener subscribed on a disposed engine', async () => {
    const { engine } = await setup();
    await engine.dispose();
    const listener = vi.fn();
    const unsubscribe = engine.subscribe(listener);
    expect(() => unsubscribe()).not.toThrow();
    expect(listener).not.toHaveBeenCalled();
  });
});

describe('validateEvents: the refusal names the engine, the event and the field', () => {
  it("logs and throws an InvalidEventError naming the engine, the event type, the path and zod's message", async () => {
    const logger = spyLogger();
    const factory = createEngineFactory({ agents: [echoAgent], validateEvents: true, logger, now: () => Number.NaN });
    const engine = await factory.createEngine(contextFor('u_valid'));
    const result: AgentRunResult | Error = await engine.executeAgent({ agentName: 'echo' }).catch((error: unknown) => error as Error);
    const logged = logger.error.mock.calls.find(([message]) => message === 'Baton: invalid event (validateEvents is on)');
    expect(logged).toBeDefined();
    const error = (logged![1] as { error: Error; engineId: string }).error;
    expect((logged![1] as { engineId: string }).engineId).toBe(engine.engineId);
    expect(error.message).toMatch(new RegExp(`^Engine ${engine.engineId} built an invalid agent_started event: timestamp: \\S`));
    expect(result).toBeDefined();
  });
});

describe('resolveEngineLimits: messages', () => {
  it('names every unknown limit and lists the known ones', () => {
    expect(() => resolveEngineLimits({ maxEngines: 1, foo: 2 } as never)).toThrow(
      'limits.maxEngines, limits.foo is not a known limit (known: maxEnginesPerUser, maxConcurrentRunsPerEngine, maxQueuedRunsPerEngine, runTimeoutMs, engineIdleTimeoutMs, reapIntervalMs, disposeTimeoutMs)',
    );
  });

  it('says limits must be an object when they are not one', () => {
    expect(() => resolveEngineLimits('fast' as never)).toThrow(
      new InvalidConfigError({ message: 'limits must be an object of integer limits' }),
    );
    expect(thrown(() => resolveEngineLimits(5 as never)).message).toBe('limits must be an object of integer limits');
  });
});
