import { z } from 'zod';
import { TokenUsageSchema } from './token-usage.js';

/** How a call of `executeAgent` ended. */
export const AgentRunStatusSchema = z.enum(['succeeded', 'failed', 'timed_out', 'cancelled']);
/** How a call of `executeAgent` ended. */
export type AgentRunStatus = z.infer<typeof AgentRunStatusSchema>;

/**
 * Why a run did not succeed: the agent threw or rejected, bad input/output, the deadline passed, or it
 * was cancelled; for a stage behind an approval gate (never from `executeAgent`): the person said no
 * (`APPROVAL_REJECTED`) or did not decide in time (`APPROVAL_TIMEOUT`).
 */
export const AgentRunErrorCodeSchema = z.enum([
  'AGENT_FAILED',
  'INVALID_AGENT_IO',
  'RUN_TIMEOUT',
  'RUN_CANCELLED',
  'APPROVAL_REJECTED',
  'APPROVAL_TIMEOUT',
]);
/** Why a run did not succeed. */
export type AgentRunErrorCode = z.infer<typeof AgentRunErrorCodeSchema>;

/** The normalised error of a run that did not succeed (also for thrown non-Errors). */
export const AgentRunErrorSchema = z.object({
  code: AgentRunErrorCodeSchema,
  /** The thrown error's `name` (`'Error'`, `'TypeError'`, ...), or `'NonError'` for thrown non-Error values. */
  name: z.string(),
  message: z.string(),
});
/** The normalised error of a run that did not succeed. */
export type AgentRunError = z.infer<typeof AgentRunErrorSchema>;

/** The result of one `executeAgent` call. A failure, timeout or cancellation is a result, never a throw. */
export const AgentRunResultSchema = z.object({
  status: AgentRunStatusSchema,
  /** Unique per `executeAgent` call; the same id is on every event of the call. */
  executionId: z.string(),
  agentName: z.string(),
  runId: z.string(),
  requestId: z.string(),
  stage: z.string().optional(),
  output: z.unknown().optional(),
  error: AgentRunErrorSchema.optional(),
  /** From the call to the end, queue wait included (ms). */
  durationMs: z.number().nonnegative(),
  /** The part of `durationMs` spent waiting for a slot (ms). */
  queuedMs: z.number().nonnegative(),
  /** The tokens the agent reported through `ctx.reportUsage`, summed; absent when it reported none. */
  usage: TokenUsageSchema.optional(),
});
/** The result of one `executeAgent` call. */
export type AgentRunResult = z.infer<typeof AgentRunResultSchema>;

/** How a workflow run ended. */
export const WorkflowStatusSchema = z.enum(['succeeded', 'failed', 'cancelled']);
/** How a workflow run ended. */
export type WorkflowStatus = z.infer<typeof WorkflowStatusSchema>;
