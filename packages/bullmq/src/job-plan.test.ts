import type { RunRecord, RunStatus, RunSuspension } from '@baton/engine-contract';
import { describe, expect, it } from 'vitest';
import { planJob } from './job-plan.js';

function record(status: RunStatus, suspension?: RunSuspension): RunRecord {
  return {
    workflowId: 'wf-1',
    workflowName: 'five',
    userId: 'u1',
    threadId: 't1',
    runId: 'r1',
    input: 'in',
    status,
    stages: [],
    ...(suspension === undefined ? {} : { suspension }),
    createdAt: 1,
    updatedAt: 1,
  };
}

const approve = { approved: true, note: 'ok' };

describe('planJob', () => {
  it('runs a run that has no record yet', () => {
    expect(planJob('wf-1', null, undefined, 0)).toEqual({ kind: 'run' });
  });

  it('skips a finished run, with its status as the summary, decision or not', () => {
    for (const status of ['succeeded', 'failed', 'cancelled'] as const) {
      expect(planJob('wf-1', record(status), undefined, 0)).toEqual({ kind: 'skip', summary: { workflowId: 'wf-1', status } });
      expect(planJob('wf-1', record(status), approve, 0)).toEqual({ kind: 'skip', summary: { workflowId: 'wf-1', status } });
    }
  });

  it('resumes a running or interrupted run without the decision the job may carry', () => {
    expect(planJob('wf-1', record('running'), undefined, 0)).toEqual({ kind: 'resume' });
    expect(planJob('wf-1', record('interrupted'), approve, 0)).toEqual({ kind: 'resume' });
  });

  it('resumes a suspended run with the decision the job carries', () => {
    const suspended = record('suspended', { stage: 's3', prompt: 'Go?', suspendedAt: 5 });
    expect(planJob('wf-1', suspended, approve, 10)).toEqual({ kind: 'resume', decision: approve });
  });

  it('leaves a suspended run without a decision alone until its deadline, and resumes it from then on', () => {
    const suspended = record('suspended', { stage: 's3', prompt: 'Go?', suspendedAt: 5, expiresAt: 100 });
    expect(planJob('wf-1', suspended, undefined, 99)).toEqual({
      kind: 'skip',
      summary: { workflowId: 'wf-1', status: 'suspended', suspendedAt: 's3', expiresAt: 100 },
    });
    expect(planJob('wf-1', suspended, undefined, 100)).toEqual({ kind: 'resume' });
  });

  it('leaves a suspended run without a deadline alone for as long as no decision comes', () => {
    const suspended = record('suspended', { stage: 's3', prompt: 'Go?', suspendedAt: 5 });
    expect(planJob('wf-1', suspended, undefined, Number.MAX_SAFE_INTEGER)).toEqual({
      kind: 'skip',
      summary: { workflowId: 'wf-1', status: 'suspended', suspendedAt: 's3' },
    });
  });
});
