import { RunInterruptedError } from '@baton/engine-contract';
import { describe, expect, it } from 'vitest';
import { RunningRuns } from './running-runs.js';

describe('RunningRuns', () => {
  it('interrupts one run with a RunInterruptedError and leaves the others running', () => {
    const runs = new RunningRuns();
    const first = runs.start('wf-1');
    const second = runs.start('wf-2');
    expect(runs.interrupt('wf-1', 'lock lost')).toBe(true);
    expect(first.signal.aborted).toBe(true);
    expect(RunInterruptedError.isInstance(first.signal.reason)).toBe(true);
    expect((first.signal.reason as Error).message).toBe('lock lost');
    expect(second.signal.aborted).toBe(false);
    expect(runs.interrupt('wf-unknown', 'x')).toBe(false);
  });

  it('after interruptAll, aborts every running run and hands out only aborted controllers', () => {
    const runs = new RunningRuns();
    const running = runs.start('wf-1');
    runs.interruptAll('closing');
    expect(running.signal.aborted).toBe(true);
    const late = runs.start('wf-2');
    expect(late.signal.aborted).toBe(true);
    expect(RunInterruptedError.isInstance(late.signal.reason)).toBe(true);
    expect(runs.size).toBe(1);
    runs.finish('wf-1', running);
    expect(runs.size).toBe(0);
  });

  it('finish forgets a run only for the controller it was started with', () => {
    const runs = new RunningRuns();
    const old = runs.start('wf-1');
    const current = runs.start('wf-1');
    runs.finish('wf-1', old);
    expect(runs.size).toBe(1);
    runs.interrupt('wf-1', 'x');
    expect(current.signal.aborted).toBe(true);
  });

  it('cancel aborts a running run with a cancellation, not an interruption', () => {
    const runs = new RunningRuns();
    const running = runs.start('wf-1');
    runs.cancel('wf-1');
    expect(running.signal.aborted).toBe(true);
    expect(RunInterruptedError.isInstance(running.signal.reason)).toBe(false);
    expect((running.signal.reason as Error).name).toBe('AbortError');
  });

  it('a cancel for a run not running yet cancels it when it starts, once', () => {
    const runs = new RunningRuns();
    runs.cancel('wf-1');
    expect(runs.start('wf-1').signal.aborted).toBe(true);
    expect(runs.start('wf-1').signal.aborted).toBe(false);
    expect(runs.start('wf-2').signal.aborted).toBe(false);
  });

  it('forgets the oldest pending cancels beyond 10000', () => {
    const runs = new RunningRuns();
    for (let index = 0; index <= 10_000; index++) runs.cancel(`wf-${index}`);
    expect(runs.start('wf-0').signal.aborted).toBe(false);
    expect(runs.start('wf-1').signal.aborted).toBe(true);
    expect(runs.start('wf-10000').signal.aborted).toBe(true);
  });
});
