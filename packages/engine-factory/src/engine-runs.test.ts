import {
  type AgentRunResult,
  defineAgent,
  EngineDisposedError,
  InvalidConfigError,
  UnknownAgentError,
  UserLimitExceededError,
} from '@baton/engine-contract';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { contextFor, controlledAgent, echoAgent, flush, record } from './__fixtures__/test-helpers.js';
import { createEngineFactory, type EngineFactoryOptions } from './engine-factory.js';

afterEach(() => {
  vi.useRealTimers();
});

async function setup(options: Partial<EngineFactoryOptions> = {}) {
  const controlled = controlledAgent();
  const factory = createEngineFactory({ agents: [echoAgent, controlled.agent], ...options });
  const engine = await factory.createEngine(contextFor('u_runs'));
  return { factory, engine, calls: controlled.calls };
}

/** Tracks whether a promise has settled, without awaiting it. */
function watch<T>(promise: Promise<T>) {
  const state: { settled: boolean; value: T | undefined } = { settled: false, value: undefined };
  void promise.then((value) => {
    state.settled = true;
    state.value = value;
  });
  return state;
}

describe('executeAgent: results', () => {
  it('resolves a succeeded result with the output and the ids of the engine context', async () => {
    const { engine } = await setup();
    const result = await engine.executeAgent({ agentName: 'echo', input: { q: 1 }, stage: 'data' });
    expect(result).toMatchObject({
      status: 'succeeded',
      agentName: 'echo',
      output: { q: 1 },
      stage: 'data',
      runId: engine.userContext.runId,
      requestId: engine.userContext.requestId,
      queuedMs: 0,
    });
    expect(result.error).toBeUndefined();
  });

  it('gives every call its own executionId', async () => {
    const { engine } = await setup();
    const [a, b] = await Promise.all([engine.executeAgent({ agentName: 'echo' }), engine.executeAgent({ agentName: 'echo' })]);
    expect(a.executionId).not.toBe(b.executionId);
  });

  it('runs synchronous agents too', async () => {
    const sync = defineAgent({ name: 'sync', run: (input: number) => input * 2 });
    const factory = createEngineFactory({ agents: [sync] });
    const engine = await factory.createEngine(contextFor('u_sync'));
    expect((await engine.executeAgent({ agentName: 'sync', input: 21 })).output).toBe(42);
  });

  it('measures durationMs with the injected clock', async () => {
    let time = 1_000;
    const { engine, calls } = await setup({ now: () => time });
    const pending = engine.executeAgent({ agentName: 'controlled' });
    time = 1_250;
    calls[0]!.result.resolve('done');
    expect(await pending).toMatchObject({ durationMs: 250, queuedMs: 0 });
  });

  it.each([
    [
      'a thrown Error',
      () => {
        throw new TypeError('broken');
      },
      { name: 'TypeError', message: 'broken' },
    ],
    ['a rejected promise', () => Promise.reject(new Error('nope')), { name: 'Error', message: 'nope' }],
    [
      'a thrown string',
      () => {
        throw 'plain string';
      },
      { name: 'NonError', message: 'plain string' },
    ],
    [
      'a thrown undefined',
      () => {
        throw undefined;
      },
      { name: 'NonError', message: 'undefined' },
    ],
    [
      'a rejection with an object',
      () => Promise.reject({ token: 'secret', why: 'x' }),
      { name: 'NonError', message: '{"token":"[REDACTED]","why":"x"}' },
    ],
  ])('turns %s into a failed result with error code AGENT_FAILED', async (_label, run, error) => {
    const failing = defineAgent({ name: 'failing', run });
    const factory = createEngineFactory({ agents: [failing] });
    const engine = await factory.createEngine(contextFor('u_fail'));
    const result = await engine.executeAgent({ agentName: 'failing' });
    expect(result.status).toBe('failed');
    expect(result.error).toEqual({ code: 'AGENT_FAILED', ...error });
    expect(engine.getStats().runsFailed).toBe(1);
  });

  it('fails a thenable whose then throws instead of waiting forever', async () => {
    const odd = defineAgent({
      name: 'odd',
      run: () =>
        ({
          then() {
            throw new Error('then exploded');
          },
        }) as unknown as Promise<unknown>,
    });
    const factory = createEngineFactory({ agents: [odd] });
    const engine = await factory.createEngine(contextFor('u_odd'));
    expect((await engine.executeAgent({ agentName: 'odd' })).error).toMatchObject({ code: 'AGENT_FAILED', message: 'then exploded' });
  });
});

describe('executeAgent: input and output schemas', () => {
  const typed = defineAgent({
    name: 'typed',
    input: z.object({ count: z.number() }),
    output: z.object({ doubled: z.number() }),
    run: async (input: { count: number }) => (input.count < 0 ? ({ doubled: 'negative' } as never) : { doubled: input.count * 2 }),
  });

  it('runs the agent with valid input and output', async () => {
    const factory = createEngineFactory({ agents: [typed] });
    const engine = await factory.createEngine(contextFor('u_typed'));
    expect(await engine.executeAgent({ agentName: 'typed', input: { count: 2 } })).toMatchObject({
      status: 'succeeded',
      output: { doubled: 4 },
    });
  });

  it('fails with INVALID_AGENT_IO on a bad input, without calling the agent', async () => {
    const run = vi.fn();
    const guarded = defineAgent({ name: 'guarded', input: z.string(), run });
    const factory = createEngineFactory({ agents: [guarded] });
    const engine = await factory.createEngine(contextFor('u_typed'));
    const result = await engine.executeAgent({ agentName: 'guarded', input: 42 });
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({ code: 'INVALID_AGENT_IO', name: 'ZodError' });
    expect(result.error?.message).toMatch(/Agent "guarded" input does not match its schema/);
    expect(run).not.toHaveBeenCalled();
  });

  it('fails with INVALID_AGENT_IO on a bad output, naming the path', async () => {
    const factory = createEngineFactory({ agents: [typed] });
    const engine = await factory.createEngine(contextFor('u_typed'));
    const result = await engine.executeAgent({ agentName: 'typed', input: { count: -1 } });
    expect(result.status).toBe('failed');
    expect(result.error?.code).toBe('INVALID_AGENT_IO');
    expect(result.error?.message).toMatch(/output does not match its schema at doubled/);
  });

  it('treats a refinement that throws as INVALID_AGENT_IO', async () => {
    const picky = defineAgent({
      name: 'picky',
      input: z.string().refine(() => {
        throw new Error('refinement crashed');
      }),
      run: async () => 'never',
    });
    const factory = createEngineFactory({ agents: [picky] });
    const engine = await factory.createEngine(contextFor('u_typed'));
    const result = await engine.executeAgent({ agentName: 'picky', input: 'x' });
    expect(result.error).toMatchObject({ code: 'INVALID_AGENT_IO', message: expect.stringMatching(/refinement crashed/) });
  });
});

describe('executeAgent: contract violations reject with typed errors', () => {
  it('rejects an unknown agent with UnknownAgentError listing the known names', async () => {
    const { engine } = await setup();
    const error = await engine.executeAgent({ agentName: 'nope' }).catch((caught: unknown) => caught);
    expect(UnknownAgentError.isInstance(error)).toBe(true);
    expect((error as UnknownAgentError).knownAgents).toEqual(['echo', 'controlled']);
    expect((error as Error).message).toBe('Unknown agent "nope". Known agents: echo, controlled.');
  });

  it.each([0, -5, Number.NaN, Number.POSITIVE_INFINITY, '100'])('rejects timeoutMs = %s with InvalidConfigError', async (timeoutMs) => {
    const { engine } = await setup();
    await expect(engine.executeAgent({ agentName: 'echo' }, { timeoutMs: timeoutMs as number })).rejects.toSatisfy(
      InvalidConfigError.isInstance,
    );
    expect(engine.getStats().runsStarted).toBe(0);
  });

  it('rejects a non-string stage and a non-signal signal', async () => {
    const { engine } = await setup();
    await expect(engine.executeAgent({ agentName: 'echo', stage: 3 as never })).rejects.toSatisfy(InvalidConfigError.isInstance);
    await expect(engine.executeAgent({ agentName: 'echo' }, { signal: {} as AbortSignal })).rejects.toSatisfy(
      InvalidConfigError.isInstance,
    );
  });

  it('rejects calls on a disposed engine with EngineDisposedError', async () => {
    const { engine } = await setup();
    await engine.dispose();
    const error = await engine.executeAgent({ agentName: 'echo' }).catch((caught: unknown) => caught);
    expect(EngineDisposedError.isInstance(error)).toBe(true);
    expect((error as EngineDisposedError).engineId).toBe(engine.engineId);
  });
});

describe('executeAgent: concurrency and the FIFO queue', () => {
  it('runs at most maxConcurrentRunsPerEngine at once and starts waiting calls in FIFO order', async () => {
    const { engine, calls } = await setup({ limits: { maxConcurrentRunsPerEngine: 2 } });
    const results = [1, 2, 3, 4, 5].map((n) => engine.executeAgent({ agentName: 'controlled', input: n }));
    expect(calls.map((call) => call.input)).toEqual([1, 2]);
    expect(engine.getStats()).toMatchObject({ activeRuns: 2, queuedRuns: 3 });

    calls[1]!.result.resolve('two');
    await flush();
    expect(calls.map((call) => call.input)).toEqual([1, 2, 3]);
    calls[0]!.result.resolve('one');
    await flush();
    expect(calls.map((call) => call.input)).toEqual([1, 2, 3, 4]);
    calls[2]!.result.resolve('three');
    await flush();
    expect(calls.map((call) => call.input)).toEqual([1, 2, 3, 4, 5]);
    calls[3]!.result.resolve('four');
    calls[4]!.result.resolve('five');
    expect((await Promise.all(results)).map((result) => result.output)).toEqual(['one', 'two', 'three', 'four', 'five']);
    expect(engine.getStats()).toMatchObject({
      activeRuns: 0,
      queuedRuns: 0,
      maxConcurrentRuns: 2,
      peakConcurrentRuns: 2,
      runsSucceeded: 5,
    });
  });

  it('reports the time spent waiting as queuedMs', async () => {
    let time = 0;
    const { engine, calls } = await setup({ now: () => time, limits: { maxConcurrentRunsPerEngine: 1 } });
    const first = engine.executeAgent({ agentName: 'controlled' });
    const second = engine.executeAgent({ agentName: 'controlled' });
    time = 40;
    calls[0]!.result.resolve(1);
    await first;
    time = 100;
    calls[1]!.result.resolve(2);
    expect(await second).toMatchObject({ queuedMs: 40, durationMs: 100 });
    expect(engine.getStats()).toMatchObject({ avgQueueMs: 20, maxRunMs: 100, avgRunMs: 70 });
  });

  it('rejects a call with UserLimitExceededError once the queue is full, and accepts again when a slot frees', async () => {
    const { engine, calls, factory } = await setup({ limits: { maxConcurrentRunsPerEngine: 1, maxQueuedRunsPerEngine: 2 } });
    const accepted = [1, 2, 3].map((n) => engine.executeAgent({ agentName: 'controlled', input: n }));
    const error = await engine.executeAgent({ agentName: 'controlled', input: 4 }).catch((caught: unknown) => caught);
    expect(UserLimitExceededError.isInstance(error)).toBe(true);
    expect((error as UserLimitExceededError).limit).toBe(2);
    expect((error as Error).message).toMatch(/too many runs waiting.*1 running and 2 queued.*maxQueuedRunsPerEngine/);
    expect(engine.getStats().runsStarted).toBe(3);
    expect(factory.getMetrics().userLimitRejections).toBe(1);

    calls[0]!.result.resolve('a');
    await accepted[0];
    const fourth = engine.executeAgent({ agentName: 'controlled', input: 4 });
    for (const index of [1, 2, 3]) {
      await flush();
      calls[index]!.result.resolve(index);
    }
    await expect(fourth).resolves.toMatchObject({ status: 'succeeded', output: 3 });
    await Promise.all(accepted);
  });

  it('starts the next waiting call when a sync agent frees its slot, without recursion limits', async () => {
    const sync = defineAgent({ name: 'sync', run: (n: number) => n });
    const factory = createEngineFactory({
      agents: [sync, controlledAgent().agent],
      limits: { maxConcurrentRunsPerEngine: 1, maxQueuedRunsPerEngine: 20_000 },
    });
    const engine = await factory.createEngine(contextFor('u_sync'));
    const results = Array.from({ length: 10_000 }, (_, n) => engine.executeAgent({ agentName: 'sync', input: n }));
    const outputs = (await Promise.all(results)).map((result) => result.output);
    expect(outputs[9_999]).toBe(9_999);
  });
});

describe('executeAgent: timeouts', () => {
  it('returns timed_out at the deadline even when the agent ignores its signal, and frees the slot then', async () => {
    vi.useFakeTimers();
    const { engine, calls } = await setup({ limits: { maxConcurrentRunsPerEngine: 1 } });
    const events = record(engine);
    const slow = watch(engine.executeAgent({ agentName: 'controlled', input: 'slow' }, { timeoutMs: 1_000 }));
    const next = watch(engine.executeAgent({ agentName: 'controlled', input: 'next' }, { timeoutMs: 5_000 }));

    await vi.advanceTimersByTimeAsync(999);
    expect(slow.settled).toBe(false);
    expect(calls).toHaveLength(1);

    await vi.advanceTimersByTimeAsync(1);
    expect(slow.settled).toBe(true);
    expect(slow.value).toMatchObject({ status: 'timed_out', durationMs: 1_000, error: { code: 'RUN_TIMEOUT', name: 'TimeoutError' } });
    // The slot went to the waiting call at the deadline.
    expect(calls.map((call) => call.input)).toEqual(['slow', 'next']);
    expect(calls[0]!.ctx.signal.aborted).toBe(true);
    expect((calls[0]!.ctx.signal.reason as Error).name).toBe('TimeoutError');

    // The abandoned agent settles late: nothing changes, it is counted, and its late thought emits nothing.
    const eventsBefore = events.length;
    calls[0]!.ctx.think('too late');
    calls[0]!.result.resolve('late value');
    await flush();
    expect(slow.value?.status).toBe('timed_out');
    expect(events.length).toBe(eventsBefore);
    expect(engine.getStats()).toMatchObject({ runsTimedOut: 1, orphanedRuns: 1, activeRuns: 1 });

    calls[1]!.result.resolve('ok');
    await flush();
    expect(next.value?.status).toBe('succeeded');
    expect(events.filter((event) => event.type === 'agent_completed').map((event) => event.executionId)).toEqual([
      slow.value!.executionId,
      next.value!.executionId,
    ]);
  });

  it('uses the factory runTimeoutMs by default', async () => {
    vi.useFakeTimers();
    const { engine } = await setup({ limits: { runTimeoutMs: 300 } });
    const run = watch(engine.executeAgent({ agentName: 'controlled' }));
    await vi.advanceTimersByTimeAsync(299);
    expect(run.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(run.value?.status).toBe('timed_out');
  });

  it('counts queue wait against the deadline: a call still waiting at its deadline times out without starting', async () => {
    vi.useFakeTimers();
    const { engine, calls } = await setup({ limits: { maxConcurrentRunsPerEngine: 1 } });
    const events = record(engine);
    void engine.executeAgent({ agentName: 'controlled', input: 'holder' }, { timeoutMs: 10_000 });
    const waiting = watch(engine.executeAgent({ agentName: 'controlled', input: 'waiter' }, { timeoutMs: 500 }));
    await vi.advanceTimersByTimeAsync(500);
    expect(waiting.value).toMatchObject({ status: 'timed_out', queuedMs: 500, durationMs: 500 });
    expect(calls).toHaveLength(1);
    const ownEvents = events.filter((event) => event.executionId === waiting.value!.executionId);
    expect(ownEvents.map((event) => event.type)).toEqual(['agent_completed']);
  });

  it('times out calls with different deadlines each at its own deadline', async () => {
    vi.useFakeTimers();
    const { engine } = await setup();
    const long = watch(engine.executeAgent({ agentName: 'controlled' }, { timeoutMs: 900 }));
    const short = watch(engine.executeAgent({ agentName: 'controlled' }, { timeoutMs: 100 }));
    const middle = watch(engine.executeAgent({ agentName: 'controlled' }, { timeoutMs: 400 }));
    await vi.advanceTimersByTimeAsync(100);
    expect([short.settled, middle.settled, long.settled]).toEqual([true, false, false]);
    await vi.advanceTimersByTimeAsync(300);
    expect([middle.settled, long.settled]).toEqual([true, false]);
    await vi.advanceTimersByTimeAsync(500);
    expect(long.value?.durationMs).toBe(900);
  });

  it('still times out a pending call on time when a listener starts a later call during a timeout', async () => {
    vi.useFakeTimers();
    const { engine } = await setup();
    engine.subscribe((event) => {
      if (event.type === 'agent_completed' && event.status === 'timed_out' && event.durationMs === 100) {
        void engine.executeAgent({ agentName: 'controlled' }, { timeoutMs: 10_000 });
      }
    });
    void engine.executeAgent({ agentName: 'controlled' }, { timeoutMs: 100 });
    const second = watch(engine.executeAgent({ agentName: 'controlled' }, { timeoutMs: 200 }));
    await vi.advanceTimersByTimeAsync(200);
    expect(second.value?.status).toBe('timed_out');
  });

  it('keeps the process alive with its deadline timer only while a call is pending', async () => {
    const refedTimers = () => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
    const { engine, calls } = await setup();
    const baseline = refedTimers();
    const pending = engine.executeAgent({ agentName: 'controlled' });
    expect(refedTimers()).toBe(baseline + 1);
    calls[0]!.result.resolve('done');
    await pending;
    expect(refedTimers()).toBe(baseline);
    const again = engine.executeAgent({ agentName: 'controlled' });
    expect(refedTimers()).toBe(baseline + 1);
    calls[1]!.result.resolve('done');
    await again;
    expect(refedTimers()).toBe(baseline);
  });
});

describe('executeAgent: deadlines when the timer runs late (event-loop lag)', () => {
  // The injected clock moves on while no timer fires: exactly what a blocked event loop looks like.
  async function laggingSetup() {
    let clock = 1_000;
    const controlled = controlledAgent();
    const factory = createEngineFactory({ agents: [controlled.agent], limits: { maxConcurrentRunsPerEngine: 1 }, now: () => clock });
    const engine = await factory.createEngine(contextFor('u_lag'));
    return { engine, calls: controlled.calls, advance: (ms: number) => (clock += ms) };
  }

  it('ends a queued call whose deadline passed as timed_out instead of giving it the freed slot', async () => {
    const { engine, calls, advance } = await laggingSetup();
    const first = engine.executeAgent({ agentName: 'controlled', input: 'first' }, { timeoutMs: 60_000 });
    const late = engine.executeAgent({ agentName: 'controlled', input: 'late' }, { timeoutMs: 5 });
    advance(100);
    calls[0]!.result.resolve('done');
    await expect(first).resolves.toMatchObject({ status: 'succeeded' });
    await expect(late).resolves.toMatchObject({ status: 'timed_out', queuedMs: 100, error: { code: 'RUN_TIMEOUT' } });
    expect(calls.map((call) => call.input)).toEqual(['first']);
    await engine.dispose();
  });

  it('reports an agent that settles after its deadline, before the timer ran, as timed_out', async () => {
    const { engine, calls, advance } = await laggingSetup();
    const run = engine.executeAgent({ agentName: 'controlled' }, { timeoutMs: 50 });
    advance(120);
    calls[0]!.result.resolve('too late');
    await expect(run).resolves.toMatchObject({ status: 'timed_out', durationMs: 120, error: { code: 'RUN_TIMEOUT' } });
    expect(engine.getStats()).toMatchObject({ runsTimedOut: 1, runsSucceeded: 0 });
    await engine.dispose();
  });

  it('still reports an agent that settles exactly at its deadline as succeeded', async () => {
    const { engine, calls, advance } = await laggingSetup();
    const run = engine.executeAgent({ agentName: 'controlled' }, { timeoutMs: 50 });
    advance(50);
    calls[0]!.result.resolve('just in time');
    await expect(run).resolves.toMatchObject({ status: 'succeeded', output: 'just in time' });
    await engine.dispose();
  });
});

describe('executeAgent: cancellation', () => {
  it('answers an already aborted signal with cancelled without starting the agent', async () => {
    const { engine, calls } = await setup();
    const events = record(engine);
    const controller = new AbortController();
    controller.abort();
    const result = await engine.executeAgent({ agentName: 'controlled' }, { signal: controller.signal });
    expect(result).toMatchObject({ status: 'cancelled', error: { code: 'RUN_CANCELLED', name: 'AbortError' } });
    expect(calls).toHaveLength(0);
    expect(events.map((event) => event.type)).toEqual(['agent_completed']);
    expect(engine.getStats()).toMatchObject({ runsStarted: 1, runsCancelled: 1 });
  });

  it('ends a waiting call cancelled without ever starting it', async () => {
    const { engine, calls } = await setup({ limits: { maxConcurrentRunsPerEngine: 1 } });
    const events = record(engine);
    void engine.executeAgent({ agentName: 'controlled', input: 'holder' });
    const controller = new AbortController();
    const queued = engine.executeAgent({ agentName: 'controlled', input: 'queued' }, { signal: controller.signal });
    controller.abort();
    const result = await queued;
    expect(result.status).toBe('cancelled');
    calls[0]!.result.resolve('done');
    await flush();
    expect(calls.map((call) => call.input)).toEqual(['holder']);
    expect(events.filter((event) => event.executionId === result.executionId).map((event) => event.type)).toEqual(['agent_completed']);
  });

  it('ends a running call cancelled at once even if the agent ignores its signal, and aborts the agent signal with the reason', async () => {
    const { engine, calls } = await setup();
    const controller = new AbortController();
    const running = watch(engine.executeAgent({ agentName: 'controlled' }, { signal: controller.signal }));
    const agentSignal = calls[0]!.ctx.signal;
    controller.abort('user pressed stop');
    await flush();
    expect(running.value?.status).toBe('cancelled');
    expect(agentSignal.aborted).toBe(true);
    expect(agentSignal.reason).toBe('user pressed stop');
    calls[0]!.result.reject(new Error('aborted late'));
    await flush();
    expect(engine.getStats()).toMatchObject({ runsCancelled: 1, runsFailed: 0, orphanedRuns: 1 });
  });

  it('gives an agent that reads its signal only after the end an already aborted signal', async () => {
    vi.useFakeTimers();
    const { engine, calls } = await setup();
    void engine.executeAgent({ agentName: 'controlled' }, { timeoutMs: 10 });
    await vi.advanceTimersByTimeAsync(10);
    expect(calls[0]!.ctx.signal.aborted).toBe(true);
  });

  it('stops listening to the caller signal when the call ends', async () => {
    const { engine } = await setup();
    const controller = new AbortController();
    const remove = vi.spyOn(controller.signal, 'removeEventListener');
    await engine.executeAgent({ agentName: 'echo' }, { signal: controller.signal });
    expect(remove).toHaveBeenCalledWith('abort', expect.anything());
  });
});

describe('dispose', () => {
  it('cancels running and waiting calls at once (waiting ones never start), and waits for the agents to settle', async () => {
    const { engine, calls } = await setup({ limits: { maxConcurrentRunsPerEngine: 1 } });
    const events = record(engine);
    const running = engine.executeAgent({ agentName: 'controlled', input: 'running' });
    const waiting = engine.executeAgent({ agentName: 'controlled', input: 'waiting' });
    const agentSignal = calls[0]!.ctx.signal;
    agentSignal.addEventListener('abort', () => calls[0]!.result.reject(agentSignal.reason));

    const disposed = watch(engine.dispose());
    expect(engine.isActive()).toBe(false);
    const results: AgentRunResult[] = await Promise.all([running, waiting]);
    expect(results.map((result) => result.status)).toEqual(['cancelled', 'cancelled']);
    expect(results[0]!.error?.message).toMatch(/disposed/);
    expect(calls).toHaveLength(1);
    expect(events.filter((event) => event.executionId === results[1]!.executionId).map((event) => event.type)).toEqual(['agent_completed']);
    await flush();
    expect(disposed.settled).toBe(true);
  });

  it('is idempotent: every call returns the same promise', async () => {
    const { engine } = await setup();
    const first = engine.dispose();
    expect(engine.dispose()).toBe(first);
    expect(engine[Symbol.asyncDispose]()).toBe(first);
    await first;
  });

  it('gives up waiting for an agent that never settles after disposeTimeoutMs and logs it', async () => {
    vi.useFakeTimers();
    const warn = vi.fn();
    const { engine } = await setup({ limits: { disposeTimeoutMs: 2_000 }, logger: { warn } });
    void engine.executeAgent({ agentName: 'controlled' });
    const disposed = watch(engine.dispose());
    await vi.advanceTimersByTimeAsync(1_999);
    expect(disposed.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(disposed.settled).toBe(true);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/without waiting further/), expect.objectContaining({ unsettledAgents: 1 }));
  });

  it('works when a listener disposes the engine while a run completes', async () => {
    const { engine, calls } = await setup();
    engine.subscribe((event) => {
      if (event.type === 'agent_completed') void engine.dispose();
    });
    const first = engine.executeAgent({ agentName: 'controlled' });
    const second = engine.executeAgent({ agentName: 'controlled' });
    calls[0]!.result.resolve('x');
    expect((await first).status).toBe('succeeded');
    expect((await second).status).toBe('cancelled');
    expect(engine.isActive()).toBe(false);
  });
});
