import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AgentBehaviour, createWorkloadPlan, type WorkloadPlan } from './workload-plan.js';

function behaviours(plan: WorkloadPlan): AgentBehaviour[] {
  return plan.users.flatMap((user) =>
    user.runs.flatMap((run) => [
      ...run.calls.map((call) => call.behaviour),
      ...(run.followUp ? [run.followUp.behaviour] : []),
      ...(run.workflow ? Object.values(run.workflow.stages) : []),
    ]),
  );
}

describe('createWorkloadPlan', () => {
  it('same seed, same workload: every decision is in the plan and equal', () => {
    const first = createWorkloadPlan({ seed: '42', users: 200, runsPerUser: 10 });
    const second = createWorkloadPlan({ seed: '42', users: 200, runsPerUser: 10 });
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
    expect(createWorkloadPlan({ seed: '43', users: 200, runsPerUser: 10 })).not.toEqual(first);
  });

  it('is a pure function of (seed, users, runsPerUser) for any seed', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 20 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 5 }),
        (seed, users, runsPerUser) => {
          expect(createWorkloadPlan({ seed, users, runsPerUser })).toEqual(createWorkloadPlan({ seed, users, runsPerUser }));
        },
      ),
      { numRuns: 50 },
    );
  });

  it('extends with more users instead of reshuffling (user i does not depend on the user count)', () => {
    const small = createWorkloadPlan({ seed: 'grow', users: 20, runsPerUser: 4 });
    const large = createWorkloadPlan({ seed: 'grow', users: 200, runsPerUser: 4 });
    expect(large.users.slice(0, 20)).toEqual(small.users);
  });

  it('keeps its own invariants (so the checker can rely on them)', () => {
    const plan = createWorkloadPlan({ seed: 'invariants', users: 300, runsPerUser: 10 });
    const { limits } = plan;
    const keys = new Set<string>();
    for (const user of plan.users) {
      for (const run of user.runs) {
        keys.add(run.key);
        run.calls.forEach((call, index) => {
          // "Cancelled while queued" is only planned for calls beyond the engine's concurrency.
          if (call.cancel === 'queued') expect(index).toBeGreaterThanOrEqual(limits.maxConcurrentRunsPerEngine);
          if (call.cancel === 'running')
            expect(call.behaviour.trigger).toEqual({ action: 'cancel', target: index, afterThoughts: expect.any(Number) });
          if (call.behaviour.outcome === 'hang') expect(call.behaviour.hangMs).toBeGreaterThan(call.timeoutMs ?? limits.runTimeoutMs);
        });
        if (run.idleGapMs !== undefined) expect(run.idleGapMs).toBeGreaterThan(limits.engineIdleTimeoutMs + limits.reapIntervalMs);
        if (run.followUp) expect(run.followUp.behaviour.outcome).not.toBe('hang');
      }
    }
    expect(keys.size).toBe(300 * 10);
    for (const behaviour of behaviours(plan)) {
      if (behaviour.trigger) expect(behaviour.trigger.afterThoughts).toBeLessThanOrEqual(behaviour.thoughts);
      if (behaviour.trigger) expect(behaviour.trigger.afterThoughts).toBeGreaterThanOrEqual(1);
    }
  });

  it('plans every fault kind at the test size', () => {
    const plan = createWorkloadPlan({ seed: '42', users: 200, runsPerUser: 10 });
    const all = behaviours(plan);
    const runs = plan.users.flatMap((user) => user.runs);
    const calls = runs.flatMap((run) => run.calls);
    for (const outcome of [
      'succeed',
      'throw-error',
      'throw-error-sync',
      'throw-string',
      'throw-undefined',
      'throw-object',
      'hang',
    ] as const) {
      expect(
        all.some((behaviour) => behaviour.outcome === outcome),
        outcome,
      ).toBe(true);
    }
    for (const cancel of ['before', 'queued', 'running'] as const)
      expect(
        calls.some((call) => call.cancel === cancel),
        cancel,
      ).toBe(true);
    for (const action of ['cancel', 'dispose-engine', 'dispose-user'] as const) {
      expect(
        all.some((behaviour) => behaviour.trigger?.action === action),
        action,
      ).toBe(true);
    }
    expect(runs.some((run) => run.idleGapMs !== undefined)).toBe(true);
    expect(runs.some((run) => run.probeBadInput)).toBe(true);
    expect(new Set(runs.map((run) => run.kind))).toEqual(new Set(['workflow', 'direct', 'mixed']));
    expect(new Set(runs.flatMap((run) => (run.workflow ? [run.workflow.sufficiency, run.workflow.cancel] : [])))).toEqual(
      new Set(['sufficient', 'partial', 'insufficient', 'bogus', 'none', 'before', 'running']),
    );
  });

  it('plans streamed output and usage of every shape', () => {
    const plan = createWorkloadPlan({ seed: '42', users: 200, runsPerUser: 10 });
    const all = behaviours(plan);
    expect(all.some((behaviour) => behaviour.deltas === 0)).toBe(true);
    expect(all.some((behaviour) => behaviour.deltas >= 20)).toBe(true);
    expect(all.some((behaviour) => behaviour.probeEdges)).toBe(true);
    expect(all.some((behaviour) => behaviour.usage.length === 0)).toBe(true);
    const reports = all.flatMap((behaviour) => behaviour.usage);
    const shapes = new Set(reports.map((report) => Object.keys(report).sort().join('+') || 'empty'));
    expect(shapes).toEqual(
      new Set(['inputTokens+outputTokens', 'inputTokens+outputTokens+totalTokens', 'outputTokens', 'inputTokens', 'empty']),
    );
    for (const report of reports) {
      for (const count of Object.values(report)) expect(Number.isInteger(count) && count >= 0).toBe(true);
      if (report.totalTokens !== undefined)
        expect(report.totalTokens).toBeGreaterThanOrEqual((report.inputTokens ?? 0) + (report.outputTokens ?? 0));
    }
  });

  it('refuses sizes that are not positive integers', () => {
    expect(() => createWorkloadPlan({ seed: 'x', users: 0, runsPerUser: 1 })).toThrow(RangeError);
    expect(() => createWorkloadPlan({ seed: 'x', users: 1, runsPerUser: 1.5 })).toThrow(RangeError);
  });
});
