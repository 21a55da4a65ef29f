import { RunNotFoundError, RunNotResumableError, type RunRecord, type RunStatus, UserIsolationError } from '@baton/engine-contract';
import { describe, expect, it } from 'vitest';
import { newStore } from './__fixtures__/run-store.js';
import { claimActiveRun } from './active-runs.js';
import { checkResumable } from './resume-checks.js';

function record(overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    workflowId: 'wf-1',
    workflowName: 'five',
    userId: 'user-1',
    threadId: 'thread-1',
    runId: 'run-1',
    input: 'q',
    status: 'running',
    stages: [],
    createdAt: 1,
    updatedAt: 1,
    ...overrides,
  };
}

function request(options: { active?: boolean; userId?: string; workflowName?: string } = {}) {
  const store = newStore();
  if (options.active === true) claimActiveRun(store, 'wf-1');
  return { store, workflowId: 'wf-1', userId: options.userId ?? 'user-1', workflowName: options.workflowName ?? 'five' };
}

function refusal(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('accepted');
}

describe('checkResumable', () => {
  it.each(['running', 'interrupted', 'suspended'] as const)('returns a %s record of this user and workflow', (status) => {
    const stored = record({ status });
    expect(checkResumable(stored, request())).toBe(stored);
  });

  it.each<[string, RunRecord | null, Parameters<typeof request>[0], (error: unknown) => boolean, RegExp]>([
    ['no record', null, { userId: 'user-2', active: true }, RunNotFoundError.isInstance, /^No run wf-1 in the store/],
    [
      'another user’s',
      record({ status: 'succeeded' }),
      { userId: 'user-2', active: true, workflowName: 'x' },
      UserIsolationError.isInstance,
      /another user/,
    ],
    [
      'a finished',
      record({ status: 'failed' }),
      { active: true, workflowName: 'x' },
      RunNotResumableError.isInstance,
      /has finished \(failed\)/,
    ],
    ['an active', record(), { active: true, workflowName: 'x' }, RunNotResumableError.isInstance, /already running in this process/],
    [
      'another workflow’s',
      record(),
      { workflowName: 'x' },
      RunNotResumableError.isInstance,
      /is a run of workflow "five"; this orchestrator runs "x"/,
    ],
  ])('refuses %s run first, whatever else is wrong with it', (_name, stored, options, isExpected, message) => {
    const error = refusal(() => checkResumable(stored, request(options)));
    expect(isExpected(error)).toBe(true);
    expect(error.message).toMatch(message);
  });

  it.each<RunStatus>(['succeeded', 'failed', 'cancelled'])('refuses a %s run as finished', (status) => {
    expect(RunNotResumableError.isInstance(refusal(() => checkResumable(record({ status }), request())))).toBe(true);
  });

  it('says which field differs for another user, without the owner’s id', () => {
    const error = refusal(() => checkResumable(record({ userId: 'owner-7' }), request()));
    expect(error).toMatchObject({ code: 'USER_ISOLATION_VIOLATION', field: 'userId' });
    expect(error.message).not.toContain('owner-7');
  });

  it('sees only the ids active on its own store', () => {
    const other = request({ active: true });
    expect(checkResumable(record(), { ...other, store: newStore() }).workflowId).toBe('wf-1');
  });
});
