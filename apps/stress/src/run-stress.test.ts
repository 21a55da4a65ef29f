import { beforeAll, describe, expect, it } from 'vitest';
import { runStress, type StressReport } from './run-stress.js';
import { formatOutcomeLines, formatSummaryLine, formatViolations } from './stress-summary.js';

/** The test-size workload: fixed, so that a failure reproduces with `pnpm stress --seed 42`. */
const USERS = 200;
const RUNS_PER_USER = 10;
const SEED = '42';

describe(`stress: ${USERS} users x ${RUNS_PER_USER} concurrent runs, seed ${SEED}`, () => {
  let stress: StressReport;
  beforeAll(async () => {
    stress = await runStress({ users: USERS, runsPerUser: RUNS_PER_USER, seed: SEED, watchdogMs: 50_000 });
    for (const line of [...formatOutcomeLines(stress), formatSummaryLine(stress)]) console.log(line);
  }, 60_000);

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
