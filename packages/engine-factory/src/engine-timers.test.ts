import { InvalidConfigError } from '@baton/engine-contract';
import { describe, expect, it } from 'vitest';
import { contextFor, controlledAgent, echoAgent, flush, spyLogger } from './__fixtures__/test-helpers.js';
import { createEngineFactory } from './engine-factory.js';
import type { EngineTimerHandle, EngineTimers } from './engine-timers.js';

/**
 * Timers and a clock that move only when the test calls `advance`: a minimal stand-in for
 * @baton/testing's ManualClock (which this package cannot depend on). Handles have no ref/unref.
 */
function manualTimers(start = 1_000) {
  let time = start;
  const pending = new Map<EngineTimerHandle, { at: number; every: number | undefined; callback: () => void }>();
  const calls: string[] = [];
  const timers: EngineTimers = {
    setTimeout(callback, delayMs) {
      calls.push(`setTimeout:${delayMs}`);
      const handle = {};
      pending.set(handle, { at: time + delayMs, every: undefined, callback });
      return handle;
    },
    clearTimeout(handle) {
      pending.delete(handle);
    },
    setInterval(callback, delayMs) {
      calls.push(`setInterval:${delayMs}`);
      const handle = {};
      pending.set(handle, { at: time + delayMs, every: delayMs, callback });
      return handle;
    },
    clearInterval(handle) {
      pending.delete(handle);
    },
  };
  /** Moves the clock to `time + ms`, firing due timers in time order, with their promise chains run between. */
  async function advance(ms: number): Promise<void> {
    const until = time + ms;
    for (;;) {
      const due = [...pending].filter(([, timer]) => timer.at <= until).sort(([, a], [, b]) => a.at - b.at)[0];
      if (due === undefined) break;
      const [handle, timer] = due;
      time = timer.at;
      if (timer.every === undefined) pending.delete(handle);
      else timer.at += timer.every;
      timer.callback();
      await flush();
    }
    time = until;
  }
  return { timers, now: () => time, advance, calls, pending };
}

describe('the factory on injected timers', () => {
  it('times a call out when the injected timer fires, not on the real clock', async () => {
    const clock = manualTimers();
    const { agent, calls } = controlledAgent();
    const factory = createEngineFactory({ agents: [agent], now: clock.now, timers: clock.timers, limits: { runTimeoutMs: 500 } });
    const engine = await factory.createEngine(contextFor('u_timers'));
    let settled = false;
    const running = engine.executeAgent({ agentName: 'controlled' }).then((result) => {
      settled = true;
      return result;
    });
    expect(clock.calls).toContain('setTimeout:500');
    await clock.advance(499);
    expect(settled).toBe(false);
    await clock.advance(1);
    await expect(running).resolves.toMatchObject({ status: 'timed_out', durationMs: 500 });
    // The agent ignored its signal: settle it, or shutdown would wait disposeTimeoutMs on the manual clock.
    calls[0]!.result.resolve('late');
    await factory.shutdown();
  });

  it('waits disposeTimeoutMs on the injected timers for an agent that ignores its signal', async () => {
    const clock = manualTimers();
    const { agent } = controlledAgent();
    const logger = spyLogger();
    const factory = createEngineFactory({
      agents: [agent],
      now: clock.now,
      timers: clock.timers,
      logger,
      limits: { disposeTimeoutMs: 200 },
    });
    const engine = await factory.createEngine(contextFor('u_timers'));
    void engine.executeAgent({ agentName: 'controlled' });
    let disposed = false;
    const disposing = engine.dispose().then(() => {
      disposed = true;
    });
    await clock.advance(199);
    expect(disposed).toBe(false);
    await clock.advance(1);
    await disposing;
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('ignore their signal'),
      expect.objectContaining({ disposeTimeoutMs: 200 }),
    );
    await factory.shutdown();
  });

  it('reaps idle engines on the injected interval, and clears it on shutdown', async () => {
    const clock = manualTimers();
    const factory = createEngineFactory({
      agents: [echoAgent],
      now: clock.now,
      timers: clock.timers,
      limits: { engineIdleTimeoutMs: 1_000, reapIntervalMs: 400 },
    });
    const engine = await factory.createEngine(contextFor('u_timers'));
    expect(clock.calls).toContain('setInterval:400');
    await clock.advance(800);
    expect(engine.isActive()).toBe(true);
    await clock.advance(400);
    expect(engine.isActive()).toBe(false);
    expect(factory.getMetrics().enginesReaped).toBe(1);
    await factory.shutdown();
    expect(clock.pending.size).toBe(0);
  });

  it('refuses timers that are not an object of the four timer functions', () => {
    for (const timers of [null, 'fake', { setTimeout: () => ({}) }, { ...manualTimers().timers, clearInterval: 1 }]) {
      const create = () => createEngineFactory({ agents: [], timers: timers as unknown as EngineTimers });
      expect(create).toThrow(InvalidConfigError);
      expect(create).toThrow('timers must be an object { setTimeout, clearTimeout, setInterval, clearInterval }');
    }
  });
});
