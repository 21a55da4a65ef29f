import { describe, expect, it } from 'vitest';
import {
  AgentRunErrorCodeSchema,
  AgentRunErrorSchema,
  type AgentRunResult,
  AgentRunResultSchema,
  AgentRunStatusSchema,
  WorkflowStatusSchema,
} from './agent-run-result.js';

const succeeded: AgentRunResult = {
  status: 'succeeded',
  executionId: 'exec_1',
  agentName: 'echo',
  runId: 'r_1',
  requestId: 'req_1',
  output: { text: 'hi' },
  durationMs: 12,
  queuedMs: 0,
};

describe('AgentRunStatusSchema', () => {
  it('has exactly the four run statuses', () => {
    expect(AgentRunStatusSchema.options).toEqual(['succeeded', 'failed', 'timed_out', 'cancelled']);
    expect(AgentRunStatusSchema.safeParse('running').success).toBe(false);
  });
});

describe('AgentRunErrorCodeSchema', () => {
  it('has exactly the four run error codes and the two approval codes', () => {
    expect(AgentRunErrorCodeSchema.options).toEqual([
      'AGENT_FAILED',
      'INVALID_AGENT_IO',
      'RUN_TIMEOUT',
      'RUN_CANCELLED',
      'APPROVAL_REJECTED',
      'APPROVAL_TIMEOUT',
    ]);
  });
});

describe('AgentRunErrorSchema', () => {
  it('accepts { code, name, message } and rejects a missing or unknown code', () => {
    expect(AgentRunErrorSchema.safeParse({ code: 'RUN_TIMEOUT', name: 'NonError', message: 'late' }).success).toBe(true);
    expect(AgentRunErrorSchema.safeParse({ name: 'Error', message: 'x' }).success).toBe(false);
    expect(AgentRunErrorSchema.safeParse({ code: 'INVALID_CONFIG', name: 'Error', message: 'x' }).success).toBe(false);
    expect(AgentRunErrorSchema.safeParse({ code: 'AGENT_FAILED', name: 'Error' }).success).toBe(false);
  });
});

describe('WorkflowStatusSchema', () => {
  it('has succeeded, failed and cancelled only', () => {
    expect(WorkflowStatusSchema.options).toEqual(['succeeded', 'failed', 'cancelled']);
  });
});

describe('AgentRunResultSchema', () => {
  it('accepts a succeeded result', () => {
    expect(AgentRunResultSchema.parse(succeeded)).toEqual(succeeded);
  });

  it.each([
    ['failed', 'AGENT_FAILED'],
    ['failed', 'INVALID_AGENT_IO'],
    ['timed_out', 'RUN_TIMEOUT'],
    ['cancelled', 'RUN_CANCELLED'],
  ] as const)('accepts a %s result with error code %s and a stage', (status, code) => {
    const result = { ...succeeded, status, stage: 'billing', output: undefined, error: { code, name: 'Error', message: 'm' } };
    expect(AgentRunResultSchema.safeParse(result).success).toBe(true);
  });

  it('accepts a result with the usage its agent reported, and rejects a partial or negative one', () => {
    const usage = { inputTokens: 10, outputTokens: 4, totalTokens: 14 };
    expect(AgentRunResultSchema.parse({ ...succeeded, usage })).toEqual({ ...succeeded, usage });
    expect(AgentRunResultSchema.safeParse({ ...succeeded, usage: { inputTokens: 10 } }).success).toBe(false);
    expect(AgentRunResultSchema.safeParse({ ...succeeded, usage: { ...usage, totalTokens: -1 } }).success).toBe(false);
  });

  it.each(['status', 'executionId', 'agentName', 'runId', 'requestId', 'durationMs', 'queuedMs'])(
    'rejects a result without %s',
    (field) => {
      const broken: Record<string, unknown> = { ...succeeded };
      delete broken[field];
      expect(AgentRunResultSchema.safeParse(broken).success).toBe(false);
    },
  );

  it.each([
    ['status', 'ok'],
    ['executionId', 1],
    ['durationMs', -1],
    ['queuedMs', -0.5],
    ['durationMs', '12'],
    ['stage', 3],
    ['error', { code: 'NOPE', name: 'E', message: 'm' }],
  ])('rejects %s = %j', (field, value) => {
    expect(AgentRunResultSchema.safeParse({ ...succeeded, [field]: value }).success).toBe(false);
  });
});
