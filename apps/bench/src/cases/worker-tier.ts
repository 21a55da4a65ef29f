import { randomUUID } from 'node:crypto';
import { InMemoryRunStore } from '@baton/engine-contract';
import { createRedisRunStore } from '@baton/redis';
import type { CaseOptions, CaseResult, Row } from '../case-result.js';
import { percentile, summarize } from '../stats.js';
import {
  bullmqContender,
  type Contender,
  cleanUpRedis,
  inProcessContender,
  type RunIds,
  SLOTS,
  STAGES,
  type TierLocation,
} from '../worker-tier-contenders.js';

const WORKER_COUNTS = [1, 2, 4] as const;
/** A phase that has not finished after this long has lost runs: the case fails instead of hanging. */
const PHASE_DEADLINE_MS = 120_000;

/** `count` runs through `width` lanes that each start the next run when their last one completed; the elapsed ms. */
async function pool(count: number, width: number, runOne: (index: number) => Promise<void>): Promise<number> {
  let next = 0;
  const start = performance.now();
  const lane = async (): Promise<void> => {
    while (next < count) await runOne(next++);
  };
  await Promise.all(Array.from({ length: Math.min(width, count) }, lane));
  return performance.now() - start;
}

/** `work`, or an error naming the contender and phase once `PHASE_DEADLINE_MS` passed (a lost run must not hang the bench). */
async function withinDeadline<T>(contender: Contender, phase: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${contender.name}, ${phase}: ${contender.clock.pending} run(s) not completed after ${PHASE_DEADLINE_MS} ms`)),
      PHASE_DEADLINE_MS,
    );
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Per-round figures of one contender. */
class Tally {
  readonly runsPerSecond: number[] = [];
  readonly p50: number[] = [];
  readonly p99: number[] = [];
}

/**
 * Case 8: the worker tier. The five-stage linear workflow of case 7, run in process (`orchestrator.run`
 * on an engine made per run, as a worker does) and through `@baton/bullmq` on a loopback Redis with 1, 2
 * and 4 workers holding `SLOTS` (16) slots in all. Per round and contender: a burst (runs/s) and a
 * closed loop of `SLOTS` runs in flight (submission-to-first-event latency). Without `REDIS_URL` only the
 * in-process run with the in-memory store is measured, and a note says so.
 */
export async function runWorkerTier({ smoke, log }: CaseOptions): Promise<CaseResult> {
  const redisUrl = process.env.REDIS_URL;
  const burstRuns = smoke ? 10 : 1_000;
  const loopRuns = smoke ? 10 : 400;
  const rounds = smoke ? 1 : 8;
  const base = `bench-wt-${randomUUID()}`;
  const locations: TierLocation[] = [];
  const contenders: Contender[] = [];
  const tallies = new Map<string, Tally>();
  const tallyOf = (key: string): Tally => {
    const tally = tallies.get(key) ?? new Tally();
    tallies.set(key, tally);
    return tally;
  };
  let serial = 0;
  const idsFor = (contender: Contender, index: number): RunIds => {
    serial++;
    return {
      userId: `bench-user-${contender.key}-${index.toString().padStart(5, '0')}`,
      threadId: `bench-thread-${index}`,
      runId: `bench-run-${serial}`,
    };
  };
  const checkErrors = (contender: Contender) => {
    const [first, ...others] = contender.errors;
    if (first !== undefined) throw new Error(`${contender.name}: onError got ${first.message} (and ${others.length} more)`);
  };
  // No forced GC before a phase here, unlike the other cases: after a full collection V8 starts its young
  // generation small again, which alone cut the in-process burst (~70 ms) to a third in a trial run.
  /** All `runs` submitted at once (bounded by the pool in process); runs/s from the first submission to the last completion. */
  const burst = async (contender: Contender, runs: number): Promise<number> => {
    const elapsedMs = await withinDeadline(
      contender,
      'burst',
      pool(runs, contender.burstWidth(runs), (index) => contender.runOne(idsFor(contender, index))),
    );
    contender.clock.takeLatencies();
    checkErrors(contender);
    return (runs / elapsedMs) * 1000;
  };
  /** `SLOTS` runs in flight, each followed by the next once it completed: latency without waiting behind other runs. */
  const closedLoop = async (contender: Contender, runs: number): Promise<number[]> => {
    await withinDeadline(
      contender,
      'closed loop',
      pool(runs, SLOTS, (index) => contender.runOne(idsFor(contender, index))),
    );
    checkErrors(contender);
    return contender.clock.takeLatencies();
  };

  try {
    // Inside the try: a tier that fails to start still gets the ones made before it closed.
    contenders.push(inProcessContender('in process, InMemoryRunStore', 'in-process-memory', new InMemoryRunStore()));
    if (redisUrl) {
      const store = createRedisRunStore({ redis: redisUrl, keyPrefix: `${base}-in-process:` });
      contenders.push(inProcessContender('in process, createRedisRunStore', 'in-process-redis', store));
      for (const workers of WORKER_COUNTS) {
        const location = { queueName: 'baton-workflows', prefix: `${base}-${workers}w`, keyPrefix: `${base}-${workers}w-runs:` };
        locations.push(location);
        contenders.push(bullmqContender(workers, redisUrl, location));
      }
    }
    if (!smoke) {
      log(`worker-tier: warm-up of ${contenders.map((contender) => contender.name).join(' / ')}`);
      for (const contender of contenders) {
        await burst(contender, burstRuns / 4);
        await closedLoop(contender, loopRuns / 4);
      }
    }
    log(`worker-tier: ${contenders.length} contenders, burst of ${burstRuns} + closed loop of ${loopRuns} runs each, ${rounds} round(s)`);
    for (let round = 0; round < rounds; round++) {
      // The order rotates from round to round, so that drift on a shared machine hits every contender alike.
      const shift = round % contenders.length;
      for (const contender of [...contenders.slice(shift), ...contenders.slice(0, shift)]) {
        const tally = tallyOf(contender.key);
        tally.runsPerSecond.push(await burst(contender, burstRuns));
        const latencies = await closedLoop(contender, loopRuns);
        tally.p50.push(percentile(latencies, 0.5));
        tally.p99.push(percentile(latencies, 0.99));
      }
    }
  } finally {
    for (const contender of contenders) await contender.close();
    if (redisUrl) await cleanUpRedis(redisUrl, locations, `${base}*`);
  }

  const perRound = (values: number[], unit: string, runs: number) => summarize(values, unit, `round (${runs} runs)`);
  const rowsOf = (contender: Contender): Row[] => {
    const tally = tallyOf(contender.key);
    return [
      {
        key: `worker-tier.${contender.key}-runs-per-s`,
        metric: `${contender.name}: runs/s (burst of ${burstRuns})`,
        figure: perRound(tally.runsPerSecond, 'runs/s', burstRuns),
      },
      {
        key: `worker-tier.${contender.key}-p50-ms`,
        metric: `${contender.name}: submit → first event, p50 (${SLOTS} in flight)`,
        figure: perRound(tally.p50, 'ms', loopRuns),
      },
      {
        key: `worker-tier.${contender.key}-p99-ms`,
        metric: `${contender.name}: submit → first event, p99 (${SLOTS} in flight)`,
        figure: perRound(tally.p99, 'ms', loopRuns),
      },
    ];
  };
  const rows: Row[] = [];
  const baseline = tallies.get('in-process-redis');
  for (const contender of contenders) {
    rows.push(...rowsOf(contender));
    const tally = tallyOf(contender.key);
    if (contender.key.startsWith('bullmq-') && baseline !== undefined) {
      rows.push({
        key: `worker-tier.${contender.key}-vs-in-process`,
        metric: `${contender.name} ÷ in process, createRedisRunStore (runs/s)`,
        figure: summarize(
          tally.runsPerSecond.map((value, index) => value / (baseline.runsPerSecond[index] as number)),
          '×',
          'round (ratio)',
        ),
      });
    }
  }

  return {
    id: 'worker-tier',
    title: '8. Worker tier: BullMQ next to in-process runs',
    rows,
    settings: {
      rounds,
      burstRuns,
      loopRuns,
      slots: SLOTS,
      workers: redisUrl ? [...WORKER_COUNTS] : [],
      concurrencyPerWorker: redisUrl ? WORKER_COUNTS.map((workers) => SLOTS / workers) : [],
      stages: STAGES.length,
      admission: 'default in-memory (one per factory)',
      redis: redisUrl ? 'REDIS_URL' : 'not measured',
    },
    notes: [
      `The five-stage linear workflow of case 7 (trivial async stages). In process: one factory, and per run createEngine, orchestrator.run with the run's workflowId and dispose after, as a worker does for each job, through a pool of ${SLOTS} lanes. BullMQ: createWorkflowQueue (the bench is the web instance) and createWorkflowWorker with ${SLOTS} slots in all (1 × ${SLOTS}, 2 × ${SLOTS / 2}, 4 × ${SLOTS / 4} concurrency), each worker with its own factory, createRedisRunStore and BullMQ connections; lockDurationMs and stalledIntervalMs at their defaults (30 s; nothing stalls here). Every run is a user of its own, so per-user limits never throttle; admission is each factory's default in-memory one (no Redis round trip at createEngine, the same in process and in the workers: the difference is the queue).`,
      `runs/s: a burst of ${burstRuns} runs, all submitted at once (enqueued together; in process, the pool takes them ${SLOTS} at a time), from the first submission to the last run's workflow_completed (emitted once its record is complete). Latency: a closed loop of ${loopRuns} runs with ${SLOTS} in flight, each lane submitting the next run when its last one completed, so a run finds a free slot and never waits behind others (in a burst, p50 would be ≈ half the burst ÷ runs/s); from the call (queue.enqueue, or createEngine in process) to the run's workflow_started in a factory's onEvent, on one clock. Through BullMQ that includes the add and its read-back, waking a worker, fetching and locking the job, the worker's store.get, createEngine and store.create; in process, createEngine and store.create. Figures are over ${rounds} rounds (per-round runs/s, p50 and p99; the order of contenders rotates); ratios are per round. No GC is forced between phases, unlike the other cases: after a forced full collection V8's young generation starts small again, which cut the short in-process bursts to about a third in a trial.`,
      `All workers run in the bench process, each with its own connections; the tiers stay up for the whole case (an idle one only blocks on its own queue). On 2 cores with redis-server on the same machine, worker processes would compete for the same CPUs, and one process keeps submission and first event on one monotonic clock. So the worker counts show what splitting the same ${SLOTS} slots across 1, 2 or 4 workers costs (more blocking connections, fetch loops and lock renewals), not scale-out across machines.`,
      redisUrl
        ? 'Redis: a local redis-server on loopback (REDIS_URL); each tier has its own BullMQ prefix and run-store key prefix, obliterated and deleted at the end. "in process, createRedisRunStore" is the baseline of the ratios: the same store as the workers, without the queue.'
        : 'BullMQ and Redis rows left out: REDIS_URL was not set for this run; only the in-process run with the in-memory store is measured.',
    ],
  };
}
