import { describe, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import type {
  AgentRunError,
  AgentRunErrorCode,
  AgentRunResult,
  AgentRunResultSchema,
  AgentRunStatus,
  WorkflowStatus,
} from './agent-run-result.js';
import type { TokenUsage } from './token-usage.js';

describe('AgentRunResult types', () => {
  it('AgentRunStatus is the literal union of the four statuses', () => {
    expectTypeOf<AgentRunStatus>().toEqualTypeOf<'succeeded' | 'failed' | 'timed_out' | 'cancelled'>();
  });

  it('AgentRunErrorCode is the literal union of the four run error codes and the two approval codes', () => {
    expectTypeOf<AgentRunErrorCode>().toEqualTypeOf<
      'AGENT_FAILED' | 'INVALID_AGENT_IO' | 'RUN_TIMEOUT' | 'RUN_CANCELLED' | 'APPROVAL_REJECTED' | 'APPROVAL_TIMEOUT'
    >();
    expectTypeOf<AgentRunError>().toEqualTypeOf<{ code: AgentRunErrorCode; name: string; message: string }>();
  });

  it('WorkflowStatus has no timed_out', () => {
    expectTypeOf<WorkflowStatus>().toEqualTypeOf<'succeeded' | 'failed' | 'cancelled'>();
  });

  it('AgentRunResult is z.infer of its schema with the documented fields', () => {
    expectTypeOf<AgentRunResult>().toEqualTypeOf<z.infer<typeof AgentRunResultSchema>>();
    expectTypeOf<AgentRunResult>().toEqualTypeOf<{
      status: AgentRunStatus;
      executionId: string;
      agentName: string;
      runId: string;
      requestId: string;
      stage?: string | undefined;
      output?: unknown;
      error?: AgentRunError | undefined;
      durationMs: number;
      queuedMs: number;
      usage?: TokenUsage | undefined;
    }>();
  });

  it('narrows status in a switch', () => {
    const status = 'failed' as AgentRunStatus;
    if (status !== 'succeeded' && status !== 'failed' && status !== 'timed_out') expectTypeOf(status).toEqualTypeOf<'cancelled'>();
  });
});
