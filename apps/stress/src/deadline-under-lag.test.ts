import { createUserExecutionContext, defineAgent } from '@baton/engine-contract';
import { createEngineFactory } from '@baton/engine-factory';
import { afterEach, describe, expect, it } from 'vitest';

/**
 * Regression tests for what the stress run found on the wall clock: under event-loop lag, `timeoutMs`
 * ("a deadline from the call", api.md) was only enforced when the engine's deadline timer callback
 * happened to run before the agent's own continuation (Node runs every due timer of one duration
 * list before the next list, so an agent's settle, or a freed slot, could be processed first).
 * That situation is built here exactly, without depending on the machine: the factory's clock is a
 * number the test moves, and its timers never fire, as if the deadline timer were always late.
 */
function lateTimerClock() {
  let now = 0;
  const never = { ref: () => undefined, unref: () => undefined };
  return {
    now: () => now,
    /** Moves the clock; no timer fires (the deadline timer is "late"). */
    set: (time: number) => {
      now = time;
    },
    timers: {
      setTimeout: () => never,
      clearTimeout: () => undefined,
      setInterval: () => never,
      clearInterval: () => undefined,
    },
  };
}

/** A promise the test settles when it chooses. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

/** An agent that ignores ctx.signal and settles when the test opens `finish`. */
function gatedAgent(name: string, finish: ReturnType<typeof gate>) {
  return defineAgent({
    name,
    run: async () => {
      await finish.opened;
      return `${name} done`;
    },
  });
}

const context = () => createUserExecutionContext({ userId: 'user-lag', threadId: 'thread-lag', runId: 'run-lag' });
const factories: Array<{ shutdown(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(factories.splice(0).map((factory) => factory.shutdown()));
});

describe('deadlines when the deadline timer runs late (engine-factory)', () => {
  it('a running call whose agent settles after its deadline is timed_out, not succeeded', async () => {
    const clock = lateTimerClock();
    const finish = gate();
    const slow = gatedAgent('slow', finish);
    const factory = createEngineFactory({ agents: [slow], now: clock.now, timers: clock.timers });
    factories.push(factory);
    const engine = await factory.createEngine(context());
    const call = engine.executeAgent({ agentName: 'slow' }, { timeoutMs: 50 });
    clock.set(60);
    finish.open();
    const result = await call;
    expect({ status: result.status, durationMs: result.durationMs }).toEqual({ status: 'timed_out', durationMs: 60 });
  });

  it('a call that settles before its deadline still succeeds (the check above is the deadline, not lateness)', async () => {
    const clock = lateTimerClock();
    const finish = gate();
    const slow = gatedAgent('slow', finish);
    const factory = createEngineFactory({ agents: [slow], now: clock.now, timers: clock.timers });
    factories.push(factory);
    const engine = await factory.createEngine(context());
    const call = engine.executeAgent({ agentName: 'slow' }, { timeoutMs: 50 });
    clock.set(49);
    finish.open();
    expect((await call).status).toBe('succeeded');
  });

  it('a queued call whose deadline passed is not started when a slot frees', async () => {
    const clock = lateTimerClock();
    const finish = gate();
    const slow = gatedAgent('slow', finish);
    let quickStarted = false;
    const quick = defineAgent({
      name: 'quick',
      run: () => {
        quickStarted = true;
        return 'quick done';
      },
    });
    const factory = createEngineFactory({
      agents: [slow, quick],
      limits: { maxConcurrentRunsPerEngine: 1 },
      now: clock.now,
      timers: clock.timers,
    });
    factories.push(factory);
    const engine = await factory.createEngine(context());
    const first = engine.executeAgent({ agentName: 'slow' });
    const late = engine.executeAgent({ agentName: 'quick' }, { timeoutMs: 5 });
    clock.set(100);
    finish.open();
    const result = await late;
    expect((await first).status).toBe('succeeded');
    expect({ status: result.status, quickStarted }).toEqual({ status: 'timed_out', quickStarted: false });
  });
});
