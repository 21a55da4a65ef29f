import { triageWorkflow } from '@baton/orchestrator';
import { describe, expect, it } from 'vitest';
import {
  APPROVAL_STAGE,
  createDemoWorkflow,
  DEFAULT_APPROVAL_TIMEOUT_MS,
  DEMO_WORKFLOW_ID,
  MAX_APPROVAL_TIMEOUT_MS,
  parseApprovalTimeout,
} from './demo-workflow.js';

describe('createDemoWorkflow', () => {
  it("is triageWorkflow under its own name, with an approval gate on the full path's actions stage only", () => {
    const workflow = createDemoWorkflow();
    expect(workflow.id).toBe(DEMO_WORKFLOW_ID);
    expect(workflow.id).not.toBe(triageWorkflow.id);
    expect(workflow).toMatchObject({ triage: 'triage', fallback: 'fallback', finally: 'reporting' });
    expect(workflow.classify).toBe(triageWorkflow.classify);
    for (const [path, stages] of Object.entries(workflow.paths)) {
      expect(stages.map((stage) => stage.agent)).toEqual(triageWorkflow.paths[path]!.map((stage) => stage.agent));
      const gated = stages.filter((stage) => stage.approval !== undefined).map((stage) => stage.agent);
      expect(gated).toEqual(path === 'sufficient' ? [APPROVAL_STAGE] : []);
    }
    const gate = workflow.paths.sufficient!.find((stage) => stage.agent === APPROVAL_STAGE)!.approval!;
    expect(gate.timeoutMs).toBe(DEFAULT_APPROVAL_TIMEOUT_MS);
    expect(typeof gate.prompt).toBe('function');
  });

  it('takes the approval timeout it is given, within 1 s to 24 h', () => {
    const gate = createDemoWorkflow({ approvalTimeoutMs: 90_000 }).paths.sufficient!.find((stage) => stage.approval)!.approval!;
    expect(gate.timeoutMs).toBe(90_000);
    for (const bad of [0, 999, 1.5, MAX_APPROVAL_TIMEOUT_MS + 1, Number.NaN]) {
      expect(() => createDemoWorkflow({ approvalTimeoutMs: bad })).toThrow(/BATON_DEMO_APPROVAL_TIMEOUT_MS/);
    }
  });
});

describe('BATON_DEMO_APPROVAL_TIMEOUT_MS', () => {
  it('defaults when unset or empty, and reads whole milliseconds', () => {
    expect(parseApprovalTimeout(undefined)).toBeUndefined();
    expect(parseApprovalTimeout(' ')).toBeUndefined();
    expect(parseApprovalTimeout('120000')).toBe(120_000);
  });

  it.each(['ten minutes', '-1', '999', '1.5', '86400001'])('refuses %s with a message naming the variable and its bounds', (value) => {
    expect(() => parseApprovalTimeout(value)).toThrow(
      /^BATON_DEMO_APPROVAL_TIMEOUT_MS must be a whole number of milliseconds from 1000 to 86400000/,
    );
  });
});
