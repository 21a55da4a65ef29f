import { describe, expect, it } from 'vitest';
import { runWireStress, type WireStressReport } from './wire-stress.js';
import { compareOutcomes, formatWireSummary } from './wire-stress-summary.js';

/**
 * Wire-level stress against a real demo server on loopback: 50 users x 2 well-behaved sockets (HTTP
 * login, cookie, own Origin), seeded asks and cancels, 5 prober users trying to cancel other users'
 * runs, and, in the second run, a misbehaving third socket for every 5th user (random binary frames,
 * invalid JSON, wrong types, 1 MiB frames, floods of 1,000 frames, invalid UTF-8). The same seeded
 * asks run twice; the well-behaved clients must not see any difference.
 */
const BASE = { seed: 'wire-42', users: 50, asksPerSocket: 3, probers: 5, delayScale: 0.02 } as const;

function describeFailures(report: WireStressReport): string {
  return report.violations
    .slice(0, 20)
    .map((violation) => `[${violation.rule}] ${violation.message}`)
    .join('\n');
}

describe('wire stress: 50 users, 2 sockets each, seeded asks and cancels', () => {
  it('keeps every user to their own frames, with and without misbehaving clients, and the same outcomes', async () => {
    const baseline = await runWireStress({ ...BASE, misbehaveEvery: 0 });
    console.log(`baseline ${formatWireSummary(baseline)}`);
    expect(baseline.violations, describeFailures(baseline)).toEqual([]);

    const stressed = await runWireStress({ ...BASE, misbehaveEvery: 5 });
    console.log(`misbehaving ${formatWireSummary(stressed)}`);
    expect(stressed.violations, describeFailures(stressed)).toEqual([]);

    // 10 misbehaving sockets: the expected close codes, and the garbage senders kept open.
    expect(stressed.closes).toEqual({ '1007': 2, '1008': 2, '1009': 3, open: 3 });
    expect(stressed.malformedFramesSent).toBeGreaterThan(2_000);
    expect(stressed.runs).toBe(baseline.runs);
    expect(compareOutcomes(baseline.outcomes, stressed.outcomes)).toEqual([]);
    // Every ask of the plan got its outcome (300 = 50 users x 2 sockets x 3 asks).
    expect(baseline.outcomes.size).toBe(300);
  }, 600_000);
});
