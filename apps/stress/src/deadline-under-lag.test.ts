import { createUserExecutionContext, defineAgent } from '@baton/engine-contract';
import { createEngineFactory } from '@baton/engine-factory';
import { afterEach, describe, expect, it } from 'vitest';

/**
 * Regression tests for what the stress run found: under event-loop lag, `timeoutMs` ("a deadline
 * from the call", api.md) is only enforced when the engine's deadline timer callback happens to run
 * before the agent's own continuation. Node runs every due timer of one duration list before the
 * next list, so a timer list with an earlier head (here an unrelated timer armed beforehand) lets
 * the agent's settle, or a freed slot, be processed first.
 */
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
/** Blocks the event loop, as a burst of synchronous work under load does. */
const blockFor = (ms: number) => {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // busy: that is the point
  }
};
const context = () => createUserExecutionContext({ userId: 'user-lag', threadId: 'thread-lag', runId: 'run-lag' });
const factories: Array<{ shutdown(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(factories.splice(0).map((factory) => factory.shutdown()));
});

describe('deadlines under event-loop lag (engine-factory)', () => {
  it('a running call whose agent settles after its deadline is timed_out, not succeeded', async () => {
    // Ignores ctx.signal: settles 60 ms after it starts.
    const slow = defineAgent({
      name: 'slow',
      run: async () => {
        await sleep(60);
        return 'done';
      },
    });
    const factory = createEngineFactory({ agents: [slow] });
    factories.push(factory);
    const engine = await factory.createEngine(context());
    setTimeout(() => undefined, 60); // a 60 ms list whose head is due before the 50 ms deadline list
    await sleep(20);
    const call = engine.executeAgent({ agentName: 'slow' }, { timeoutMs: 50 });
    blockFor(120);
    const result = await call;
    expect({ status: result.status, overran: result.durationMs > 50 }).toEqual({ status: 'timed_out', overran: true });
  });

  it('a queued call whose deadline passed is not started when a slot frees', async () => {
    const slow = defineAgent({
      name: 'slow',
      run: async () => {
        await sleep(30);
        return 'slow done';
      },
    });
    let quickStarted = false;
    const quick = defineAgent({
      name: 'quick',
      run: () => {
        quickStarted = true;
        return 'quick done';
      },
    });
    const factory = createEngineFactory({ agents: [slow, quick], limits: { maxConcurrentRunsPerEngine: 1 } });
    factories.push(factory);
    const engine = await factory.createEngine(context());
    setTimeout(() => undefined, 30); // a 30 ms list whose head is due before the 5 ms deadline list
    await sleep(28);
    const first = engine.executeAgent({ agentName: 'slow' });
    const late = engine.executeAgent({ agentName: 'quick' }, { timeoutMs: 5 });
    blockFor(100);
    const result = await late;
    await first;
    expect({ status: result.status, quickStarted }).toEqual({ status: 'timed_out', quickStarted: false });
  });
});
