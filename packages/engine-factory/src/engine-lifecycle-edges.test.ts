/**
 * Edges of the engine's run lifecycle: FIFO under re-entrant calls, guards against double settles,
 * counters, clocks that stand still or run backwards, and what events leave out.
 */
import { type AgentContext, defineAgent } from '@baton/engine-contract';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { contextFor, controlledAgent, deferred, echoAgent, flush, record, spyLogger } from './__fixtures__/test-helpers.js';
import { createEngineFactory, type EngineFactoryOptions } from './engine-factory.js';

afterEach(() => {
  vi.useRealTimers();
});

async function setup(options: Partial<EngineFactoryOptions> = {}) {
  const controlled = controlledAgent();
  const factory = createEngineFactory({ agents: [echoAgent, controlled.agent], ...options });
  const engine = await factory.createEngine(contextFor('u_life'));
  return { factory, engine, calls: controlled.calls };
}

describe('admission order and re-entrancy', () => {
  it('queues a call made from a listener while a slot is freeing behind the call already waiting (FIFO)', async () => {
    const { engine, calls } = await setup({ limits: { maxConcurrentRunsPerEngine: 1 } });
    const order: unknown[] = [];
    let injected = false;
    engine.subscribe((event) => {
      if (event.type === 'agent_started') order.push((event as { input?: unknown }).input);
      if (event.type === 'agent_completed' && !injected) {
        injected = true;
        void engine.executeAgent({ agentName: 'controlled', input: 'C' });
      }
    });
    void engine.executeAgent({ agentName: 'controlled', input: 'A' });
    void engine.executeAgent({ agentName: 'controlled', input: 'B' });
    calls[0]!.result.resolve('a');
    await flush();
    expect(order).toEqual(['A', 'B']);
    calls[1]!.result.resolve('b');
    await flush();
    expect(order).toEqual(['A', 'B', 'C']);
  });

  it('keeps the queue intact when a call with an aborted signal is answered while others wait', async () => {
    const { engine, calls } = await setup({ limits: { maxConcurrentRunsPerEngine: 1 } });
    const first = engine.executeAgent({ agentName: 'controlled', input: 'A' });
    const second = engine.executeAgent({ agentName: 'controlled', input: 'B' });
    await expect(engine.executeAgent({ agentName: 'controlled', input: 'C' }, { signal: AbortSignal.abort() })).resolves.toMatchObject({
      status: 'cancelled',
    });
    expect(engine.getStats()).toMatchObject({ activeRuns: 1, queuedRuns: 1 });
    calls[0]!.result.resolve('a');
    await first;
    await flush();
    expect(calls.map((call) => call.input)).toEqual(['A', 'B']);
    calls[1]!.result.resolve('b');
    await expect(second).resolves.toMatchObject({ status: 'succeeded', output: 'b' });
  });

  it('runs 20,000 queued synchronous calls one after another without growing the stack', async () => {
    const { engine } = await setup({ limits: { maxConcurrentRunsPerEngine: 1, maxQueuedRunsPerEngine: 20_000 } });
    const { calls } = { calls: [] as Promise<unknown>[] };
    const blocker = deferred();
    const gate = defineAgent({ name: 'gate', run: () => blocker.promise });
    const factory = createEngineFactory({
      agents: [echoAgent, gate],
      limits: { maxConcurrentRunsPerEngine: 1, maxQueuedRunsPerEngine: 20_000 },
    });
    const busy = await factory.createEngine(contextFor('u_deep'));
    const first = busy.executeAgent({ agentName: 'gate' });
    for (let index = 0; index < 19_999; index++) calls.push(busy.executeAgent({ agentName: 'echo', input: index }));
    blocker.resolve('open');
    await first;
    const results = (await Promise.all(calls)) as Array<{ status: string }>;
    expect(results.every((result) => result.status === 'succeeded')).toBe(true);
    expect(engine.isActive()).toBe(true);
  });

  it('never calls the agent when a listener disposes the engine on agent_started', async () => {
    const { engine, calls } = await setup();
    engine.subscribe((event) => {
      if (event.type === 'agent_started') void engine.dispose();
    });
    await expect(engine.executeAgent({ agentName: 'controlled' })).resolves.toMatchObject({ status: 'cancelled' });
    expect(calls).toHaveLength(0);
  });

  it('never calls the agent when its run is cancelled while its input is being validated asynchronously', async () => {
    const gate = deferred<void>();
    const run = vi.fn();
    const agent = defineAgent({
      name: 'slow-input',
      input: z.string().refine(async () => {
        await gate.promise;
        return true;
      }),
      run,
    });
    const factory = createEngineFactory({ agents: [agent] });
    const engine = await factory.createEngine(contextFor('u_async'));
    const controller = new AbortController();
    const result = engine.executeAgent({ agentName: 'slow-input', input: 'x' }, { signal: controller.signal });
    controller.abort();
    gate.resolve();
    await expect(result).resolves.toMatchObject({ status: 'cancelled' });
    await flush();
    expect(run).not.toHaveBeenCalled();
  });
});

describe('agent return values and settles', () => {
  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a number', 5],
  ])('succeeds with %s returned synchronously', async (_label, value) => {
    const agent = defineAgent({ name: 'plain', run: () => value });
    const factory = createEngineFactory({ agents: [agent] });
    const engine = await factory.createEngine(contextFor('u_plain'));
    expect(await engine.executeAgent({ agentName: 'plain' })).toMatchObject({ status: 'succeeded' });
  });

  it('succeeds with a valid output when the agent has only an output schema', async () => {
    const agent = defineAgent({ name: 'out', output: z.number(), run: () => 3 });
    const factory = createEngineFactory({ agents: [agent] });
    const engine = await factory.createEngine(contextFor('u_out'));
    expect(await engine.executeAgent({ agentName: 'out' })).toMatchObject({ status: 'succeeded', output: 3 });
  });

  it('ignores a second settle of a thenable: no orphan counted, and dispose does not wait for it', async () => {
    const logger = spyLogger();
    const agent = defineAgent({
      name: 'twice',
      run: () => ({
        then(onFulfilled: (value: unknown) => void, onRejected: (reason: unknown) => void) {
          onFulfilled('first');
          onFulfilled('second');
          onRejected(new Error('third'));
        },
      }),
    });
    const factory = createEngineFactory({ agents: [agent], logger });
    const engine = await factory.createEngine(contextFor('u_twice'));
    expect(await engine.executeAgent({ agentName: 'twice' })).toMatchObject({ status: 'succeeded', output: 'first' });
    expect(engine.getStats().orphanedRuns).toBe(0);
    await engine.dispose();
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it('does not wait at dispose for a thenable whose then threw', async () => {
    const logger = spyLogger();
    const agent = defineAgent({
      name: 'broken-then',
      run: () => ({
        then() {
          throw new Error('then broke');
        },
      }),
    });
    const factory = createEngineFactory({ agents: [agent], logger });
    const engine = await factory.createEngine(contextFor('u_then'));
    expect(await engine.executeAgent({ agentName: 'broken-then' })).toMatchObject({ status: 'failed' });
    await engine.dispose();
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it('finishes dispose only once every abandoned agent has settled, logging each late settle', async () => {
    const logger = spyLogger();
    const { engine, calls } = await setup({ logger, limits: { disposeTimeoutMs: 60_000 } });
    void engine.executeAgent({ agentName: 'controlled' });
    void engine.executeAgent({ agentName: 'controlled' });
    await flush();
    let disposed = false;
    void engine.dispose().then(() => {
      disposed = true;
    });
    calls[0]!.result.resolve('late');
    await flush();
    expect(disposed).toBe(false);
    calls[1]!.result.resolve('late');
    await flush(20);
    expect(disposed).toBe(true);
    expect(logger.warn).not.toHaveBeenCalled();
    expect(logger.debug).toHaveBeenCalledWith(
      'Baton: an abandoned agent settled after its run ended',
      expect.objectContaining({ engineId: engine.engineId, agentName: 'controlled', fulfilled: true }),
    );
  });

  it("keeps the agent's signal un-aborted when read after a normal end", async () => {
    let saved: AgentContext | undefined;
    const agent = defineAgent({
      name: 'saves',
      run: (_input, ctx) => {
        saved = ctx;
      },
    });
    const factory = createEngineFactory({ agents: [agent] });
    const engine = await factory.createEngine(contextFor('u_saves'));
    await engine.executeAgent({ agentName: 'saves' });
    expect(saved!.signal.aborted).toBe(false);
  });
});

describe('stats and clocks', () => {
  it('reports zero averages before any call finished, the configured limit, the peak concurrency, and the longest run', async () => {
    let clock = 0;
    const { engine, calls } = await setup({ now: () => clock });
    expect(engine.getStats()).toMatchObject({ avgRunMs: 0, avgQueueMs: 0, maxRunMs: 0, maxConcurrentRuns: 3, peakConcurrentRuns: 0 });
    const a = engine.executeAgent({ agentName: 'controlled' });
    const b = engine.executeAgent({ agentName: 'controlled' });
    await flush();
    clock = 30;
    calls[0]!.result.resolve(1);
    calls[1]!.result.resolve(2);
    await Promise.all([a, b]);
    const c = engine.executeAgent({ agentName: 'controlled' });
    await flush();
    clock = 40;
    calls[2]!.result.resolve(3);
    await c;
    expect(engine.getStats()).toMatchObject({ maxConcurrentRuns: 3, peakConcurrentRuns: 2, maxRunMs: 30 });
  });

  it('measures queuedMs from the call to the start with the clock', async () => {
    let clock = 100;
    const { engine, calls } = await setup({ now: () => clock, limits: { maxConcurrentRunsPerEngine: 1 } });
    const first = engine.executeAgent({ agentName: 'controlled' });
    const second = engine.executeAgent({ agentName: 'controlled' });
    clock = 150;
    calls[0]!.result.resolve(1);
    await first;
    clock = 170;
    calls[1]!.result.resolve(2);
    expect(await second).toMatchObject({ queuedMs: 50, durationMs: 70 });
  });

  it('never reports negative durations or queue times when the clock runs backwards', async () => {
    let clock = 1_000;
    const { engine, calls } = await setup({ now: () => clock, limits: { maxConcurrentRunsPerEngine: 1 } });
    const first = engine.executeAgent({ agentName: 'controlled' });
    const second = engine.executeAgent({ agentName: 'controlled' });
    clock = 500;
    calls[0]!.result.resolve(1);
    await first;
    await flush();
    clock = 100;
    calls[1]!.result.resolve(2);
    const results = await Promise.all([first, second]);
    for (const result of results) {
      expect(result.durationMs).toBe(0);
      expect(result.queuedMs).toBe(0);
    }
  });

  it('times out on time with a clock that stands still (the timer is trusted)', async () => {
    vi.useFakeTimers();
    const { engine } = await setup({ now: () => 0 });
    const running = engine.executeAgent({ agentName: 'controlled' }, { timeoutMs: 100 });
    await vi.advanceTimersByTimeAsync(100);
    await expect(running).resolves.toMatchObject({ status: 'timed_out' });
  });

  it('clamps a deadline beyond the largest timer delay instead of firing at once', async () => {
    vi.useFakeTimers();
    const { engine, calls } = await setup();
    let settled = false;
    const running = engine.executeAgent({ agentName: 'controlled' }, { timeoutMs: 2 ** 31 + 10 });
    void running.then(() => {
      settled = true;
    });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(settled).toBe(false);
    calls[0]!.result.resolve('done');
    await expect(running).resolves.toMatchObject({ status: 'succeeded' });
  });

  it('keeps one deadline timer, re-armed for the earliest deadline', async () => {
    vi.useFakeTimers();
    const { engine, calls } = await setup();
    const baseline = vi.getTimerCount();
    const late = engine.executeAgent({ agentName: 'controlled' }, { timeoutMs: 500 });
    const early = engine.executeAgent({ agentName: 'controlled' }, { timeoutMs: 100 });
    expect(vi.getTimerCount()).toBe(baseline + 1);
    await vi.advanceTimersByTimeAsync(100);
    await expect(early).resolves.toMatchObject({ status: 'timed_out' });
    calls[0]!.result.resolve('in time');
    await expect(late).resolves.toMatchObject({ status: 'succeeded' });
  });

  it('leaves no timer behind once disposed', async () => {
    vi.useFakeTimers();
    const { engine, calls } = await setup({ limits: { disposeTimeoutMs: 50 } });
    // The factory's reaper interval is the only timer before the call.
    const baseline = vi.getTimerCount();
    void engine.executeAgent({ agentName: 'controlled' }, { timeoutMs: 10_000 });
    await vi.advanceTimersByTimeAsync(0);
    const disposing = engine.dispose();
    calls[0]!.result.resolve('settled');
    await vi.advanceTimersByTimeAsync(0);
    await disposing;
    expect(vi.getTimerCount()).toBe(baseline);
  });

  it('is not reaped while one call runs and another waits', async () => {
    vi.useFakeTimers();
    const { agent } = controlledAgent();
    const factory = createEngineFactory({
      agents: [agent],
      limits: { engineIdleTimeoutMs: 100, reapIntervalMs: 50, runTimeoutMs: 100_000, maxConcurrentRunsPerEngine: 1 },
    });
    const engine = await factory.createEngine(contextFor('u_busy'));
    void engine.executeAgent({ agentName: 'controlled' });
    void engine.executeAgent({ agentName: 'controlled' });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(engine.isActive()).toBe(true);
  });
});

describe('what events leave out', () => {
  it('has no stage, input, output or error keys when a run has none', async () => {
    const agent = defineAgent({ name: 'quiet', run: (_input, ctx) => ctx.tool('t', 'in', () => undefined) });
    const factory = createEngineFactory({ agents: [agent] });
    const engine = await factory.createEngine(contextFor('u_quiet'));
    const events = record(engine);
    await engine.executeAgent({ agentName: 'quiet' });
    for (const event of events) expect('stage' in event, event.type).toBe(false);
    const started = events.find((event) => event.type === 'agent_started')!;
    expect('input' in started).toBe(false);
    const completed = events.find((event) => event.type === 'agent_completed')!;
    expect('output' in completed || 'error' in completed).toBe(false);
    const tool = events.find((event) => event.type === 'tool_completed')!;
    expect('output' in tool || 'error' in tool).toBe(false);
  });

  it('never reports a negative tool duration when the clock runs backwards', async () => {
    let clock = 1_000;
    const agent = defineAgent({
      name: 'backwards',
      run: (_input, ctx) =>
        ctx.tool('t', undefined, () => {
          clock = 10;
          return 1;
        }),
    });
    const factory = createEngineFactory({ agents: [agent], now: () => clock });
    const engine = await factory.createEngine(contextFor('u_back'));
    const events = record(engine);
    await engine.executeAgent({ agentName: 'backwards' });
    expect(events.find((event) => event.type === 'tool_completed')).toMatchObject({ durationMs: 0 });
  });

  it('names the engine in the EngineDisposedError of a workflow event after dispose', async () => {
    const { engine } = await setup();
    await engine.dispose();
    expect(() => engine.emitWorkflowEvent({ type: 'workflow_started', executionId: 'wf', workflowId: 'wf', workflowName: 'n' })).toThrow(
      expect.objectContaining({ code: 'ENGINE_DISPOSED', engineId: engine.engineId }),
    );
  });

  it("gives an agent the call's stage on ctx.stage, and stable think and tool functions", async () => {
    const seen: Array<{ stage: unknown; stableThink: boolean; stableTool: boolean }> = [];
    const agent = defineAgent({
      name: 'staged',
      run: (_input, ctx) => {
        // biome-ignore lint/suspicious/noSelfCompare: two reads of a getter, which must return the same function
        seen.push({ stage: ctx.stage, stableThink: ctx.think === ctx.think, stableTool: ctx.tool === ctx.tool });
      },
    });
    const factory = createEngineFactory({ agents: [agent] });
    const engine = await factory.createEngine(contextFor('u_stage'));
    await engine.executeAgent({ agentName: 'staged', stage: 'data' });
    await engine.executeAgent({ agentName: 'staged' });
    expect(seen).toEqual([
      { stage: 'data', stableThink: true, stableTool: true },
      { stage: undefined, stableThink: true, stableTool: true },
    ]);
  });
});
