/**
 * Memory tests: engines leave nothing behind once disposed or reaped.
 * Run with `--expose-gc` (set through `execArgv` in this package's vitest.config.ts); excluded under Stryker.
 */
import { defineAgent } from '@baton/engine-contract';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { contextFor, echoAgent } from './__fixtures__/test-helpers.js';
import { createEngineFactory, type EngineFactory } from './engine-factory.js';

const MiB = 1024 * 1024;
const ENGINES = 1_000;
const RUNS_PER_ENGINE = 100;
const USERS = 100;
// Measured on a loaded 2-core machine: the heap ends about 0.1 MiB above where it started
// (a leak of one 100-byte object per run would be ~10 MiB). The bound leaves room for GC noise.
const HEAP_BOUND_BYTES = 2 * MiB;

const gc = (): void => {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect === undefined) throw new Error('global.gc is missing: run this file with --expose-gc (see vitest.config.ts)');
  collect();
};

/** Lets pending callbacks (settled promises, immediates) run, so nothing they close over is held. */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Collects garbage until the heap stops shrinking, yielding to the event loop in between. */
async function settledHeap(): Promise<number> {
  let previous = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 20; round++) {
    await turn();
    gc();
    const used = process.memoryUsage().heapUsed;
    if (used >= previous - 64 * 1024) return Math.min(used, previous);
    previous = used;
  }
  return previous;
}

/** Repeatedly collects garbage until `refs` are all cleared (or the rounds run out); returns how many survive. */
async function survivors(refs: ReadonlyArray<WeakRef<object>>): Promise<number> {
  for (let round = 0; round < 30; round++) {
    await turn();
    gc();
    if (refs.every((ref) => ref.deref() === undefined)) return 0;
  }
  return refs.filter((ref) => ref.deref() !== undefined).length;
}

/** Creates `engines` engines in batches of one per user, runs `runsPerEngine` echo runs on each (10 at a time), disposes them. */
async function churn(factory: EngineFactory, engines: number, runsPerEngine: number): Promise<void> {
  for (let first = 0; first < engines; first += USERS) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(USERS, engines - first) }, (_, user) => factory.createEngine(contextFor(`user-${user}`))),
    );
    await Promise.all(
      batch.map(async (engine) => {
        for (let run = 0; run < runsPerEngine; run += 10) {
          const results = await Promise.all(
            Array.from({ length: 10 }, (_, offset) => engine.executeAgent({ agentName: 'echo', input: { run: run + offset } })),
          );
          for (const result of results) if (result.status !== 'succeeded') throw new Error(`run ended ${result.status}`);
        }
        await engine.dispose();
      }),
    );
  }
}

describe('engine memory', () => {
  let factory: EngineFactory | undefined;
  afterEach(async () => {
    vi.useRealTimers();
    await factory?.shutdown();
    factory = undefined;
  });

  it('returns the heap to within 2 MiB of its start after 100,000 runs on 1,000 disposed engines', async () => {
    factory = createEngineFactory({ agents: [echoAgent], limits: { maxConcurrentRunsPerEngine: 10 } });
    // Warm-up: JIT code, caches and pools that live as long as the process are allocated here, not measured.
    await churn(factory, 200, RUNS_PER_ENGINE);
    const before = await settledHeap();

    await churn(factory, ENGINES, RUNS_PER_ENGINE);
    const metrics = factory.getMetrics();
    const after = await settledHeap();

    const growth = after - before;
    console.info(
      `[memory] heap before ${(before / MiB).toFixed(2)} MiB, after ${(after / MiB).toFixed(2)} MiB, growth ${(growth / MiB).toFixed(3)} MiB`,
    );
    expect(metrics).toMatchObject({ enginesActive: 0, activeUsers: 0, enginesCreated: 200 + ENGINES, enginesDisposed: 200 + ENGINES });
    expect(metrics.runsSucceeded).toBe((200 + ENGINES) * RUNS_PER_ENGINE);
    expect(growth).toBeLessThan(HEAP_BOUND_BYTES);
  }, 120_000);

  it('lets disposed engines, their contexts and their agents’ signals be collected while the factory lives on', async () => {
    factory = createEngineFactory({ agents: [echoAgent, defineAgent({ name: 'keeps-signal', run: (_input, ctx) => ctx.signal.aborted })] });
    const refs: Array<WeakRef<object>> = [];
    await (async () => {
      for (let index = 0; index < 50; index++) {
        const engine = await factory!.createEngine(contextFor(`collect-${index}`));
        engine.subscribe(() => {});
        await engine.executeAgent({ agentName: 'echo', input: { index } });
        await engine.executeAgent({ agentName: 'keeps-signal' });
        refs.push(new WeakRef(engine), new WeakRef(engine.userContext));
        await engine.dispose();
      }
    })();
    expect(factory.getMetrics()).toMatchObject({ enginesActive: 0, enginesDisposed: 50 });
    // The factory is still reachable here (it is used below): it must not hold the engines.
    expect(await survivors(refs)).toBe(0);
    expect(factory.getMetrics().runsSucceeded).toBe(100);
  }, 120_000);

  it('keeps the context of a live engine reachable, and releases it once the engine is disposed (the check can fail)', async () => {
    factory = createEngineFactory({ agents: [echoAgent] });
    const refs: Array<WeakRef<object>> = [];
    let engineId = '';
    await (async () => {
      const engine = await factory!.createEngine(contextFor('live'));
      engineId = engine.engineId;
      refs.push(new WeakRef(engine.userContext));
    })();
    // Not disposed: the factory still tracks the engine's state (for shutdown, metrics and the reaper).
    expect(await survivors(refs)).toBe(1);
    expect(engineId).not.toBe('');
    expect(await factory.disposeUser('live')).toBe(1);
    expect(await survivors(refs)).toBe(0);
  });

  it('lets reaped engines be collected: the reaper drops every reference once it disposes an idle engine', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    let clock = 0;
    factory = createEngineFactory({ agents: [echoAgent], now: () => clock, limits: { engineIdleTimeoutMs: 1_000, reapIntervalMs: 500 } });
    const refs: Array<WeakRef<object>> = [];
    await (async () => {
      for (let index = 0; index < 20; index++) {
        const engine = await factory!.createEngine(contextFor(`reaped-${index}`));
        await engine.executeAgent({ agentName: 'echo', input: index });
        refs.push(new WeakRef(engine));
      }
    })();
    clock = 1_001;
    await vi.advanceTimersByTimeAsync(500);
    expect(factory.getMetrics()).toMatchObject({ enginesReaped: 20, enginesActive: 0, enginesDisposed: 20, activeUsers: 0 });
    expect(await survivors(refs)).toBe(0);
  });
});
