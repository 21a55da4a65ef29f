import { type AgentRunResult, BatonError, RunInterruptedError } from '@baton/engine-contract';
import { describe, expect, it } from 'vitest';
import { crashedRun, newStore, stageResult } from './__fixtures__/run-store.js';
import { createRunJournal, isInterruption } from './run-journal.js';

const ids = (workflowId: string) => ({ workflowId, runId: 'run-1', requestId: 'req-1' });

describe('createRunJournal', () => {
  it('for a new run: nothing to reuse, not resumed', () => {
    const journal = createRunJournal(newStore(), ids('wf-1'));
    expect(journal.resumed).toBe(false);
    expect([...journal.prior]).toEqual([]);
  });

  it('for a resumed run: reuses the finished stages (succeeded, failed, timed_out), not the cancelled ones', () => {
    const stored = [stageResult('a'), stageResult('b', 'failed'), stageResult('c', 'timed_out'), stageResult('d', 'cancelled')];
    const journal = createRunJournal(newStore(), { ...ids('wf-1'), stored });
    expect(journal.resumed).toBe(true);
    expect([...journal.prior.keys()]).toEqual(['a', 'b', 'c']);
    expect(journal.prior.get('b')).toBe(stored[1]);
  });

  it('is resumed even when the record has no stages yet (its first event is still workflow_resumed)', () => {
    expect(createRunJournal(newStore(), { ...ids('wf-1'), stored: [] }).resumed).toBe(true);
  });

  it('keys a result without `stage` by its agent', () => {
    const { stage: _stage, ...withoutStage } = stageResult('solo');
    const journal = createRunJournal(newStore(), { ...ids('wf-1'), stored: [withoutStage as AgentRunResult] });
    expect(journal.prior.has('solo')).toBe(true);
  });

  it('writes to its run in the store: save, complete, interrupt', async () => {
    const store = newStore();
    const workflowId = await crashedRun(store);
    const other = await crashedRun(store, { workflowId: 'wf-other' });
    const journal = createRunJournal(store, ids(workflowId));
    await journal.save(stageResult('s1', 'succeeded', 'one'));
    await journal.interrupt();
    expect(await store.get(workflowId)).toMatchObject({ status: 'interrupted', stages: [{ stage: 's1', output: 'one' }] });
    await journal.complete({ status: 'failed', path: 'main', output: 'partial', durationMs: 4 });
    expect(await store.get(workflowId)).toMatchObject({ status: 'failed', result: { status: 'failed', output: 'partial' } });
    expect(await store.get(other)).toMatchObject({ status: 'running', stages: [] });
  });

  it('records a suspension on its run, and carries the gate decision and the owner ids it was given', async () => {
    const store = newStore();
    const workflowId = await crashedRun(store);
    const gate = { stage: 's2', outcome: { kind: 'approved' as const } };
    const journal = createRunJournal(store, { ...ids(workflowId), stored: [], gate });
    expect(journal.gate).toBe(gate);
    expect(journal.owner).toEqual(ids(workflowId));
    await journal.suspend({ stage: 's2', prompt: 'Go?', suspendedAt: 7 });
    expect(await store.get(workflowId)).toMatchObject({ status: 'suspended', suspension: { stage: 's2', prompt: 'Go?', suspendedAt: 7 } });
  });
});

describe('isInterruption', () => {
  it.each([
    ['no signal', undefined, false],
    ['a signal not aborted', new AbortController().signal, false],
    ['an abort without a reason', AbortSignal.abort(), false],
    ['an abort with another error', AbortSignal.abort(new Error('stop')), false],
    ['an abort with another Baton error', AbortSignal.abort(new BatonError({ code: 'ENGINE_DISPOSED', message: 'gone' })), false],
    ['an abort with a RunInterruptedError', AbortSignal.abort(new RunInterruptedError({ message: 'shutdown' })), true],
  ])('%s: %s', (_name, signal, expected) => {
    expect(isInterruption(signal)).toBe(expected);
  });

  it('recognises a RunInterruptedError made by another copy of the contract (the brand, not instanceof)', () => {
    const foreign = Object.assign(new Error('shutdown'), { [Symbol.for('baton.error.RunInterruptedError')]: true });
    expect(isInterruption(AbortSignal.abort(foreign))).toBe(true);
  });
});
