import type { StressReport } from './run-stress.js';

/**
 * The one-line verdict CI greps for: `users=200 runs=2000 events=… violations=0 seconds=… seed=42 clock=virtual`.
 * `runs` are user runs (one engine each), `events` the events the checker verified.
 */
export function formatSummaryLine(stress: StressReport): string {
  const { report } = stress;
  return `users=${stress.users} runs=${stress.runs} events=${report.counts.events} violations=${report.violationCount} seconds=${stress.seconds.toFixed(1)} seed=${stress.seed} clock=${stress.clock}`;
}

/** What the workload exercised (every count should be > 0 for a workload of a useful size). */
export function formatOutcomeLines(stress: StressReport): string[] {
  const { counts } = stress.report;
  const { metrics } = stress;
  return [
    `calls=${counts.executions} workflows=${counts.workflows} engines=${counts.engines} tapEvents=${counts.tapEvents} badInputProbes=${stress.badInputProbes}`,
    `succeeded=${counts.succeeded} failedError=${counts.failedError} failedNonError=${counts.failedNonError} ` +
      `timedOut=${counts.timedOut} (ignoredSignal=${counts.timedOutIgnoredSignal} queued=${counts.timedOutQueued}) orphanedAgents=${counts.orphanedAgents}`,
    `cancelled: beforeAdmission=${counts.cancelledBeforeAdmission} queued=${counts.cancelledQueued} running=${counts.cancelledRunning} byDispose=${counts.cancelledByDispose}`,
    `workflows: succeeded=${counts.workflowsSucceeded} failed=${counts.workflowsFailed} cancelled=${counts.workflowsCancelled} rejectedByDispose=${counts.workflowsRejectedByDispose}`,
    `engines: disposedMidRun=${counts.enginesDisposedMidRun} disposedByUser=${counts.enginesDisposedByUser} reaped=${counts.enginesReaped} callsRefusedByDispose=${counts.callsRefusedByDispose}`,
    `factory: runsStarted=${metrics.runsStarted} runsQueued=${metrics.runsQueued} enginesCreated=${metrics.enginesCreated} enginesDisposed=${metrics.enginesDisposed} enginesReaped=${metrics.enginesReaped}`,
    `streams: outputDeltas=${counts.outputDeltas} callsWithUsage=${counts.callsWithUsage} (cutShort=${counts.callsWithPartialUsage}) ` +
      `tokens=${metrics.inputTokens}/${metrics.outputTokens} (input/output, factory metrics)`,
  ];
}

/** The first violations, one per line, for a failing run's log. */
export function formatViolations(stress: StressReport, limit = 20): string[] {
  const { report } = stress;
  const byRule = Object.entries(report.byRule)
    .map(([rule, count]) => `${rule}=${count}`)
    .join(' ');
  return [
    `violations by rule: ${byRule}`,
    ...report.violations.slice(0, limit).map((violation) => `  [${violation.rule}] ${violation.message}`),
  ];
}
