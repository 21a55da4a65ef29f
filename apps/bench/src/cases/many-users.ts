import { type AgentRunResult, defineAgent, type UserExecutionEngine } from '@baton/engine-contract';
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

/** One side of the comparison: how to start one run, and how to check what it settled with. */
interface Contender {
  runOne: (user: number, run: number) => Promise<unknown>;
  /** Throws when a run did not do its work (checked after the burst, outside the timing). */
  check: (value: unknown) => void;
}

/** What one burst took and, when instrumented, the latency of each run (ms, from its call to its settlement). */
interface Burst {
  runs: number;
  elapsedMs: number;
  latencies?: Float64Array;
}

/**
 * Starts every run of every user at once (users × runs in flight) and waits for all of them.
 * Instrumented bursts add one `.then` per run to time it; uninstrumented ones only measure the
 * burst, since with 10,000 runs in flight the extra promises alone visibly lower the throughput.
 */
async function burst(users: number, contender: Contender, instrumented: boolean): Promise<Burst> {
  const runs = users * RUNS_PER_USER;
  const latencies = instrumented ? new Float64Array(runs) : undefined;
  const pending: Promise<unknown>[] = new Array(runs);
  const start = performance.now();
  for (let user = 0; user < users; user++) {
    for (let run = 0; run < RUNS_PER_USER; run++) {
      const index = user * RUNS_PER_USER + run;
      if (latencies === undefined) {
        pending[index] = contender.runOne(user, run);
      } else {
        const called = performance.now();
        pending[index] = contender.runOne(user, run).then((value) => {
          latencies[index] = performance.now() - called;
          return value;
        });
      }
    }
  }
  const values = await Promise.all(pending);
  const elapsedMs = performance.now() - start;
  for (const value of values) contender.check(value);
  return latencies === undefined ? { runs, elapsedMs } : { runs, elapsedMs, latencies };
}

/** Users one after another, each with its runs in flight together: latency without a queue of other users. */
async function staggered(users: number, contender: Contender): Promise<Burst> {
  const latencies = new Float64Array(users * RUNS_PER_USER);
  const start = performance.now();
  for (let user = 0; user < users; user++) {
    const pending: Promise<unknown>[] = [];
    for (let run = 0; run < RUNS_PER_USER; run++) {
      const index = user * RUNS_PER_USER + run;
      const called = performance.now();
      pending.push(
        contender.runOne(user, run).then((value) => {
          latencies[index] = performance.now() - called;
          return value;
        }),
      );
    }
    for (const value of await Promise.all(pending)) contender.check(value);
  }
  return { runs: users * RUNS_PER_USER, elapsedMs: performance.now() - start, latencies };
}

/** Per-round throughput and latency percentiles of one contender. */
class Tally {
  readonly runsPerSecond: number[] = [];
  readonly p50: number[] = [];
  readonly p99: number[] = [];

  /** Throughput from `throughput`; percentiles from `timed` (the same burst when it is instrumented). */
  add(throughput: Burst, timed: Burst = throughput): void {
    this.runsPerSecond.push((throughput.runs / throughput.elapsedMs) * 1000);
    if (timed.latencies === undefined) return;
    const sorted = Array.from(timed.latencies).sort((a, b) => a - b);
    this.p50.push(percentile(sorted, 0.5));
    this.p99.push(percentile(sorted, 0.99));
  }
}

const checkNumber = (value: unknown): void => {
  if (typeof value !== 'number') throw new Error(`a run settled with ${String(value)}`);
  sink.value += value;
};

/** Case 4: many users × concurrent runs through one factory, next to plain promises and LangGraph.js. */
export async function runManyUsers({ smoke, log }: CaseOptions): Promise<CaseResult> {
  const users = smoke ? 50 : 1_000;
  const rounds = smoke ? 1 : 20;
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

  const batonContender = (engines: readonly UserExecutionEngine[]): Contender => ({
    runOne: (user, run) => (engines[user] as UserExecutionEngine).executeAgent({ agentName: 'waiter', input: run }),
    check: (value) => {
      const result = value as AgentRunResult;
      if (result.status !== 'succeeded') throw new Error(`waiter ended ${result.status}: ${result.error?.message}`);
      sink.value += result.output as number;
    },
  });
  const plainContender: Contender = { runOne: (_user, run) => awaitResolved(run), check: checkNumber };

  // Warm-up: small bursts of each contender so that the first measured round is not a cold start.
  {
    const factory = createEngineFactory({ agents: [waiter], limits: { maxConcurrentRunsPerEngine: RUNS_PER_USER } });
    const engines = await Promise.all(contexts.slice(0, 50).map((context) => factory.createEngine(context)));
    for (let pass = 0; pass < 3; pass++) {
      await burst(engines.length, batonContender(engines), pass % 2 === 0);
      await burst(50, plainContender, pass % 2 === 0);
    }
    await factory.shutdown();
  }

  const withEngines = async <T>(fn: (contender: Contender) => Promise<T>): Promise<T> => {
    // A fresh factory per round: every round also measures creating one engine per user.
    const factory = createEngineFactory({ agents: [waiter], limits: { maxConcurrentRunsPerEngine: RUNS_PER_USER } });
    try {
      collectGarbage();
      const createStart = performance.now();
      const engines: UserExecutionEngine[] = [];
      for (const context of contexts) engines.push(await factory.createEngine(context));
      createMicros.push(((performance.now() - createStart) * 1000) / users);
      return await fn(batonContender(engines));
    } finally {
      await factory.shutdown();
    }
  };
  const measureBurst = async (tally: Tally, burstUsers: number, contender: Contender) => {
    collectGarbage();
    const throughput = await burst(burstUsers, contender, false);
    collectGarbage();
    tally.add(throughput, await burst(burstUsers, contender, true));
  };

  log(`many-users: ${users} users × ${RUNS_PER_USER} runs, Baton vs plain, ${rounds} round(s)`);
  for (let round = 0; round < rounds; round++) {
    await withEngines(async (contender) => {
      await measureBurst(baton, users, contender);
      collectGarbage();
      batonStaggered.add(await staggered(users, contender));
    });
    await measureBurst(plain, users, plainContender);
  }

  log(`many-users: Baton vs LangGraph.js (${langGraphUsers} users), ${langGraphRounds} round(s)`);
  const { oneNodeGraph } = await import('../langgraph-graphs.js');
  const graph = oneNodeGraph(awaitResolved);
  const langGraphContender: Contender = {
    runOne: (_user, run) => graph.invoke({ value: run }),
    check: (value) => checkNumber((value as { value: unknown }).value),
  };
  await burst(2, langGraphContender, true); // warm-up
  for (let round = 0; round < langGraphRounds; round++) {
    await withEngines(async (contender) => {
      collectGarbage();
      batonHooked.add(await burst(users, contender, false));
    });
    await measureBurst(langGraph, langGraphUsers, langGraphContender);
  }

  const perRound = (values: number[], unit: string, runs = users * RUNS_PER_USER) => summarize(values, unit, `round of ${runs} runs`);
  const runsLabel = `${users} users × ${RUNS_PER_USER} concurrent`;
  const langGraphRuns = langGraphUsers * RUNS_PER_USER;
  const rows: Row[] = [
    {
      key: 'many-users.baton-runs-per-s',
      metric: `Baton, ${runsLabel}: runs/s`,
      figure: perRound(baton.runsPerSecond, 'runs/s'),
      target: { comparator: '>=', value: 100_000, label: '≥ 100,000 runs/s' },
    },
    { key: 'many-users.baton-p50-ms', metric: 'Baton, same burst timed per run: p50 latency', figure: perRound(baton.p50, 'ms') },
    {
      key: 'many-users.baton-p99-ms',
      metric: 'Baton, same burst timed per run: p99 latency',
      figure: perRound(baton.p99, 'ms'),
      target: { comparator: '<=', value: 5, label: '≤ 5 ms' },
    },
    { key: 'many-users.plain-runs-per-s', metric: `plain promises, ${runsLabel}: runs/s`, figure: perRound(plain.runsPerSecond, 'runs/s') },
    { key: 'many-users.plain-p99-ms', metric: 'plain promises, same burst timed per run: p99 latency', figure: perRound(plain.p99, 'ms') },
    {
      key: 'many-users.plain-vs-baton',
      metric: 'plain ÷ Baton (runs/s)',
      figure: summarize(
        plain.runsPerSecond.map((value, index) => value / (baton.runsPerSecond[index] as number)),
        '×',
        'round (ratio)',
      ),
    },
    {
      key: 'many-users.baton-staggered-runs-per-s',
      metric: `Baton, users one after another (${RUNS_PER_USER} in flight): runs/s`,
      figure: perRound(batonStaggered.runsPerSecond, 'runs/s'),
    },
    {
      key: 'many-users.baton-staggered-p50-ms',
      metric: 'Baton, users one after another: p50 latency',
      figure: perRound(batonStaggered.p50, 'ms'),
    },
    {
      key: 'many-users.baton-staggered-p99-ms',
      metric: 'Baton, users one after another: p99 latency',
      figure: perRound(batonStaggered.p99, 'ms'),
    },
    {
      key: 'many-users.create-engine-us',
      metric: 'Baton factory.createEngine (sequential, 1 per user)',
      figure: summarize(createMicros, 'µs/engine', `factory of ${users} engines`),
    },
    {
      key: 'many-users.langgraph-runs-per-s',
      metric: `LangGraph.js invoke, ${langGraphUsers} users × ${RUNS_PER_USER} concurrent: runs/s †`,
      figure: perRound(langGraph.runsPerSecond, 'runs/s', langGraphRuns),
    },
    {
      key: 'many-users.langgraph-p99-ms',
      metric: 'LangGraph.js, same burst timed per run: p99 latency †',
      figure: perRound(langGraph.p99, 'ms', langGraphRuns),
    },
    {
      key: 'many-users.baton-hooked-runs-per-s',
      metric: `Baton, ${runsLabel}: runs/s †`,
      figure: perRound(batonHooked.runsPerSecond, 'runs/s'),
    },
    {
      key: 'many-users.baton-vs-langgraph',
      metric: `Baton ÷ LangGraph.js (runs/s; ${users * RUNS_PER_USER} vs ${langGraphRuns} in flight) †`,
      figure: summarize(
        langGraph.runsPerSecond.map((value, index) => (batonHooked.runsPerSecond[index] as number) / value),
        '×',
        'round (ratio)',
      ),
    },
  ];
  return {
    id: 'many-users',
    title: '4. Many users',
    rows,
    settings: {
      users,
      runsPerUser: RUNS_PER_USER,
      rounds,
      langGraphUsers,
      langGraphRounds,
      limits: { maxConcurrentRunsPerEngine: RUNS_PER_USER },
    },
    notes: [
      `One factory (maxConcurrentRunsPerEngine raised to ${RUNS_PER_USER}, other limits default), one engine per user, no listeners; the agent awaits a resolved promise. A burst starts all ${users * RUNS_PER_USER} runs at once and waits for all; runs/s is runs ÷ the burst's wall time. Each round runs two bursts per contender: a bare one for runs/s and one with a .then per run that records the latency from the call to its settlement (those extra ${users * RUNS_PER_USER} promises in flight alone cut Baton's burst throughput to about a third, so they stay out of runs/s). Figures are over rounds (per-round p50/p99).`,
      `With every run in flight at once, latency includes waiting behind the other runs of the burst (the submitting loop alone takes ${users * RUNS_PER_USER} calls), so by Little's law p99 ≈ runs ÷ throughput for all contenders; the "users one after another" rows show per-run latency with only one user's ${RUNS_PER_USER} runs in flight.`,
      `LangGraph.js has no per-user engine: its burst invokes one compiled one-node graph per run. It runs ${langGraphUsers} users × ${RUNS_PER_USER} (${langGraphRuns} in flight), since its throughput drops as invocations pile up (a full burst of 10,000 measured once at ≈ 90 runs/s, about 2 minutes); the lower concurrency favours it, so the ratio is conservative. Baton's LangGraph.js-loaded rounds alternate with LangGraph.js's, after the Baton-only rounds, as in case 1.`,
    ],
  };
}
