import { describe, expect, it } from 'vitest';
import { emptyRunTotals, RunStats, type RunTotals } from './run-stats.js';

const gauges = { engineId: 'e_1', userId: 'u_1', maxConcurrentRuns: 3, activeRuns: 1, queuedRuns: 2, listenerErrors: 4 };

describe('RunStats', () => {
  it('reports zero averages before any call finished, and the gauges it is given', () => {
    expect(new RunStats(0).snapshot(gauges)).toEqual({
      engineId: 'e_1',
      userId: 'u_1',
      runsStarted: 0,
      runsSucceeded: 0,
      runsFailed: 0,
      runsTimedOut: 0,
      runsCancelled: 0,
      activeRuns: 1,
      queuedRuns: 2,
      maxConcurrentRuns: 3,
      peakConcurrentRuns: 0,
      avgRunMs: 0,
      maxRunMs: 0,
      avgQueueMs: 0,
      orphanedRuns: 0,
      listenerErrors: 4,
      inputTokens: 0,
      outputTokens: 0,
    });
  });

  it('counts each end by status and averages durations over finished calls', () => {
    const stats = new RunStats(0);
    for (let index = 0; index < 4; index++) stats.recordAdmitted(index);
    stats.recordEnded('succeeded', 10, 0, 10);
    stats.recordEnded('failed', 20, 5, 20);
    stats.recordEnded('timed_out', 30, 10, 30);
    stats.recordEnded('cancelled', 40, 25, 40);
    expect(stats.snapshot(gauges)).toMatchObject({
      runsStarted: 4,
      runsSucceeded: 1,
      runsFailed: 1,
      runsTimedOut: 1,
      runsCancelled: 1,
      avgRunMs: 25,
      maxRunMs: 40,
      avgQueueMs: 10,
    });
  });

  it('keeps the peak of running calls apart from the configured limit', () => {
    const stats = new RunStats(0);
    stats.recordRunning(1);
    stats.recordRunning(2);
    stats.recordRunning(1);
    expect(stats.snapshot(gauges)).toMatchObject({ maxConcurrentRuns: 3, peakConcurrentRuns: 2 });
  });

  it('dates the last activity from admissions, ends and other activity', () => {
    const stats = new RunStats(5);
    expect(stats.lastActivityAt).toBe(5);
    stats.recordAdmitted(7);
    expect(stats.lastActivityAt).toBe(7);
    stats.recordEnded('succeeded', 1, 0, 9);
    expect(stats.lastActivityAt).toBe(9);
    stats.recordActivity(12);
    expect(stats.lastActivityAt).toBe(12);
  });

  it('adds its counters to the factory totals', () => {
    const stats = new RunStats(0);
    stats.recordAdmitted(0);
    stats.recordAdmitted(0);
    stats.recordQueued();
    stats.recordQueueRejection();
    stats.recordEnded('succeeded', 1, 0, 1);
    stats.recordOrphan();
    const totals: RunTotals = {
      runsStarted: 10,
      runsSucceeded: 1,
      runsFailed: 0,
      runsTimedOut: 0,
      runsCancelled: 0,
      runsQueued: 0,
      queueRejections: 0,
      inputTokens: 5,
      outputTokens: 7,
    };
    stats.recordUsage({ inputTokens: 3, outputTokens: 4, totalTokens: 9 });
    stats.addTo(totals);
    expect(totals).toEqual({
      runsStarted: 12,
      runsSucceeded: 2,
      runsFailed: 0,
      runsTimedOut: 0,
      runsCancelled: 0,
      runsQueued: 1,
      queueRejections: 1,
      inputTokens: 8,
      outputTokens: 11,
    });
    expect(stats.snapshot(gauges).orphanedRuns).toBe(1);
  });

  it('sums the input and output tokens of the calls that reported usage', () => {
    const stats = new RunStats(0);
    stats.recordUsage({ inputTokens: 10, outputTokens: 2, totalTokens: 12 });
    stats.recordUsage({ inputTokens: 0, outputTokens: 5, totalTokens: 6 });
    expect(stats.snapshot(gauges)).toMatchObject({ inputTokens: 10, outputTokens: 7 });
  });

  it('starts the factory totals at zero for every counter', () => {
    const totals = emptyRunTotals();
    expect(Object.values(totals).every((value) => value === 0)).toBe(true);
    expect(Object.keys(totals).sort()).toEqual(
      [
        'inputTokens',
        'outputTokens',
        'queueRejections',
        'runsCancelled',
        'runsFailed',
        'runsQueued',
        'runsStarted',
        'runsSucceeded',
        'runsTimedOut',
      ].sort(),
    );
  });

  it('hands out a fresh snapshot every time', () => {
    const stats = new RunStats(0);
    const first = stats.snapshot(gauges);
    first.runsStarted = 99;
    expect(stats.snapshot(gauges).runsStarted).toBe(0);
  });
});
