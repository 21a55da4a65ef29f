import { beforeAll, describe, expect, it } from 'vitest';
import { runStress, type StressReport } from './run-stress.js';
import { formatOutcomeLines, formatSummaryLine, formatViolations } from './stress-summary.js';

/**
 * The test-size workload: fixed, and on the virtual clock, so that a failure reproduces exactly with
 * `pnpm stress --seed 42` on any machine: which calls time out is decided by the seed, not the load.
 */
const USERS = 200;
const RUNS_PER_USER = 10;
const SEED = '42';
/** Only a backstop against a hang; the outcome never depends on it (the run takes ~5 s of CPU). */
const BACKSTOP_MS = 600_000;

/** Blocks the event loop, as other processes on a busy machine do. */
function blockFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy: that is the point
  }
}

describe(`stress: ${USERS} users x ${RUNS_PER_USER} concurrent runs, seed ${SEED}, virtual clock`, () => {
  let stress: StressReport;
  beforeAll(async () => {
    stress = await runStress({ users: USERS, runsPerUser: RUNS_PER_USER, seed: SEED, watchdogMs: 60_000 });
    for (const line of [...formatOutcomeLines(stress), formatSummaryLine(stress)]) console.log(line);
  }, BACKSTOP_MS);

  it('breaks no promise of the API (violations=0)', () => {
    expect(stress.report.violationCount, formatViolations(stress).join('\n')).toBe(0);
  });

  it('really exercised every fault kind', () => {
    const { counts } = stress.report;
    const exercised = {
      succeeded: counts.succeeded,
      failedWithError: counts.failedError,
      failedWithNonError: counts.failedNonError,
      timedOutIgnoringSignal: counts.timedOutIgnoredSignal,
      orphanedAgents: counts.orphanedAgents,
      cancelledBeforeAdmission: counts.cancelledBeforeAdmission,
      cancelledWhileQueued: counts.cancelledQueued,
      cancelledWhileRunning: counts.cancelledRunning,
      cancelledByDispose: counts.cancelledByDispose,
      enginesDisposedMidRun: counts.enginesDisposedMidRun,
      enginesDisposedByUser: counts.enginesDisposedByUser,
      enginesReaped: counts.enginesReaped,
      workflowsSucceeded: counts.workflowsSucceeded,
      workflowsFailed: counts.workflowsFailed,
      workflowsCancelled: counts.workflowsCancelled,
      badInputProbes: stress.badInputProbes,
      outputDeltas: counts.outputDeltas,
      callsWithUsage: counts.callsWithUsage,
      callsCutShortAfterSomeUsage: counts.callsWithPartialUsage,
      inputTokens: stress.metrics.inputTokens,
    };
    const missing = Object.entries(exercised).filter(([, count]) => !(count > 0));
    expect(missing, JSON.stringify(exercised)).toEqual([]);
    expect(stress.runs).toBe(USERS * RUNS_PER_USER);
    expect(counts.events).toBe(counts.tapEvents);
  });

  it('ran N x M engines through one factory, all disposed at the end', () => {
    expect(stress.metrics.enginesCreated).toBe(USERS * RUNS_PER_USER);
    expect(stress.metrics.enginesActive).toBe(0);
  });
});

describe('stress outcome and machine speed', () => {
  it(
    'on the virtual clock, the same seed gives the same outcome even when the event loop lags',
    async () => {
      const options = { users: 20, runsPerUser: 5, seed: 'lag' } as const;
      const quiet = await runStress(options);
      // A busy machine: the loop is blocked for 5 ms out of every 10 while the second run goes (on the
      // wall clock, this alone changes which calls time out).
      let quietUntil = 0;
      const lag = setInterval(() => {
        if (performance.now() < quietUntil) return;
        blockFor(5);
        quietUntil = performance.now() + 5;
      }, 1);
      let lagging: StressReport;
      try {
        lagging = await runStress(options);
      } finally {
        clearInterval(lag);
      }
      expect(formatOutcomeLines(lagging)).toEqual(formatOutcomeLines(quiet));
      expect(lagging.report.counts.events).toBe(quiet.report.counts.events);
      expect(quiet.report.counts.workflowsSucceeded).toBeGreaterThan(0);
      expect(quiet.report.violationCount + lagging.report.violationCount).toBe(0);
    },
    BACKSTOP_MS,
  );

  it(
    'on the wall clock, breaks no promise however many deadlines the machine makes it miss',
    async () => {
      // How many calls time out here depends on the load; what each call may show does not.
      const stress = await runStress({ users: 40, runsPerUser: 5, seed: SEED, clock: 'wall' });
      expect(stress.clock).toBe('wall');
      expect(stress.report.violationCount, formatViolations(stress).join('\n')).toBe(0);
      expect(stress.metrics.enginesCreated).toBe(200);
      expect(stress.metrics.enginesActive).toBe(0);
    },
    BACKSTOP_MS,
  );
});
