import { randomUUID } from 'node:crypto';
import { defineAgent, InMemoryRunStore, type RunStore } from '@baton/engine-contract';
import { createEngineFactory } from '@baton/engine-factory';
import { defineWorkflow, WorkflowOrchestrator } from '@baton/orchestrator';
import { createRedisRunStore } from '@baton/redis';
import type { CaseOptions, CaseResult, Row } from '../case-result.js';
import { benchContext, sink } from '../fixtures.js';
import { type Contender, compareRounds, perRoundDifference, type RoundSettings, samplesOf } from '../harness.js';
import { scaleFigure, summarize } from '../stats.js';

const NO_STORE = 'orchestrator.run, no store';
const IN_MEMORY = 'orchestrator.run, InMemoryRunStore';
const REDIS = 'orchestrator.run, createRedisRunStore (Redis on loopback)';
const STAGES = ['collect', 'clean', 'analyse', 'summarise', 'publish'] as const;

/** A store that can be closed (the Redis one holds a connection). */
type ClosableStore = RunStore & { close?: () => Promise<void> };

/**
 * Case 7: what recording a run costs per stage. The same five-stage linear workflow with trivial
 * stages, run with no store (the path measured before durable runs existed), with the in-memory store
 * and with the Redis store on a local Redis (`REDIS_URL`; without it the Redis rows are left out and a
 * note says so). A stored run writes its record before the first stage, each stage's result as it
 * finishes (awaited before the next stage starts) and the result at the end: per stage that is one
 * write plus a fifth of the create and the complete.
 */
export async function runRunStore({ smoke, log }: CaseOptions): Promise<CaseResult> {
  const agents = STAGES.map((name) => defineAgent({ name, run: async () => ({ from: name, rows: [1, 2, 3] }) }));
  const workflow = defineWorkflow({ id: 'bench-stored', stages: [...STAGES] });
  const factory = createEngineFactory({ agents });
  const engine = await factory.createEngine(benchContext(700));
  const redisUrl = process.env.REDIS_URL;
  const stores: Array<{ name: string; store: ClosableStore | undefined }> = [
    { name: NO_STORE, store: undefined },
    { name: IN_MEMORY, store: new InMemoryRunStore() },
  ];
  if (redisUrl) stores.push({ name: REDIS, store: createRedisRunStore({ redis: redisUrl, keyPrefix: `bench-${randomUUID()}:` }) });
  const contenders: Contender[] = stores.map(({ name, store }) => {
    const orchestrator = new WorkflowOrchestrator({ engine, workflow, ...(store === undefined ? {} : { store }) });
    return {
      name,
      op: async () => {
        const result = await orchestrator.run({ input: { question: 'q' } });
        if (result.status !== 'succeeded') throw new Error(`${name}: the run ended ${result.status}`);
        sink.value += result.stages.length;
      },
    };
  });
  const settings: RoundSettings = { rounds: smoke ? 1 : 10, timePerRoundMs: 400, sampleMs: 20, smoke };
  try {
    log(`run-store: ${contenders.map((contender) => contender.name).join(' / ')}, ${settings.rounds} round(s)`);
    const measured = await compareRounds(contenders, settings);
    const perStage = (name: string) => {
      const { samples, batch } = samplesOf(measured, name);
      return scaleFigure(summarize(samples, 'ms/run', `mean over a batch of ${batch} sequential runs`), 1000 / STAGES.length, 'µs/stage');
    };
    const base = samplesOf(measured, NO_STORE);
    const added = (name: string) =>
      summarize(
        perRoundDifference(samplesOf(measured, name).roundMedians, base.roundMedians, 1000 / STAGES.length),
        'µs/stage',
        'round (difference of round medians ÷ 5 stages)',
      );
    const rows: Row[] = [
      { key: 'run-store.no-store-us', metric: `${NO_STORE}, per stage`, figure: perStage(NO_STORE) },
      { key: 'run-store.in-memory-us', metric: `${IN_MEMORY}, per stage`, figure: perStage(IN_MEMORY) },
      { key: 'run-store.in-memory-added-us', metric: 'InMemoryRunStore added cost per stage', figure: added(IN_MEMORY) },
    ];
    if (redisUrl) {
      rows.push(
        { key: 'run-store.redis-us', metric: `${REDIS}, per stage`, figure: perStage(REDIS) },
        { key: 'run-store.redis-added-us', metric: 'createRedisRunStore added cost per stage', figure: added(REDIS) },
      );
    }
    return {
      id: 'run-store',
      title: '7. Durable runs: the cost of a run store per stage',
      rows,
      settings: { ...settings, stages: STAGES.length, redis: redisUrl ? 'REDIS_URL' : 'not measured' },
      notes: [
        'The same five-stage linear workflow of trivial async stages on one engine, run sequentially; per stage = per run ÷ 5. A stored run also writes its record before the first stage and its result at the end, so the per-stage figures include a fifth of those two writes.',
        'Each stage result is written (JSON, size-checked against maxStageOutputBytes, schema-checked) and the write awaited before the next stage starts: that is what makes a finished stage never run again after a crash.',
        redisUrl
          ? 'Redis: a local redis-server on loopback (REDIS_URL), one connection; every stage write is one round trip (a Lua script).'
          : 'Redis rows left out: REDIS_URL was not set for this run.',
      ],
    };
  } finally {
    await factory.shutdown();
    for (const { store } of stores) await store?.close?.();
  }
}
