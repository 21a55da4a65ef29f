import { setImmediate as nextTurn } from 'node:timers/promises';
import { defineAgent, type UserExecutionEngine } from '@baton/engine-contract';
import { createEngineFactory } from '@baton/engine-factory';
import type { CaseOptions, CaseResult } from '../case-result.js';
import { benchContext, sink, trivialWork } from '../fixtures.js';
import { collectGarbage } from '../harness.js';
import { summarize } from '../stats.js';

/** Heap in use after a full collection (lets pending finalisation and timers run first). */
async function settledHeap(): Promise<number> {
  for (let pass = 0; pass < 3; pass++) {
    await nextTurn();
    collectGarbage();
  }
  return process.memoryUsage().heapUsed;
}

/** Case 5: heap retained per idle engine and heap growth over many runs. Needs `--expose-gc`. */
export async function runMemory({ smoke, log }: CaseOptions): Promise<CaseResult> {
  if (typeof globalThis.gc !== 'function') throw new Error('The memory case needs node --expose-gc');
  const engineCount = smoke ? 500 : 10_000;
  const engineRounds = smoke ? 1 : 5;
  const runCount = smoke ? 2_000 : 1_000_000;
  const runRounds = smoke ? 1 : 3;
  const step = defineAgent({ name: 'step', run: (input: number) => trivialWork(input) });

  const perEngine: number[] = [];
  const perEngineAfterDispose: number[] = [];
  log(`memory: ${engineRounds} round(s) of ${engineCount} idle engines`);
  for (let round = 0; round < engineRounds; round++) {
    // Contexts are made before the baseline: what is measured is what an engine adds to its context.
    const contexts = Array.from({ length: engineCount }, (_, index) => benchContext(100_000 + index));
    const factory = createEngineFactory({ agents: [step] });
    let engines: UserExecutionEngine[] = [];
    const before = await settledHeap();
    for (const context of contexts) engines.push(await factory.createEngine(context));
    const withEngines = await settledHeap();
    perEngine.push((withEngines - before) / engineCount);
    await factory.shutdown();
    sink.value += engines.length;
    engines = [];
    const afterDispose = await settledHeap();
    perEngineAfterDispose.push((afterDispose - before) / engineCount);
    sink.value += contexts.length; // keeps the contexts alive up to here, as they were at the baseline
  }

  const growth: number[] = [];
  const runMicros: number[] = [];
  const factory = createEngineFactory({ agents: [step] });
  try {
    const engine = await factory.createEngine(benchContext(200_000));
    let eventsSeen = 0;
    engine.subscribe(() => {
      eventsSeen++;
    });
    const runMany = async (count: number) => {
      for (let index = 0; index < count; index++) {
        const result = await engine.executeAgent({ agentName: 'step', input: index });
        if (result.status !== 'succeeded') throw new Error(`step ended ${result.status}: ${result.error?.message}`);
      }
    };
    await runMany(smoke ? 100 : 20_000); // warm-up: compiled code and caches are not growth
    log(`memory: ${runRounds} round(s) of ${runCount.toLocaleString('en-US')} runs`);
    for (let round = 0; round < runRounds; round++) {
      const before = await settledHeap();
      const start = performance.now();
      await runMany(runCount);
      runMicros.push(((performance.now() - start) * 1000) / runCount);
      growth.push((await settledHeap()) - before);
    }
    sink.value += eventsSeen;
  } finally {
    await factory.shutdown();
  }

  const kib = (values: number[]) => values.map((bytes) => bytes / 1024);
  return {
    id: 'memory',
    title: '5. Memory',
    rows: [
      {
        key: 'memory.idle-engine-kib',
        metric: `Retained heap per idle engine (${engineCount.toLocaleString('en-US')} engines)`,
        figure: summarize(kib(perEngine), 'KiB/engine', `round of ${engineCount} engines`),
        target: { comparator: '<=', value: 4, label: '≤ 4 KiB' },
      },
      {
        key: 'memory.after-dispose-kib',
        metric: 'Heap left per engine after factory.shutdown()',
        figure: summarize(kib(perEngineAfterDispose), 'KiB/engine', `round of ${engineCount} engines`),
      },
      {
        key: 'memory.growth-kib',
        metric: `Heap growth after ${runCount.toLocaleString('en-US')} runs (1 engine, 1 listener)`,
        figure: summarize(kib(growth), 'KiB', `round of ${runCount} runs`),
        target: { comparator: '<=', value: 1024, label: '≤ 1 MiB (1,024 KiB)' },
      },
      {
        key: 'memory.run-us',
        metric: 'Time per run during the growth test (sequential)',
        figure: summarize(runMicros, 'µs/run', `round of ${runCount} runs`),
      },
    ],
    settings: { engineCount, engineRounds, runCount, runRounds, gc: '--expose-gc; 3 × (setImmediate, gc(), gc()) before each reading' },
    notes: [
      'Heap is process.memoryUsage().heapUsed after full collections. Per idle engine: (heap with the engines − heap before) ÷ engines, one user and one context per engine, contexts made before the baseline, default limits, no listener.',
      'Growth: one engine with one counting listener runs the trivial agent sequentially after a 20,000-run warm-up; growth is the heap after − before the runs, both after full collections.',
    ],
  };
}
