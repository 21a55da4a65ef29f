import { describe, expect, it } from 'vitest';
import { type AgentRunResult, WorkflowStatusSchema } from './agent-run-result.js';
import {
  FINAL_RUN_STATUSES,
  NewRunRecordSchema,
  type RunRecord,
  RunRecordSchema,
  RunStatusSchema,
  RunSuspensionSchema,
  StoredWorkflowResultSchema,
} from './run-record.js';

const STAGE: AgentRunResult = {
  status: 'succeeded',
  executionId: 'e1',
  agentName: 'writer',
  runId: 'r1',
  requestId: 'q1',
  stage: 'draft',
  output: 'text',
  durationMs: 3,
  queuedMs: 1,
};

const NEW_RUN = { workflowId: 'wf_1', workflowName: 'flow', userId: 'u1', threadId: 't1', runId: 'r1', input: { q: 'why?' } };

const RECORD: RunRecord = {
  ...NEW_RUN,
  status: 'suspended',
  stages: [STAGE],
  suspension: { stage: 'review', prompt: 'Publish?', suspendedAt: 10, expiresAt: 20 },
  createdAt: 1,
  updatedAt: 10,
};

describe('RunStatusSchema', () => {
  it('accepts the six statuses of a stored run and nothing else', () => {
    expect(RunStatusSchema.options).toEqual(['running', 'suspended', 'succeeded', 'failed', 'cancelled', 'interrupted']);
    for (const status of RunStatusSchema.options) expect(RunStatusSchema.parse(status)).toBe(status);
    expect(RunStatusSchema.safeParse('timed_out').success).toBe(false);
  });
});

describe('FINAL_RUN_STATUSES', () => {
  it('holds exactly the ways a workflow ends', () => {
    expect([...FINAL_RUN_STATUSES].sort()).toEqual([...WorkflowStatusSchema.options].sort());
    expect(FINAL_RUN_STATUSES.has('running')).toBe(false);
    expect(FINAL_RUN_STATUSES.has('suspended')).toBe(false);
    expect(FINAL_RUN_STATUSES.has('interrupted')).toBe(false);
  });
});

describe('RunSuspensionSchema', () => {
  it('accepts a suspension with or without expiresAt', () => {
    expect(RunSuspensionSchema.parse(RECORD.suspension)).toEqual(RECORD.suspension);
    expect(RunSuspensionSchema.safeParse({ stage: 'review', prompt: '', suspendedAt: 0 }).success).toBe(true);
  });

  it('refuses an empty stage, a non-string prompt and a non-numeric time', () => {
    expect(RunSuspensionSchema.safeParse({ stage: '', prompt: 'p', suspendedAt: 0 }).success).toBe(false);
    expect(RunSuspensionSchema.safeParse({ stage: 's', prompt: 1, suspendedAt: 0 }).success).toBe(false);
    expect(RunSuspensionSchema.safeParse({ stage: 's', prompt: 'p', suspendedAt: '0' }).success).toBe(false);
    expect(RunSuspensionSchema.safeParse({ stage: 's', prompt: 'p', suspendedAt: 0, expiresAt: 'later' }).success).toBe(false);
  });
});

describe('StoredWorkflowResultSchema', () => {
  it('accepts how a workflow ended, output optional', () => {
    expect(StoredWorkflowResultSchema.safeParse({ status: 'succeeded', path: 'main', durationMs: 0 }).success).toBe(true);
    expect(StoredWorkflowResultSchema.parse({ status: 'failed', path: 'p', durationMs: 5, output: { a: 1 } })).toMatchObject({
      output: { a: 1 },
    });
  });

  it('refuses a status that is not final and a negative duration', () => {
    for (const status of ['running', 'suspended', 'interrupted']) {
      expect(StoredWorkflowResultSchema.safeParse({ status, path: 'main', durationMs: 0 }).success, status).toBe(false);
    }
    expect(StoredWorkflowResultSchema.safeParse({ status: 'succeeded', path: 'main', durationMs: -1 }).success).toBe(false);
    expect(StoredWorkflowResultSchema.safeParse({ status: 'succeeded', durationMs: 1 }).success).toBe(false);
  });
});

describe('NewRunRecordSchema', () => {
  it('accepts ids and any input', () => {
    expect(NewRunRecordSchema.parse(NEW_RUN)).toEqual(NEW_RUN);
    expect(NewRunRecordSchema.safeParse({ ...NEW_RUN, input: undefined }).success).toBe(true);
  });

  it.each(['workflowId', 'workflowName', 'userId', 'threadId', 'runId'])('requires a non-empty string %s', (field) => {
    expect(NewRunRecordSchema.safeParse({ ...NEW_RUN, [field]: '' }).success).toBe(false);
    expect(NewRunRecordSchema.safeParse({ ...NEW_RUN, [field]: 1 }).success).toBe(false);
  });

  it('drops keys a new record does not have', () => {
    expect(NewRunRecordSchema.parse({ ...NEW_RUN, status: 'succeeded' })).not.toHaveProperty('status');
  });
});

describe('RunRecordSchema', () => {
  it('accepts a full record and one without suspension or result', () => {
    expect(RunRecordSchema.parse(RECORD)).toEqual(RECORD);
    const { suspension: _suspension, ...running } = RECORD;
    expect(RunRecordSchema.safeParse({ ...running, status: 'running', stages: [] }).success).toBe(true);
    const finished = { ...running, status: 'succeeded', result: { status: 'succeeded', path: 'main', durationMs: 4 } };
    expect(RunRecordSchema.safeParse(finished).success).toBe(true);
  });

  it('refuses a bad status, a bad stage result and missing times', () => {
    expect(RunRecordSchema.safeParse({ ...RECORD, status: 'done' }).success).toBe(false);
    expect(RunRecordSchema.safeParse({ ...RECORD, stages: [{ ...STAGE, status: 'done' }] }).success).toBe(false);
    const { createdAt: _createdAt, ...withoutCreatedAt } = RECORD;
    expect(RunRecordSchema.safeParse(withoutCreatedAt).success).toBe(false);
    const { updatedAt: _updatedAt, ...withoutUpdatedAt } = RECORD;
    expect(RunRecordSchema.safeParse(withoutUpdatedAt).success).toBe(false);
    expect(RunRecordSchema.safeParse({ ...RECORD, workflowId: '' }).success).toBe(false);
  });
});
