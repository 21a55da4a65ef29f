import type { AskOutcome, WireStressReport } from './wire-stress.js';

/** `wire: sockets=… runs=… events=… malformedFrames=… closes=1007:…,1008:…,1009:…,open:… violations=… seconds=…` */
export function formatWireSummary(report: WireStressReport): string {
  const closes = Object.entries(report.closes)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([code, count]) => `${code}:${count}`)
    .join(',');
  return `wire: sockets=${report.sockets} runs=${report.runs} events=${report.events} malformedFrames=${report.malformedFramesSent} closes=${closes || 'none'} violations=${report.violations.length} seconds=${report.seconds.toFixed(1)}`;
}

/** Asks whose outcome differs between two runs of the same plan (e.g. without and with misbehaving clients). */
export function compareOutcomes(baseline: Map<string, AskOutcome>, other: Map<string, AskOutcome>): string[] {
  const differences: string[] = [];
  for (const [key, expected] of baseline) {
    const actual = other.get(key);
    if (JSON.stringify(actual) !== JSON.stringify(expected))
      differences.push(`ask ${key}: ${JSON.stringify(actual)?.slice(0, 300)} vs ${JSON.stringify(expected).slice(0, 300)}`);
  }
  for (const key of other.keys()) if (!baseline.has(key)) differences.push(`ask ${key} only in the second run`);
  return differences;
}
