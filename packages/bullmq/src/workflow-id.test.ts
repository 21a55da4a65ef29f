import { InvalidConfigError } from '@baton/engine-contract';
import { describe, expect, it } from 'vitest';
import { isWorkflowId, workflowIdFor } from './workflow-id.js';

describe('workflowIdFor', () => {
  it('is the same for the same user and run, and differs when either differs', () => {
    const id = workflowIdFor('u_42', 'r_1');
    expect(workflowIdFor('u_42', 'r_1')).toBe(id);
    expect(workflowIdFor('u_43', 'r_1')).not.toBe(id);
    expect(workflowIdFor('u_42', 'r_2')).not.toBe(id);
  });

  it('keeps pairs apart that a plain separator would merge', () => {
    expect(workflowIdFor('a|b', 'c')).not.toBe(workflowIdFor('a', 'b|c'));
    expect(workflowIdFor('a', 'bc')).not.toBe(workflowIdFor('ab', 'c'));
  });

  it('is a BullMQ-safe job id of bounded length: no ":", never integer-like, whatever the ids', () => {
    const id = workflowIdFor(`user:${'x'.repeat(256)}`, '12345');
    expect(id).toMatch(/^wf-[0-9a-f]{32}$/);
    expect(id).not.toContain(':');
    expect(Number.isNaN(Number(id))).toBe(true);
    expect(isWorkflowId(id)).toBe(true);
  });

  it('refuses ids that are not non-empty strings with InvalidConfigError', () => {
    expect(() => workflowIdFor('', 'r_1')).toThrow(InvalidConfigError);
    expect(() => workflowIdFor('u_1', 7 as unknown as string)).toThrow(/two non-empty strings/);
  });
});

describe('isWorkflowId', () => {
  it('accepts only the shape workflowIdFor makes', () => {
    expect(isWorkflowId('wf-0123456789abcdef0123456789abcdef')).toBe(true);
    expect(isWorkflowId('wf-0123456789ABCDEF0123456789abcdef')).toBe(false);
    expect(isWorkflowId('wf-123')).toBe(false);
    expect(isWorkflowId('42')).toBe(false);
    expect(isWorkflowId(undefined)).toBe(false);
  });
});
