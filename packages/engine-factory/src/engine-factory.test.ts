import {
  type AdmissionLease,
  assertUserExecutionEngine,
  defineAgent,
  FactoryShutdownError,
  InMemoryUserAdmission,
  InvalidConfigError,
  InvalidUserContextError,
  isUserExecutionEngine,
  type UserAdmission,
  type UserExecutionEngine,
  UserLimitExceededError,
} from '@baton/engine-contract';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { type ControlledCall, contextFor, controlledAgent, deferred, echoAgent, flush, spyLogger } from './__fixtures__/test-helpers.js';
import { createEngineFactory } from './engine-factory.js';
import type { EngineFactoryMetrics } from './engine-factory-metrics.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('createEngineFactory options', () => {
  it('rejects duplicate agent names with InvalidConfigError', () => {
    const twin = defineAgent({ name: 'echo', run: async () => 'twin' });
    expect(() => createEngineFactory({ agents: [echoAgent, twin] })).toThrow(InvalidConfigError);
    expect(() => createEngineFactory({ agents: [echoAgent, twin] })).toThrow(/duplicate agent name "echo"/);
  });

  it('rejects invalid limits naming the field', () => {
    expect(() => createEngineFactory({ agents: [], limits: { maxEnginesPerUser: 0 } })).toThrow(
      'limits.maxEnginesPerUser must be an integer ≥ 1',
    );
  });

  it.each([
    ['agents that are not an array', { agents: 'echo' }],
    ['an agent without run', { agents: [{ name: 'x' }] }],
    ['the reserved agent name workflow', { agents: [{ name: 'workflow', run: () => 1 }] }],
    ['a clock that is not a function', { agents: [], now: 5 }],
    ['an onEvent that is not a function', { agents: [], onEvent: 'x' }],
    ['an admission without acquire', { agents: [], admission: {} }],
    ['a non-boolean validateEvents', { agents: [], validateEvents: 'yes' }],
    ['no options at all', undefined],
  ])('rejects %s with InvalidConfigError', (_label, options) => {
    expect(() => createEngineFactory(options as never)).toThrow(InvalidConfigError);
  });

  it.each<[string, unknown, string]>([
    [
      'options that are not an object',
      'echo',
      'createEngineFactory expects options { agents, limits?, now?, timers?, logger?, admission?, onEvent?, validateEvents? }',
    ],
    [
      'null options',
      null,
      'createEngineFactory expects options { agents, limits?, now?, timers?, logger?, admission?, onEvent?, validateEvents? }',
    ],
    [
      'agents that are not an array',
      { agents: 'echo' },
      'createEngineFactory: agents must be an array of agent definitions (made with defineAgent)',
    ],
    ['an agent that is null', { agents: [null] }, 'createEngineFactory: agents[0] must be an agent definition (made with defineAgent)'],
    [
      'an agent that is a string',
      { agents: ['echo'] },
      'createEngineFactory: agents[0] must be an agent definition (made with defineAgent)',
    ],
    [
      'an agent with an empty name',
      { agents: [{ name: '', run: () => 1 }] },
      'createEngineFactory: agents[0].name must be a non-empty string',
    ],
    [
      'an agent with a non-string name',
      { agents: [{ name: 7, run: () => 1 }] },
      'createEngineFactory: agents[0].name must be a non-empty string',
    ],
    [
      'the reserved agent name',
      { agents: [{ name: 'workflow', run: () => 1 }] },
      'createEngineFactory: agent name "workflow" is reserved for workflow events',
    ],
    ['an agent without run', { agents: [{ name: 'x' }] }, 'createEngineFactory: agent "x" must have a run function'],
    [
      'an input that is not a schema',
      { agents: [{ name: 'x', run: () => 1, input: { safeParseAsync: 1 } }] },
      'createEngineFactory: agent "x": input must be a zod schema',
    ],
    [
      'an input schema that is null',
      { agents: [{ name: 'x', run: () => 1, input: null }] },
      'createEngineFactory: agent "x": input must be a zod schema',
    ],
    [
      'a function posing as a schema',
      { agents: [{ name: 'x', run: () => 1, input: Object.assign(() => 1, { safeParseAsync: () => 1 }) }] },
      'createEngineFactory: agent "x": input must be a zod schema',
    ],
    [
      'an output that is not a schema',
      { agents: [{ name: 'x', run: () => 1, output: 'string' }] },
      'createEngineFactory: agent "x": output must be a zod schema',
    ],
    [
      'a duplicate name at index 1',
      {
        agents: [
          { name: 'x', run: () => 1 },
          { name: 'x', run: () => 2 },
        ],
      },
      'createEngineFactory: duplicate agent name "x"; agent names must be unique within a factory',
    ],
    ['a clock that is not a function', { agents: [], now: 5 }, 'createEngineFactory: now must be a function'],
    [
      'an onEvent that is not a function',
      { agents: [], onEvent: 'x' },
      'createEngineFactory: onEvent must be a function or an array of functions',
    ],
    [
      'a logger that is not an object',
      { agents: [], logger: 'console' },
      'createEngineFactory: logger must be an object { debug?, info?, warn?, error? }',
    ],
    ['a null logger', { agents: [], logger: null }, 'createEngineFactory: logger must be an object { debug?, info?, warn?, error? }'],
    [
      'an admission without acquire',
      { agents: [], admission: {} },
      'createEngineFactory: admission must implement UserAdmission { acquire(userId, limit) }',
    ],
    [
      'a function as admission',
      { agents: [], admission: Object.assign(() => 1, { acquire: () => null }) },
      'createEngineFactory: admission must implement UserAdmission { acquire(userId, limit) }',
    ],
    ['a non-boolean validateEvents', { agents: [], validateEvents: 'yes' }, 'createEngineFactory: validateEvents must be a boolean'],
  ])('rejects %s with InvalidConfigError and an exact message', (_label, options, message) => {
    expect(() => createEngineFactory(options as never)).toThrow(new InvalidConfigError({ message }));
    let caught: unknown;
    try {
      createEngineFactory(options as never);
    } catch (error) {
      caught = error;
    }
    expect(InvalidConfigError.isInstance(caught)).toBe(true);
    expect((caught as Error).message).toBe(message);
  });

  it('accepts agents with zod schemas, a logger object, a boolean validateEvents and functions for now and onEvent', () => {
    const schema = z.string();
    expect(() =>
      createEngineFactory({
        agents: [defineAgent({ name: 'typed', input: schema, output: schema, run: (text: string) => text })],
        logger: {},
        validateEvents: false,
        now: () => 0,
        onEvent: () => {},
      }),
    ).not.toThrow();
  });

  it('exposes the resolved limits', () => {
    expect(createEngineFactory({ agents: [], limits: { runTimeoutMs: 5 } }).limits).toMatchObject({
      runTimeoutMs: 5,
      maxEnginesPerUser: 2,
    });
  });
});

describe('createEngine', () => {
  it('returns a genuine engine bound to the given context', async () => {
    const factory = createEngineFactory({ agents: [echoAgent] });
    const context = contextFor('u_1');
    const engine = await factory.createEngine(context);
    expect(engine.userContext).toBe(context);
    expect(engine.isActive()).toBe(true);
    expect(isUserExecutionEngine(engine)).toBe(true);
    expect(() => assertUserExecutionEngine(engine)).not.toThrow();
  });

  it('refuses a raw object that looks like a context with InvalidUserContextError', async () => {
    const factory = createEngineFactory({ agents: [] });
    const raw = { ...contextFor('u_1') };
    await expect(factory.createEngine(raw as never)).rejects.toSatisfy(InvalidUserContextError.isInstance);
    expect(factory.getMetrics().enginesCreated).toBe(0);
  });

  it('refuses one engine too many per user with the documented message, and counts the rejection', async () => {
    const factory = createEngineFactory({ agents: [] });
    await factory.createEngine(contextFor('u_1'));
    await factory.createEngine(contextFor('u_1'));
    const error = await factory.createEngine(contextFor('u_1')).catch((caught: unknown) => caught);
    expect(UserLimitExceededError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe('User u_1 has reached the maximum engine limit (2/2)');
    expect(error).toMatchObject({ userId: 'u_1', limit: 2 });
    expect(factory.getMetrics().userLimitRejections).toBe(1);
    // Another user is not affected.
    await expect(factory.createEngine(contextFor('u_2'))).resolves.toBeDefined();
  });

  it('frees the user slot as soon as dispose() is called', async () => {
    const { agent, calls } = controlledAgent();
    const factory = createEngineFactory({ agents: [agent], limits: { maxEnginesPerUser: 1 } });
    const first = await factory.createEngine(contextFor('u_1'));
    void first.executeAgent({ agentName: 'controlled' });
    const disposing = first.dispose();
    // Before the aborted agent has settled, the slot is already free.
    await expect(factory.createEngine(contextFor('u_1'))).resolves.toBeDefined();
    calls[0]!.result.resolve('late');
    await disposing;
  });

  it('asks the given admission for a lease and releases it on dispose', async () => {
    const release = vi.fn(async () => {});
    const acquire = vi.fn(async (): Promise<AdmissionLease | null> => ({ release }));
    const factory = createEngineFactory({ agents: [], admission: { acquire }, limits: { maxEnginesPerUser: 7 } });
    const engine = await factory.createEngine(contextFor('u_9'));
    expect(acquire).toHaveBeenCalledWith('u_9', 7);
    expect(release).not.toHaveBeenCalled();
    await engine.dispose();
    expect(release).toHaveBeenCalledTimes(1);
  });

  it('throws UserLimitExceededError when a custom admission says no', async () => {
    const admission: UserAdmission = { acquire: async () => null };
    const factory = createEngineFactory({ agents: [], admission });
    await expect(factory.createEngine(contextFor('u_1'))).rejects.toSatisfy(UserLimitExceededError.isInstance);
  });

  it('shares a limit across factories that share an admission (as a distributed one would)', async () => {
    const admission = new InMemoryUserAdmission();
    const a = createEngineFactory({ agents: [], admission, limits: { maxEnginesPerUser: 1 } });
    const b = createEngineFactory({ agents: [], admission, limits: { maxEnginesPerUser: 1 } });
    const engine = await a.createEngine(contextFor('u_1'));
    await expect(b.createEngine(contextFor('u_1'))).rejects.toSatisfy(UserLimitExceededError.isInstance);
    await engine.dispose();
    await expect(b.createEngine(contextFor('u_1'))).resolves.toBeDefined();
  });

  it('logs a lease whose release fails and still disposes', async () => {
    const logger = spyLogger();
    const admission: UserAdmission = { acquire: async () => ({ release: async () => Promise.reject(new Error('redis down')) }) };
    const factory = createEngineFactory({ agents: [], admission, logger });
    const engine = await factory.createEngine(contextFor('u_1'));
    await expect(engine.dispose()).resolves.toBeUndefined();
    expect(logger.error).toHaveBeenCalledWith(expect.stringMatching(/releasing/), expect.objectContaining({ userId: 'u_1' }));
    expect(factory.getMetrics()).toMatchObject({ enginesActive: 0, enginesDisposed: 1 });
  });

  it('releases the lease and throws FactoryShutdownError when shutdown happens while admission is pending', async () => {
    const gate = deferred<AdmissionLease | null>();
    const release = vi.fn(async () => {});
    const factory = createEngineFactory({ agents: [], admission: { acquire: () => gate.promise } });
    const creating = factory.createEngine(contextFor('u_1'));
    await factory.shutdown();
    gate.resolve({ release });
    await expect(creating).rejects.toSatisfy(FactoryShutdownError.isInstance);
    expect(release).toHaveBeenCalledTimes(1);
    expect(factory.getMetrics().enginesCreated).toBe(0);
  });
});

describe('the engine brand', () => {
  it('is true only for engines made by the factory: not for a Proxy, a look-alike or an object on the same prototype', async () => {
    const factory = createEngineFactory({ agents: [echoAgent] });
    const engine = await factory.createEngine(contextFor('u_1'));
    const lookAlike: UserExecutionEngine = {
      engineId: engine.engineId,
      userContext: engine.userContext,
      executeAgent: (...args) => engine.executeAgent(...args),
      subscribe: (listener) => engine.subscribe(listener),
      events: (options) => engine.events(options),
      emitWorkflowEvent: (event) => engine.emitWorkflowEvent(event),
      getStats: () => engine.getStats(),
      isActive: () => engine.isActive(),
      dispose: () => engine.dispose(),
      [Symbol.asyncDispose]: () => engine.dispose(),
    };
    expect(isUserExecutionEngine(engine)).toBe(true);
    expect(isUserExecutionEngine(new Proxy(engine, {}))).toBe(false);
    expect(isUserExecutionEngine(lookAlike)).toBe(false);
    expect(isUserExecutionEngine(Object.create(Object.getPrototypeOf(engine) as object))).toBe(false);
  });

  it('cannot be minted by subclassing the engine class outside the factory', async () => {
    const factory = createEngineFactory({ agents: [echoAgent] });
    const engine = await factory.createEngine(contextFor('u_1'));
    const EngineClass = (Object.getPrototypeOf(engine) as { constructor: new (...args: never[]) => object }).constructor;
    class Counterfeit extends EngineClass {}
    let made: unknown;
    try {
      made = new Counterfeit();
    } catch {
      made = undefined;
    }
    expect(isUserExecutionEngine(made)).toBe(false);
  });

  it('freezes the engine so that its methods cannot be swapped', async () => {
    const factory = createEngineFactory({ agents: [echoAgent] });
    const engine = await factory.createEngine(contextFor('u_1'));
    expect(Object.isFrozen(engine)).toBe(true);
    expect(() => {
      (engine as { executeAgent: unknown }).executeAgent = () => 'hijacked';
    }).toThrow(TypeError);
  });
});

describe('withEngine', () => {
  it("resolves to fn's result and disposes the engine afterwards", async () => {
    const factory = createEngineFactory({ agents: [echoAgent] });
    let used: UserExecutionEngine | undefined;
    const output = await factory.withEngine(contextFor('u_1'), async (engine) => {
      used = engine;
      return (await engine.executeAgent({ agentName: 'echo', input: 'hi' })).output;
    });
    expect(output).toBe('hi');
    expect(used?.isActive()).toBe(false);
    expect(factory.getMetrics()).toMatchObject({ enginesActive: 0, enginesDisposed: 1 });
  });

  it("disposes the engine when fn throws and rethrows fn's error unchanged", async () => {
    const factory = createEngineFactory({ agents: [] });
    const failure = new Error('fn failed');
    let used: UserExecutionEngine | undefined;
    const caught = await factory
      .withEngine(contextFor('u_1'), (engine) => {
        used = engine;
        throw failure;
      })
      .catch((error: unknown) => error);
    expect(caught).toBe(failure);
    expect(used?.isActive()).toBe(false);
  });
});

describe('disposeUser and shutdown', () => {
  it("disposes all of one user's engines and no one else's", async () => {
    const factory = createEngineFactory({ agents: [] });
    const a1 = await factory.createEngine(contextFor('u_a'));
    const a2 = await factory.createEngine(contextFor('u_a'));
    const b = await factory.createEngine(contextFor('u_b'));
    await expect(factory.disposeUser('u_a')).resolves.toBe(2);
    expect([a1.isActive(), a2.isActive(), b.isActive()]).toEqual([false, false, true]);
    expect(factory.getMetrics()).toMatchObject({ activeUsers: 1, enginesActive: 1 });
    await expect(factory.disposeUser('u_nobody')).resolves.toBe(0);
  });

  it('disposes every engine, is idempotent, and makes createEngine throw FactoryShutdownError', async () => {
    const factory = createEngineFactory({ agents: [] });
    const engines = await Promise.all([factory.createEngine(contextFor('u_a')), factory.createEngine(contextFor('u_b'))]);
    const first = factory.shutdown();
    expect(factory.shutdown()).toBe(first);
    await first;
    expect(engines.map((engine) => engine.isActive())).toEqual([false, false]);
    await expect(factory.createEngine(contextFor('u_a'))).rejects.toSatisfy(FactoryShutdownError.isInstance);
    expect(factory.getMetrics()).toMatchObject({ enginesCreated: 2, enginesActive: 0, enginesDisposed: 2, activeUsers: 0 });
  });

  it('works with detached methods', async () => {
    const { createEngine, shutdown } = createEngineFactory({ agents: [] });
    await createEngine(contextFor('u_a'));
    await shutdown();
  });
});

describe('the reaper', () => {
  it('disposes engines idle longer than engineIdleTimeoutMs, and counts them as reaped and disposed', async () => {
    vi.useFakeTimers();
    const logger = spyLogger();
    const factory = createEngineFactory({ agents: [echoAgent], logger, limits: { engineIdleTimeoutMs: 1_000, reapIntervalMs: 500 } });
    const idle = await factory.createEngine(contextFor('u_idle'));
    const busy = await factory.createEngine(contextFor('u_busy'));
    await vi.advanceTimersByTimeAsync(600);
    await busy.executeAgent({ agentName: 'echo' });
    // At 1500 the idle engine has been idle 1500 ms (> 1000); the busy one only 900 ms.
    await vi.advanceTimersByTimeAsync(900);
    expect(idle.isActive()).toBe(false);
    expect(busy.isActive()).toBe(true);
    expect(factory.getMetrics()).toMatchObject({ enginesReaped: 1, enginesDisposed: 1, enginesActive: 1 });
    expect(logger.info).toHaveBeenCalledWith(expect.stringMatching(/idle engine/), expect.objectContaining({ engineId: idle.engineId }));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(busy.isActive()).toBe(false);
    expect(factory.getMetrics().enginesReaped).toBe(2);
  });

  it('never reaps an engine with a run in flight', async () => {
    vi.useFakeTimers();
    const { agent, calls } = controlledAgent();
    const factory = createEngineFactory({
      agents: [agent],
      limits: { engineIdleTimeoutMs: 100, reapIntervalMs: 50, runTimeoutMs: 100_000 },
    });
    const engine = await factory.createEngine(contextFor('u_1'));
    const run = engine.executeAgent({ agentName: 'controlled' });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(engine.isActive()).toBe(true);
    calls[0]!.result.resolve('ok');
    await expect(run).resolves.toMatchObject({ status: 'succeeded' });
  });

  it('uses an unref-ed interval that stops on shutdown', async () => {
    vi.useFakeTimers();
    const factory = createEngineFactory({ agents: [], limits: { reapIntervalMs: 10 } });
    await factory.createEngine(contextFor('u_1'));
    expect(vi.getTimerCount()).toBe(1);
    await factory.shutdown();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('does not keep the process alive', async () => {
    const refedTimers = () => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
    const baseline = refedTimers();
    const factory = createEngineFactory({ agents: [], limits: { reapIntervalMs: 10 } });
    await factory.createEngine(contextFor('u_1'));
    expect(refedTimers()).toBe(baseline);
    await factory.shutdown();
  });
});

describe('metrics', () => {
  function assertBalanced(metrics: EngineFactoryMetrics, engines: readonly UserExecutionEngine[]) {
    let inFlight = 0;
    for (const engine of engines) {
      if (!engine.isActive()) continue;
      const stats = engine.getStats();
      inFlight += stats.activeRuns + stats.queuedRuns;
      expect(stats.runsStarted).toBe(
        stats.runsSucceeded + stats.runsFailed + stats.runsTimedOut + stats.runsCancelled + stats.activeRuns + stats.queuedRuns,
      );
    }
    expect(metrics.runsStarted).toBe(metrics.runsSucceeded + metrics.runsFailed + metrics.runsTimedOut + metrics.runsCancelled + inFlight);
    expect(metrics.enginesCreated).toBe(metrics.enginesActive + metrics.enginesDisposed);
  }

  type Op =
    | { kind: 'create'; user: number }
    | { kind: 'run'; engine: number; timeoutMs: number | undefined; withSignal: boolean }
    | { kind: 'settle'; call: number; outcome: 'resolve' | 'reject' }
    | { kind: 'abort'; call: number }
    | { kind: 'advance'; ms: number }
    | { kind: 'dispose'; engine: number };

  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ kind: fc.constant('create' as const), user: fc.integer({ min: 0, max: 2 }) }),
    fc.record({
      kind: fc.constant('run' as const),
      engine: fc.nat(),
      timeoutMs: fc.option(fc.integer({ min: 1, max: 200 }), { nil: undefined }),
      withSignal: fc.boolean(),
    }),
    fc.record({ kind: fc.constant('run' as const), engine: fc.nat(), timeoutMs: fc.constant(undefined), withSignal: fc.constant(false) }),
    fc.record({ kind: fc.constant('settle' as const), call: fc.nat(), outcome: fc.constantFrom('resolve' as const, 'reject' as const) }),
    fc.record({ kind: fc.constant('abort' as const), call: fc.nat() }),
    fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 150 }) }),
    fc.record({ kind: fc.constant('dispose' as const), engine: fc.nat() }),
  );

  it('balance at every step of a random workload (seeded)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 60 }), async (ops) => {
        vi.useFakeTimers();
        try {
          const { agent, calls } = controlledAgent();
          const factory = createEngineFactory({
            agents: [agent],
            limits: {
              maxEnginesPerUser: 2,
              maxConcurrentRunsPerEngine: 2,
              maxQueuedRunsPerEngine: 3,
              runTimeoutMs: 100,
              disposeTimeoutMs: 50,
            },
          });
          const engines: UserExecutionEngine[] = [];
          const controllers: AbortController[] = [];
          const settledCalls = new Set<ControlledCall>();
          let accepted = 0;
          for (const step of ops) {
            switch (step.kind) {
              case 'create':
                try {
                  engines.push(await factory.createEngine(contextFor(`u_${step.user}`)));
                } catch (error) {
                  expect(UserLimitExceededError.isInstance(error)).toBe(true);
                }
                break;
              case 'run': {
                const engine = engines[step.engine % Math.max(engines.length, 1)];
                if (engine === undefined) break;
                const controller = new AbortController();
                controllers.push(controller);
                const options = {
                  ...(step.timeoutMs === undefined ? {} : { timeoutMs: step.timeoutMs }),
                  ...(step.withSignal ? { signal: controller.signal } : {}),
                };
                engine.executeAgent({ agentName: 'controlled' }, options).then(
                  () => {},
                  () => {},
                );
                accepted++;
                break;
              }
              case 'settle': {
                const call = calls[step.call % Math.max(calls.length, 1)];
                if (call === undefined || settledCalls.has(call)) break;
                settledCalls.add(call);
                if (step.outcome === 'resolve') call.result.resolve('ok');
                else call.result.reject(new Error('no'));
                break;
              }
              case 'abort':
                controllers[step.call % Math.max(controllers.length, 1)]?.abort();
                break;
              case 'advance':
                await vi.advanceTimersByTimeAsync(step.ms);
                break;
              case 'dispose': {
                const engine = engines[step.engine % Math.max(engines.length, 1)];
                void engine?.dispose();
                break;
              }
            }
            assertBalanced(factory.getMetrics(), engines);
            await flush();
            assertBalanced(factory.getMetrics(), engines);
          }
          const metrics = factory.getMetrics();
          expect(metrics.runsStarted).toBeLessThanOrEqual(accepted);
          void factory.shutdown();
          await vi.advanceTimersByTimeAsync(100);
          const final = factory.getMetrics();
          assertBalanced(final, engines);
          expect(final.runsStarted).toBe(final.runsSucceeded + final.runsFailed + final.runsTimedOut + final.runsCancelled);
          expect(final).toMatchObject({ enginesActive: 0, activeUsers: 0 });
        } finally {
          vi.useRealTimers();
        }
      }),
      { seed: 20240611, numRuns: 60 },
    );
  });

  it('counts calls that had to wait in runsQueued and refusals of a full queue in userLimitRejections', async () => {
    const { agent, calls } = controlledAgent();
    const factory = createEngineFactory({ agents: [agent], limits: { maxConcurrentRunsPerEngine: 1, maxQueuedRunsPerEngine: 1 } });
    const engine = await factory.createEngine(contextFor('u_1'));
    const runs = [engine.executeAgent({ agentName: 'controlled' }), engine.executeAgent({ agentName: 'controlled' })];
    await expect(engine.executeAgent({ agentName: 'controlled' })).rejects.toSatisfy(UserLimitExceededError.isInstance);
    expect(factory.getMetrics()).toMatchObject({ runsStarted: 2, runsQueued: 1, userLimitRejections: 1 });
    calls[0]!.result.resolve(1);
    await flush();
    calls[1]!.result.resolve(2);
    await Promise.all(runs);
    await engine.dispose();
    // Counters survive the engine's disposal.
    expect(factory.getMetrics()).toMatchObject({
      runsStarted: 2,
      runsSucceeded: 2,
      runsQueued: 1,
      userLimitRejections: 1,
      enginesDisposed: 1,
    });
  });
});

describe('factory edges', () => {
  it('treats an admission that resolves undefined as a refusal, and one that resolves a non-lease as a configuration error', async () => {
    const refusing = createEngineFactory({ agents: [], admission: { acquire: async () => undefined as never } });
    await expect(refusing.createEngine(contextFor('u_1'))).rejects.toSatisfy(UserLimitExceededError.isInstance);
    for (const lease of ['lease', { release: 'no' }, 7, Object.assign(() => {}, { release: async () => {} })]) {
      const broken = createEngineFactory({ agents: [], admission: { acquire: async () => lease as never } });
      const error = (await broken.createEngine(contextFor('u_1')).then(undefined, (caught: unknown) => caught)) as Error;
      expect(InvalidConfigError.isInstance(error)).toBe(true);
      expect(error.message).toBe('admission.acquire must resolve to a lease { release() } or null');
    }
  });

  it('logs a lease whose release throws synchronously, and still disposes', async () => {
    const logger = spyLogger();
    const admission: UserAdmission = {
      acquire: async () => ({
        release: () => {
          throw new Error('sync failure');
        },
      }),
    };
    const factory = createEngineFactory({ agents: [], admission, logger });
    const engine = await factory.createEngine(contextFor('u_1'));
    await expect(engine.dispose()).resolves.toBeUndefined();
    expect(logger.error).toHaveBeenCalledWith(
      "Baton: releasing a user's engine slot failed",
      expect.objectContaining({ userId: 'u_1', engineId: engine.engineId, error: expect.any(Error) }),
    );
  });

  it('refuses a raw context object naming the userContext field and the rule', async () => {
    const factory = createEngineFactory({ agents: [] });
    const error = (await factory
      .createEngine({ userId: 'u_1' } as never)
      .then(undefined, (caught: unknown) => caught)) as InvalidUserContextError;
    expect(error.field).toBe('userContext');
    expect(error.message).toBe('userContext must be a context made by createUserExecutionContext (a plain object is not accepted)');
  });

  it('does not ask the admission for a slot once shut down', async () => {
    const acquire = vi.fn(async () => ({ release: async () => {} }));
    const factory = createEngineFactory({ agents: [], admission: { acquire } });
    await factory.shutdown();
    await expect(factory.createEngine(contextFor('u_1'))).rejects.toSatisfy(FactoryShutdownError.isInstance);
    expect(acquire).not.toHaveBeenCalled();
  });

  it('refuses a withEngine callback that is not a function, without creating an engine', async () => {
    const factory = createEngineFactory({ agents: [] });
    const error = (await factory.withEngine(contextFor('u_1'), 'fn' as never).then(undefined, (caught: unknown) => caught)) as Error;
    expect(InvalidConfigError.isInstance(error)).toBe(true);
    expect(error.message).toBe('withEngine(userContext, fn): fn must be a function');
    expect(factory.getMetrics().enginesCreated).toBe(0);
  });

  it('keeps a user active while one of their engines lives, and disposeUser finds the remaining one', async () => {
    const factory = createEngineFactory({ agents: [] });
    const first = await factory.createEngine(contextFor('u_1'));
    await factory.createEngine(contextFor('u_1'));
    await first.dispose();
    expect(factory.getMetrics().activeUsers).toBe(1);
    expect(await factory.disposeUser('u_1')).toBe(1);
    expect(factory.getMetrics().activeUsers).toBe(0);
  });

  it('counts cancelled runs of live engines in the factory metrics', async () => {
    const { agent } = controlledAgent();
    const factory = createEngineFactory({ agents: [agent] });
    const engine = await factory.createEngine(contextFor('u_1'));
    const controller = new AbortController();
    const running = engine.executeAgent({ agentName: 'controlled' }, { signal: controller.signal });
    controller.abort();
    await running;
    expect(factory.getMetrics()).toMatchObject({ runsCancelled: 1, runsStarted: 1 });
  });

  it('reaps an engine idle strictly longer than engineIdleTimeoutMs, logging how long it was idle', async () => {
    vi.useFakeTimers();
    let clock = 10_000;
    const logger = spyLogger();
    const factory = createEngineFactory({
      agents: [],
      logger,
      now: () => clock,
      limits: { engineIdleTimeoutMs: 1_000, reapIntervalMs: 100 },
    });
    const engine = await factory.createEngine(contextFor('u_1'));
    clock += 1_000;
    await vi.advanceTimersByTimeAsync(100);
    expect(engine.isActive()).toBe(true);
    clock += 1;
    await vi.advanceTimersByTimeAsync(100);
    expect(engine.isActive()).toBe(false);
    expect(logger.info).toHaveBeenCalledWith('Baton: disposing an idle engine', {
      engineId: engine.engineId,
      userId: 'u_1',
      idleMs: 1_001,
    });
  });

  it('keeps a single reaper interval however many engines it makes', async () => {
    vi.useFakeTimers();
    const factory = createEngineFactory({ agents: [], limits: { reapIntervalMs: 10, maxEnginesPerUser: 5 } });
    for (let index = 0; index < 3; index++) await factory.createEngine(contextFor('u_1'));
    expect(vi.getTimerCount()).toBe(1);
    await factory.shutdown();
  });

  it('logs engine creation, disposal and shutdown with their ids and counts', async () => {
    const logger = spyLogger();
    const factory = createEngineFactory({ agents: [], logger });
    const engine = await factory.createEngine(contextFor('u_1'));
    expect(logger.debug).toHaveBeenCalledWith('Baton: engine created', { engineId: engine.engineId, userId: 'u_1' });
    await engine.dispose();
    expect(logger.debug).toHaveBeenCalledWith('Baton: engine disposed', { engineId: engine.engineId, userId: 'u_1' });
    await factory.createEngine(contextFor('u_2'));
    await factory.shutdown();
    expect(logger.info).toHaveBeenCalledWith('Baton: engine factory shut down', { enginesDisposed: 1 });
  });
});
