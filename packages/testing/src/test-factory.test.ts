import {
  type AgentEvent,
  DEFAULT_ENGINE_LIMITS,
  defineAgent,
  InvalidConfigError,
  InvalidUserContextError,
  isUserExecutionEngine,
} from '@baton/engine-contract';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createManualClock } from './manual-clock.js';
import { scriptedAgent } from './scripted-agent.js';
import { createTestFactory, TEST_ENGINE_LIMITS, type TestFactory } from './test-factory.js';

let factory: TestFactory | undefined;
afterEach(async () => {
  await factory?.shutdown();
  factory = undefined;
});

const echo = scriptedAgent({ name: 'echo', returns: (input) => input });
/** Never settles and ignores its signal: the agent dispose has to give up on. */
const deaf = defineAgent({ name: 'deaf', run: () => new Promise<never>(() => {}) });

describe('createTestFactory', () => {
  it('is a real factory: genuine engines, metrics, withEngine', async () => {
    factory = createTestFactory([echo]);
    const engine = await factory.createTestEngine();
    expect(isUserExecutionEngine(engine)).toBe(true);
    expect(await engine.executeAgent({ agentName: 'echo', input: 7 })).toMatchObject({ status: 'succeeded', output: 7 });
    const context = (await factory.createTestEngine({ userId: 'user-2' })).userContext;
    expect(await factory.withEngine(context, (other) => other.executeAgent({ agentName: 'echo', input: 8 }))).toMatchObject({ output: 8 });
    expect(factory.getMetrics()).toMatchObject({ enginesCreated: 3, runsSucceeded: 2 });
  });

  it('starts from TEST_ENGINE_LIMITS (short, small) and merges the given limits over them', () => {
    factory = createTestFactory([echo]);
    expect(factory.limits).toEqual(TEST_ENGINE_LIMITS);
    expect(TEST_ENGINE_LIMITS.runTimeoutMs).toBeLessThan(DEFAULT_ENGINE_LIMITS.runTimeoutMs);
    expect(TEST_ENGINE_LIMITS.disposeTimeoutMs).toBeLessThan(DEFAULT_ENGINE_LIMITS.disposeTimeoutMs);
    const tuned = createTestFactory([echo], { limits: { runTimeoutMs: 50 } });
    expect(tuned.limits).toEqual({ ...TEST_ENGINE_LIMITS, runTimeoutMs: 50 });
    expect(() => createTestFactory([echo], { limits: { runTimeoutMS: 5 } as never })).toThrow(InvalidConfigError);
  });

  it('runs on its manual clock: timestamps, deadlines and idle reaping follow clock.advance', async () => {
    factory = createTestFactory([echo, deaf]);
    const { clock } = factory;
    const engine = await factory.createTestEngine();
    const stuck = engine.executeAgent({ agentName: 'deaf' });
    await clock.advance(TEST_ENGINE_LIMITS.runTimeoutMs - 1);
    expect(factory.events.byType('agent_completed')).toEqual([]);
    await clock.advance(1);
    await expect(stuck).resolves.toMatchObject({ status: 'timed_out', durationMs: TEST_ENGINE_LIMITS.runTimeoutMs });
    expect(factory.events.byType('agent_completed')[0]?.timestamp).toBe(clock.now());
    await clock.advance(TEST_ENGINE_LIMITS.engineIdleTimeoutMs + TEST_ENGINE_LIMITS.reapIntervalMs);
    expect(engine.isActive()).toBe(false);
    expect(factory.getMetrics().enginesReaped).toBe(1);
  });

  it('shares a given clock', async () => {
    const clock = createManualClock({ start: 42_000 });
    factory = createTestFactory([echo], { clock });
    expect(factory.clock).toBe(clock);
    await (await factory.createTestEngine()).executeAgent({ agentName: 'echo' });
    expect(factory.events.events.every((event) => event.timestamp === 42_000)).toBe(true);
  });

  it('shuts down without waiting in real time for an agent that ignores its signal, and stops recording', async () => {
    factory = createTestFactory([deaf]);
    const engine = await factory.createTestEngine();
    const running = engine.executeAgent({ agentName: 'deaf' });
    const never = factory.events.waitFor('workflow_started');
    await factory.shutdown();
    await expect(running).resolves.toMatchObject({ status: 'cancelled' });
    expect(factory.logs.map((entry) => [entry.level, entry.message])).toContainEqual([
      'warn',
      'Baton: engine disposed without waiting further for agents that ignore their signal',
    ]);
    await expect(never).rejects.toBeInstanceOf(InvalidConfigError);
    await factory.shutdown();
  });

  it('validates events by default: an invalid one is logged and never delivered', async () => {
    const invalidClock = { ...createManualClock(), now: () => Number.NaN };
    factory = createTestFactory([echo], { clock: invalidClock as never });
    await (await factory.createTestEngine()).executeAgent({ agentName: 'echo' });
    expect(factory.events.events).toEqual([]);
    expect(factory.logs.filter((entry) => entry.level === 'error').map((entry) => entry.message)).toContain(
      'Baton: invalid event (validateEvents is on)',
    );
    const unchecked = createTestFactory([echo], { clock: invalidClock as never, validateEvents: false });
    await (await unchecked.createTestEngine()).executeAgent({ agentName: 'echo' });
    expect(unchecked.events.events).toHaveLength(2);
    await unchecked.shutdown();
  });

  it('passes every event to the caller taps after recording it; a throwing tap does not stop the others', async () => {
    const seen: string[] = [];
    const single = createTestFactory([echo], { onEvent: (event: AgentEvent) => seen.push(`one:${event.type}`) });
    await (await single.createTestEngine()).executeAgent({ agentName: 'echo' });
    await single.shutdown();
    expect(seen).toEqual(['one:agent_started', 'one:agent_completed']);

    seen.length = 0;
    const taps = [
      () => {
        throw new Error('tap failed');
      },
      (event: AgentEvent) => seen.push(`two:${event.type}`),
    ];
    factory = createTestFactory([echo], { onEvent: taps as never });
    const engine = await factory.createTestEngine();
    await engine.executeAgent({ agentName: 'echo' });
    expect(seen).toEqual(['two:agent_started', 'two:agent_completed']);
    expect(factory.events.events).toHaveLength(2);
    expect(engine.getStats().listenerErrors).toBe(2);
  });

  it('hands a given logger the factory logs (then `logs` stays empty)', async () => {
    const logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    factory = createTestFactory([echo], { logger });
    await factory.createTestEngine();
    expect(logger.debug).toHaveBeenCalled();
    expect(factory.logs).toEqual([]);
  });

  it('makes engines with fresh ids unless given, and refuses ids the contract refuses', async () => {
    factory = createTestFactory([echo], { limits: { maxEnginesPerUser: 5 } });
    const first = await factory.createTestEngine();
    const second = await factory.createTestEngine();
    expect(first.userContext).toMatchObject({ userId: 'user-1', threadId: 'thread-1', runId: 'run-1' });
    expect(second.userContext).toMatchObject({ userId: 'user-1', threadId: 'thread-2', runId: 'run-2' });
    const given = await factory.createTestEngine({ userId: 'ann', threadId: 't-9', runId: 'r-9' });
    expect(given.userContext).toMatchObject({ userId: 'ann', threadId: 't-9', runId: 'r-9' });
    const refused = await factory.createTestEngine({ userId: 'test' }).catch((error: unknown) => error);
    expect(InvalidUserContextError.isInstance(refused)).toBe(true);
    await expect(factory.createTestEngine(null as never)).rejects.toThrow('factory.createTestEngine(ids): ids must be an object');
  });

  it('refuses options of the wrong shape with InvalidConfigError', () => {
    expect(() => createTestFactory([echo], null as never)).toThrow('createTestFactory(agents, options): options must be an object');
    expect(() => createTestFactory([echo], { clock: { now: () => 0 } as never })).toThrow('createTestFactory: clock must be a ManualClock');
    expect(() => createTestFactory([echo], { onEvent: 'log' as never })).toThrow('onEvent must be a function or an array of functions');
    expect(() => createTestFactory([echo, echo])).toThrow('duplicate agent name "echo"');
  });
});
