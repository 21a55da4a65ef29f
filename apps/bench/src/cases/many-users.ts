import { defineAgent, type UserExecutionEngine } from '@baton/engine-contract';
import { createEngineFactory } from '@baton/engine-factory';
import type { CaseOptions, CaseResult, Row } from '../case-result.js';
import { benchContext, sink } from '../fixtures.js';
import { collectGarbage } from '../harness.js';
import { percentile, summarize } from '../stats.js';

const RUNS_PER_USER = 10;

/** The work of every run: await an already resolved promise. */
async function awaitResolved(value: number): Promise<number> {
  await Promise.resolve();
  return value;
}

/** One burst: what it took and the latency of each run (ms, from its call to its settlement). */
interface Burst {
  elapsedMs: number;
  latencies: Float64Array;
}

type RunOne = (user: number, run: number) => Promise<unknown>;

/** Starts every run of every user at once (a burst of users × runs in flight) and waits for all of them. */
async function burst(users: number, runOne: RunOne): Promise<Burst> {
  const latencies = new Float64Array(users * RUNS_PER_USER);
  const pending: Promise<unknown>[] = [];
  const start = performance.now();
  for (let user = 0; user < users; user++) {
    for (let run = 0; run < RUNS_PER_USER; run++) {
      const index = user * RUNS_PER_USER + run;
      const called = performance.now();
      pending.push(runOne(user, run).then(() => (latencies[index] = performance.now() - called)));
    }
  }
  await Promise.all(pending);
  return { elapsedMs: performance.now() - start, latencies };
}

/** Users one after another, each with its runs in flight together: latency without a queue of other users. */
async function staggered(users: number, runOne: RunOne): Promise<Burst> {
  const latencies = new Float64Array(users * RUNS_PER_USER);
  const start = performance.now();
  for (let user = 0; user < users; user++) {
    const pending: Promise<unknown>[] = [];
    for (let run = 0; run < RUNS_PER_USER; run++) {
      const index = user * RUNS_PER_USER + run;
      const called = performance.now();
      pending.push(runOne(user, run).then(() => (latencies[index] = performance.now() - called)));
    }
    await Promise.all(pending);
  }
  return { elapsedMs: performance.now() - start, latencies };
}

/** Per-round throughput and latency percentiles of one contender. */
class Tally {
  readonly runsPerSecond: number[] = [];
  readonly p50: number[] = [];
  readonly p99: number[] = [];

  add({ elapsedMs, latencies }: Burst): void {
    const sorted = Float64Array.from(latencies).sort();
    this.runsPerSecond.push((latencies.length / elapsedMs) * 1000);
    this.p50.push(percentile(Array.from(sorted), 0.5));
    this.p99.push(percentile(Array.from(sorted), 0.99));
  }
}

/** Case 4: many users × concurrent runs through one factory, next to plain promises and LangGraph.js. */
export async function runManyUsers({ smoke, log }: CaseOptions): Promise<CaseResult> {
  const users = smoke ? 50 : 1_000;
  const rounds = smoke ? 1 : 10;
  const langGraphRounds = smoke ? 1 : 3;
  // LangGraph.js slows down as invocations pile up (one burst of 10,000 took ~2 min here, ≈ 90 runs/s),
  // so it runs a twentieth of the burst; its throughput is higher at lower concurrency, which makes
  // the Baton ÷ LangGraph.js ratio conservative.
  const langGraphUsers = smoke ? 5 : 50;
  const waiter = defineAgent({ name: 'waiter', run: (input: number) => awaitResolved(input) });
  const contexts = Array.from({ length: users }, (_, user) => benchContext(10_000 + user));

  const baton = new Tally();
  const batonStaggered = new Tally();
  const plain = new Tally();
  const batonHooked = new Tally();
  const langGraph = new Tally();
  const createMicros: number[] = [];

  const check = (engine: UserExecutionEngine, run: number) =>
    engine.executeAgent({ agentName: 'waiter', input: run }).then((result) => {
      if (result.status !== 'succeeded') throw new Error(`waiter ended ${result.status}: ${result.error?.message}`);
      sink.value += result.output as number;
    });

  // Warm-up: one small burst of each contender so that the first measured round is not a cold start.
  {
    const factory = createEngineFactory({ agents: [waiter], limits: { maxConcurrentRunsPerEngine: RUNS_PER_USER } });
    const engines = await Promise.all(contexts.slice(0, 50).map((context) => factory.createEngine(context)));
    await burst(engines.length, (user, run) => check(engines[user] as UserExecutionEngine, run));
    await burst(50, (_user, run) => awaitResolved(run));
    await factory.shutdown();
  }

  const withEngines = async <T>(fn: (runOne: RunOne) => Promise<T>): Promise<T> => {
    // A fresh factory per round: every round also measures creating one engine per user.
    const factory = createEngineFactory({ agents: [waiter], limits: { maxConcurrentRunsPerEngine: RUNS_PER_USER } });
    try {
      collectGarbage();
      const createStart = performance.now();
      const engines: UserExecutionEngine[] = [];
      for (const context of contexts) engines.push(await factory.createEngine(context));
      createMicros.push(((performance.now() - createStart) * 1000) / users);
      return await fn((user, run) => check(engines[user] as UserExecutionEngine, run));
    } finally {
      await factory.shutdown();
    }
  };

  log(`many-users: ${users} users × ${RUNS_PER_USER} runs, Baton vs plain, ${rounds} round(s)`);
  for (let round = 0; round < rounds; round++) {
    await withEngines(async (batonRun) => {
      collectGarbage();
      baton.add(await burst(users, batonRun));
      collectGarbage();
      batonStaggered.add(await staggered(users, batonRun));
    });
    collectGarbage();
    plain.add(await burst(users, (_user, run) => awaitResolved(run).then((value) => (sink.value += value))));
  }

  log(`many-users: Baton vs LangGraph.js (${langGraphUsers} users), ${langGraphRounds} round(s)`);
  const { oneNodeGraph } = await import('../langgraph-graphs.js');
  const graph = oneNodeGraph(awaitResolved);
  await burst(2, (_user, run) => graph.invoke({ value: run })); // warm-up
  for (let round = 0; round < langGraphRounds; round++) {
    await withEngines(async (batonRun) => {
      collectGarbage();
      batonHooked.add(await burst(users, batonRun));
    });
    collectGarbage();
    langGraph.add(await burst(langGraphUsers, (_user, run) => graph.invoke({ value: run }).then((state) => (sink.value += state.value))));
  }

  const perRound = (values: number[], unit: string, runs = users * RUNS_PER_USER) => summarize(values, unit, `round of ${runs} runs`);
  const runsLabel = `${users} users × ${RUNS_PER_USER} concurrent`;
  const langGraphRuns = langGraphUsers * RUNS_PER_USER;
  const rows: Row[] = [
    { key: 'many-users.baton-runs-per-s', metric: `Baton, ${runsLabel}: runs/s`, figure: perRound(baton.runsPerSecond, 'runs/s'), target: { comparator: '>=', value: 100_000, label: '≥ 100,000 runs/s' } },
    { key: 'many-users.baton-p50-ms', metric: 'Baton, same burst: p50 latency per run', figure: perRound(baton.p50, 'ms') },
    { key: 'many-users.baton-p99-ms', metric: 'Baton, same burst: p99 latency per run', figure: perRound(baton.p99, 'ms'), target: { comparator: '<=', value: 5, label: '≤ 5 ms' } },
    { key: 'many-users.plain-runs-per-s', metric: `plain promises, ${runsLabel}: runs/s`, figure: perRound(plain.runsPerSecond, 'runs/s') },
    { key: 'many-users.plain-p99-ms', metric: 'plain promises, same burst: p99 latency', figure: perRound(plain.p99, 'ms') },
    {
      key: 'many-users.plain-vs-baton',
      metric: 'plain ÷ Baton (runs/s)',
      figure: summarize(plain.runsPerSecond.map((value, index) => value / (baton.runsPerSecond[index] as number)), '×', 'round (ratio)'),
    },
    { key: 'many-users.baton-staggered-runs-per-s', metric: `Baton, users one after another (${RUNS_PER_USER} in flight): runs/s`, figure: perRound(batonStaggered.runsPerSecond, 'runs/s') },
    { key: 'many-users.baton-staggered-p50-ms', metric: 'Baton, users one after another: p50 latency', figure: perRound(batonStaggered.p50, 'ms') },
    { key: 'many-users.baton-staggered-p99-ms', metric: 'Baton, users one after another: p99 latency', figure: perRound(batonStaggered.p99, 'ms') },
    { key: 'many-users.create-engine-us', metric: 'Baton factory.createEngine (sequential, 1 per user)', figure: summarize(createMicros, 'µs/engine', `factory of ${users} engines`) },
    {
      key: 'many-users.langgraph-runs-per-s',
      metric: `LangGraph.js invoke, ${langGraphUsers} users × ${RUNS_PER_USER} concurrent: runs/s †`,
      figure: perRound(langGraph.runsPerSecond, 'runs/s', langGraphRuns),
    },
    { key: 'many-users.langgraph-p99-ms', metric: 'LangGraph.js, same burst: p99 latency †', figure: perRound(langGraph.p99, 'ms', langGraphRuns) },
    { key: 'many-users.baton-hooked-runs-per-s', metric: `Baton, ${runsLabel}: runs/s †`, figure: perRound(batonHooked.runsPerSecond, 'runs/s') },
    {
      key: 'many-users.baton-vs-langgraph',
      metric: `Baton ÷ LangGraph.js (runs/s; ${users * RUNS_PER_USER} vs ${langGraphRuns} in flight) †`,
      figure: summarize(langGraph.runsPerSecond.map((value, index) => (batonHooked.runsPerSecond[index] as number) / value), '×', 'round (ratio)'),
    },
  ];
  return {
    id: 'many-users',
    title: '4. Many users',
    rows,
    settings: { users, runsPerUser: RUNS_PER_USER, rounds, langGraphUsers, langGraphRounds, limits: { maxConcurrentRunsPerEngine: RUNS_PER_USER } },
    notes: [
      `One factory (maxConcurrentRunsPerEngine raised to ${RUNS_PER_USER}, other limits default), one engine per user, no listeners; the agent awaits a resolved promise. A burst starts all ${users * RUNS_PER_USER} runs at once and waits for all; latency is from each executeAgent call to its settlement, runs/s is runs ÷ the burst's wall time. Figures are over rounds (per-round p50/p99).`,
      `With every run in flight at once, latency includes waiting behind the other runs of the burst (the submitting loop alone takes ${users * RUNS_PER_USER} calls), so by Little's law p99 ≈ runs ÷ throughput for all contenders; the "users one after another" rows show per-run latency with only one user's ${RUNS_PER_USER} runs in flight.`,
      `LangGraph.js has no per-user engine: its burst invokes one compiled one-node graph per run. It runs ${langGraphUsers} users × ${RUNS_PER_USER} (${langGraphRuns} in flight), since its throughput drops as invocations pile up (a full burst of 10,000 measured once at ≈ 90 runs/s, about 2 minutes); the lower concurrency favours it, so the ratio is conservative. Baton's LangGraph.js-loaded rounds alternate with LangGraph.js's, after the Baton-only rounds, as in case 1.`,
    ],
  };
}
