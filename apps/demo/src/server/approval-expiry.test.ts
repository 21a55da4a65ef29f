import { InMemoryRunStore } from '@baton/engine-contract';
import { createManualClock } from '@baton/testing';
import { describe, expect, it } from 'vitest';
import { ApprovalExpiry } from './approval-expiry.js';
import type { ExpiryOutcome } from './run-decisions.js';

const T0 = 1_800_000_000_000;
const silent = { warn: () => undefined };

/** A manual clock (with its timers) and a store holding one suspended run `wf-1` that expires at `T0 + 60 s`. */
async function setUp() {
  const clock = createManualClock({ start: T0 });
  const { now } = clock;
  const store = new InMemoryRunStore({ now });
  await store.create({ workflowId: 'wf-1', workflowName: 'flow', userId: 'alice', threadId: 't', runId: 'run-1', input: 'q' });
  await store.suspend('wf-1', { stage: 'actions', prompt: 'Apply?', suspendedAt: T0, expiresAt: T0 + 60_000 });
  return { clock, now, store };
}

/** Resolves once `count` calls of the recorder happened. */
function recorder(outcomes: ExpiryOutcome[] = []) {
  const calls: string[] = [];
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  return {
    calls,
    expire: async (workflowId: string): Promise<ExpiryOutcome> => {
      calls.push(workflowId);
      for (const waiter of waiters.filter((candidate) => calls.length >= candidate.count)) waiter.resolve();
      return outcomes.shift() ?? { kind: 'done' };
    },
    called: (count: number) => new Promise<void>((resolve) => (calls.length >= count ? resolve() : waiters.push({ count, resolve }))),
  };
}

describe('ApprovalExpiry', () => {
  it("resumes a watched run at its suspension's expiresAt, not before", async () => {
    const { clock, now, store } = await setUp();
    const expire = recorder();
    const expiry = new ApprovalExpiry({ store, now, expire: expire.expire, schedule: clock.schedule, log: silent });
    await expiry.watch('wf-1');
    expect(clock.pendingTimers()).toEqual([T0 + 60_000]);
    expect(await clock.advanceTo(T0 + 59_999)).toBe(0);
    expect(await clock.advanceTo(T0 + 60_000)).toBe(1);
    await expire.called(1);
    expect(expire.calls).toEqual(['wf-1']);
  });

  it('ignores runs that are not suspended, or never expire', async () => {
    const { clock, now, store } = await setUp();
    await store.create({ workflowId: 'wf-2', workflowName: 'flow', userId: 'alice', threadId: 't', runId: 'run-2', input: 'q' });
    await store.suspend('wf-2', { stage: 'actions', prompt: 'Apply?', suspendedAt: T0 });
    await store.markRunning('wf-1', { from: 'suspended' });
    const expiry = new ApprovalExpiry({ store, now, expire: recorder().expire, schedule: clock.schedule, log: silent });
    await expiry.watch('wf-1');
    await expiry.watch('wf-2');
    await expiry.watch('no-such-run');
    expect(clock.pendingTimers()).toEqual([]);
  });

  it('tries again later when the timeout could not start, and at the real expiry when it fired early', async () => {
    const { clock, now, store } = await setUp();
    const expire = recorder([{ kind: 'retry' }, { kind: 'later', expiresAt: T0 + 90_000 + 5_000 }]);
    const expiry = new ApprovalExpiry({ store, now, expire: expire.expire, schedule: clock.schedule, retryDelayMs: 30_000, log: silent });
    await expiry.watch('wf-1');
    await clock.advanceTo(T0 + 60_000);
    await clock.whenScheduled(2);
    expect(expire.calls).toEqual(['wf-1']);
    expect(clock.pendingTimers()).toEqual([T0 + 90_000]);
    await clock.advanceTo(T0 + 90_000);
    await clock.whenScheduled(3);
    expect(expire.calls).toEqual(['wf-1', 'wf-1']);
    expect(clock.pendingTimers()).toEqual([T0 + 95_000]);
  });

  it('close stops the timers, and a watch after it arms none', async () => {
    const { clock, now, store } = await setUp();
    const expire = recorder();
    const expiry = new ApprovalExpiry({ store, now, expire: expire.expire, schedule: clock.schedule, log: silent });
    await expiry.watch('wf-1');
    expect(clock.pendingTimers()).toEqual([T0 + 60_000]);
    expiry.close();
    expect(clock.pendingTimers()).toEqual([]);
    await expiry.watch('wf-1');
    expect(clock.pendingTimers()).toEqual([]);
    expect(expire.calls).toEqual([]);
  });
});
