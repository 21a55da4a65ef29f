/**
 * `ctx.reportUsage` (api-v2 §2): usage summed over a call, carried by its result and agent_completed
 * only when reported, ignored after the run ended, and counted by getStats() and getMetrics().
 */
import { type AgentEvent, defineAgent, InvalidConfigError, type TokenUsageReport } from '@baton/engine-contract';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { contextFor, controlledAgent, echoAgent, record } from './__fixtures__/test-helpers.js';
import { createEngineFactory, type EngineFactoryOptions } from './engine-factory.js';

afterEach(() => {
  vi.useRealTimers();
});

/** Reports each usage of its input, in order, then returns. */
const reporter = defineAgent({
  name: 'reporter',
  run: async (reports: TokenUsageReport[], ctx) => {
    for (const report of reports) {
      ctx.reportUsage(report);
      await Promise.resolve();
    }
    return reports.length;
  },
});

async function setup(options: Partial<EngineFactoryOptions> = {}) {
  const controlled = controlledAgent();
  const factory = createEngineFactory({ agents: [reporter, echoAgent, controlled.agent], ...options });
  const engine = await factory.createEngine(contextFor('u_usage'));
  return { factory, engine, calls: controlled.calls };
}

const completedOf = (events: AgentEvent[]) => events.filter((event) => event.type === 'agent_completed');

describe('ctx.reportUsage', () => {
  it('sums every report of the call onto its result and its agent_completed', async () => {
    const { engine } = await setup();
    const events = record(engine);
    const result = await engine.executeAgent({
      agentName: 'reporter',
      input: [{ inputTokens: 100, outputTokens: 20, totalTokens: 130 }, { inputTokens: 40, outputTokens: 10 }, { outputTokens: 5 }],
    });
    const usage = { inputTokens: 140, outputTokens: 35, totalTokens: 130 + 50 + 5 };
    expect(result).toMatchObject({ status: 'succeeded', usage });
    expect(completedOf(events)).toEqual([expect.objectContaining({ usage })]);
  });

  it('defaults each missing count to 0 and a missing total to input + output', async () => {
    const { engine } = await setup();
    expect((await engine.executeAgent({ agentName: 'reporter', input: [{ outputTokens: 7 }] })).usage).toEqual({
      inputTokens: 0,
      outputTokens: 7,
      totalTokens: 7,
    });
    expect((await engine.executeAgent({ agentName: 'reporter', input: [{ totalTokens: 9 }] })).usage).toEqual({
      inputTokens: 0,
      outputTokens: 0,
      totalTokens: 9,
    });
    expect((await engine.executeAgent({ agentName: 'reporter', input: [{ inputTokens: 0 }] })).usage).toEqual({
      inputTokens: 0,
      outputTokens: 0,
      totalTokens: 0,
    });
  });

  it('puts no usage key on the result or agent_completed when nothing was reported ({} and undefined counts included)', async () => {
    const { engine } = await setup();
    const events = record(engine);
    const silent = await engine.executeAgent({ agentName: 'echo', input: 1 });
    const empty = await engine.executeAgent({ agentName: 'reporter', input: [{}, { inputTokens: undefined }] });
    for (const result of [silent, empty]) expect(result).not.toHaveProperty('usage');
    for (const event of completedOf(events)) expect(event).not.toHaveProperty('usage');
  });

  it('ignores keys other than the three counts (a provider usage object can be passed as it is)', async () => {
    const { engine } = await setup();
    const report = { inputTokens: 3, outputTokens: 2, reasoningTokens: 1, cachedInputTokens: undefined } as TokenUsageReport;
    expect((await engine.executeAgent({ agentName: 'reporter', input: [report] })).usage).toEqual({
      inputTokens: 3,
      outputTokens: 2,
      totalTokens: 5,
    });
  });

  it.each([
    ['a negative count', { inputTokens: -1 }, 'usage.inputTokens'],
    ['a fractional count', { outputTokens: 1.5 }, 'usage.outputTokens'],
    ['a string count', { totalTokens: '3' }, 'usage.totalTokens'],
    ['NaN', { inputTokens: Number.NaN }, 'usage.inputTokens'],
    ['null', null, 'usage'],
    ['a number', 12, 'usage'],
    ['undefined', undefined, 'usage'],
  ])(
    'throws a typed InvalidConfigError synchronously for %s, naming the field, and counts nothing of it',
    async (_label, report, field) => {
      const { engine, calls } = await setup();
      const run = engine.executeAgent({ agentName: 'controlled' });
      const ctx = calls[0]!.ctx;
      let caught: unknown;
      try {
        ctx.reportUsage(report as TokenUsageReport);
      } catch (error) {
        caught = error;
      }
      expect(InvalidConfigError.isInstance(caught)).toBe(true);
      expect((caught as InvalidConfigError).code).toBe('INVALID_CONFIG');
      expect((caught as Error).message).toMatch(new RegExp(`^ctx\\.reportUsage\\(usage\\): ${field.replace('.', '\\.')}: `));
      ctx.reportUsage({ inputTokens: 1 });
      calls[0]!.result.resolve('done');
      await expect(run).resolves.toMatchObject({ status: 'succeeded', usage: { inputTokens: 1, outputTokens: 0, totalTokens: 1 } });
    },
  );

  it('keeps the usage reported before a timeout on the timed_out result and ignores what comes after', async () => {
    vi.useFakeTimers();
    const { engine, calls } = await setup();
    const events = record(engine);
    const run = engine.executeAgent({ agentName: 'controlled' }, { timeoutMs: 10 });
    calls[0]!.ctx.reportUsage({ inputTokens: 50 });
    await vi.advanceTimersByTimeAsync(10);
    const result = await run;
    calls[0]!.ctx.reportUsage({ inputTokens: 1_000, outputTokens: 1_000 });
    calls[0]!.result.resolve('late');
    await vi.advanceTimersByTimeAsync(0);
    expect(result).toMatchObject({ status: 'timed_out', usage: { inputTokens: 50, outputTokens: 0, totalTokens: 50 } });
    expect(completedOf(events)[0]).toMatchObject({ status: 'timed_out', usage: { inputTokens: 50 } });
    expect(engine.getStats()).toMatchObject({ inputTokens: 50, outputTokens: 0 });
  });

  it('ends the run timed_out and ignores the report when usage is reported past the deadline before the deadline timer ran (event-loop lag)', async () => {
    vi.useFakeTimers();
    let time = 0;
    const { engine, calls } = await setup({ now: () => time });
    const run = engine.executeAgent({ agentName: 'controlled' }, { timeoutMs: 10 });
    calls[0]!.ctx.reportUsage({ inputTokens: 5 });
    time = 10;
    calls[0]!.ctx.reportUsage({ outputTokens: 2 });
    // An empty report counts nothing, so it does not end the run either.
    time = 11;
    calls[0]!.ctx.reportUsage({});
    expect(engine.getStats().activeRuns).toBe(1);
    // The timer has not fired (fake timers not advanced): the late report itself ends the run.
    calls[0]!.ctx.reportUsage({ inputTokens: 1_000 });
    await expect(run).resolves.toMatchObject({
      status: 'timed_out',
      error: { code: 'RUN_TIMEOUT' },
      usage: { inputTokens: 5, outputTokens: 2, totalTokens: 7 },
    });
    expect(calls[0]!.ctx.signal.aborted).toBe(true);
    expect(engine.getStats()).toMatchObject({ runsTimedOut: 1, activeRuns: 0, inputTokens: 5, outputTokens: 2 });
  });

  it('ignores usage reported after the caller cancelled or the engine was disposed (still throwing for a bad report)', async () => {
    const { factory, engine, calls } = await setup();
    const controller = new AbortController();
    const cancelled = engine.executeAgent({ agentName: 'controlled' }, { signal: controller.signal });
    const disposed = engine.executeAgent({ agentName: 'controlled' });
    controller.abort();
    const disposing = engine.dispose();
    for (const call of calls) {
      call.ctx.reportUsage({ inputTokens: 10, outputTokens: 10 });
      expect(() => call.ctx.reportUsage({ inputTokens: -1 })).toThrow(InvalidConfigError);
      call.result.resolve('late');
    }
    await disposing;
    for (const result of await Promise.all([cancelled, disposed])) {
      expect(result.status).toBe('cancelled');
      expect(result).not.toHaveProperty('usage');
    }
    expect(engine.getStats()).toMatchObject({ inputTokens: 0, outputTokens: 0 });
    expect(factory.getMetrics()).toMatchObject({ inputTokens: 0, outputTokens: 0 });
  });

  it("hands the event its own copy of the usage: a listener editing it cannot change the caller's result", async () => {
    const { engine } = await setup();
    engine.subscribe((event) => {
      if (event.type === 'agent_completed' && event.usage !== undefined) event.usage.inputTokens = 999;
    });
    const result = await engine.executeAgent({ agentName: 'reporter', input: [{ inputTokens: 4, outputTokens: 1 }] });
    expect(result.usage).toEqual({ inputTokens: 4, outputTokens: 1, totalTokens: 5 });
    expect(engine.getStats().inputTokens).toBe(4);
  });
});

describe('token counters in getStats() and getMetrics()', () => {
  it('sums the input and output tokens of finished calls only', async () => {
    const { engine, calls } = await setup();
    expect(engine.getStats()).toMatchObject({ inputTokens: 0, outputTokens: 0 });
    await engine.executeAgent({ agentName: 'reporter', input: [{ inputTokens: 10, outputTokens: 3 }] });
    await engine.executeAgent({ agentName: 'reporter', input: [{ inputTokens: 5 }, { outputTokens: 2, totalTokens: 100 }] });
    await engine.executeAgent({ agentName: 'echo' });
    expect(engine.getStats()).toMatchObject({ inputTokens: 15, outputTokens: 5 });
    // A running call's usage counts once it has finished.
    const running = engine.executeAgent({ agentName: 'controlled' });
    calls[0]!.ctx.reportUsage({ inputTokens: 7, outputTokens: 1 });
    expect(engine.getStats()).toMatchObject({ inputTokens: 15, outputTokens: 5 });
    calls[0]!.result.resolve('done');
    await running;
    expect(engine.getStats()).toMatchObject({ inputTokens: 22, outputTokens: 6 });
  });

  it("sums every engine's tokens in the factory metrics, keeps disposed engines' totals, and never decreases", async () => {
    const factory = createEngineFactory({ agents: [reporter] });
    const alice = await factory.createEngine(contextFor('u_alice'));
    const bob = await factory.createEngine(contextFor('u_bob'));
    expect(factory.getMetrics()).toMatchObject({ inputTokens: 0, outputTokens: 0 });
    await alice.executeAgent({ agentName: 'reporter', input: [{ inputTokens: 100, outputTokens: 10 }] });
    await bob.executeAgent({ agentName: 'reporter', input: [{ inputTokens: 1, outputTokens: 2 }] });
    // Each engine counts only its own user's calls.
    expect(alice.getStats()).toMatchObject({ inputTokens: 100, outputTokens: 10 });
    expect(bob.getStats()).toMatchObject({ inputTokens: 1, outputTokens: 2 });
    expect(factory.getMetrics()).toMatchObject({ inputTokens: 101, outputTokens: 12 });
    await alice.dispose();
    expect(factory.getMetrics()).toMatchObject({ inputTokens: 101, outputTokens: 12, enginesDisposed: 1 });
    await bob.executeAgent({ agentName: 'reporter', input: [{ inputTokens: 9 }] });
    await factory.shutdown();
    expect(factory.getMetrics()).toMatchObject({ inputTokens: 110, outputTokens: 12, enginesActive: 0 });
  });
});
