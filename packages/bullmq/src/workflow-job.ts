import { MAX_ID_LENGTH } from '@baton/engine-contract';
import { z } from 'zod';

// What travels through Redis between `enqueue`/`decide` and a worker, possibly written by another
// version of this package: parsed on arrival (a job that does not parse fails at once, unretried).

const id = z.string().min(1).max(MAX_ID_LENGTH);

/** The BullMQ job name of a run (its first job, and the one `decide` or an approval timeout re-adds). */
export const RUN_JOB_NAME = 'run';
/** The BullMQ job name of the delayed job that ends an approval wait at `expiresAt`. */
export const APPROVAL_TIMEOUT_JOB_NAME = 'approval-timeout';

/** A decision on a suspended run's approval gate, as `decide` carries it. */
export const ApprovalDecisionSchema = z.strictObject({
  approved: z.boolean(),
  note: z.string().max(10_000).optional(),
});

/** The data of a `run` job. `nonce` tells this add apart from any other add of the same job id. */
export const RunJobDataSchema = z.object({
  userId: id,
  threadId: id,
  runId: id,
  workflowName: z.string().min(1).max(MAX_ID_LENGTH),
  input: z.unknown(),
  nonce: z.string().min(1),
  /** Present on the job `decide` added: the decision the suspended run waits for. */
  decision: ApprovalDecisionSchema.optional(),
  /** Set by `cancel` on a job not started yet: whoever takes it up ends the run cancelled at once. */
  cancelled: z.literal(true).optional(),
});
/** The data of a `run` job. */
export type RunJobData = z.infer<typeof RunJobDataSchema>;

/** The data of an `approval-timeout` job: which run, and which suspension (by its `expiresAt`). */
export const ApprovalTimeoutJobDataSchema = z.object({
  workflowId: z.string().min(1),
  expiresAt: z.number().int().nonnegative(),
});
/** The data of an `approval-timeout` job. */
export type ApprovalTimeoutJobData = z.infer<typeof ApprovalTimeoutJobDataSchema>;

/**
 * What a `run` job returns (its BullMQ `returnvalue`): how the run stands after this job. `suspended`
 * with `suspendedAt` (the stage waiting for a decision) and, when the approval has a timeout,
 * `expiresAt` (epoch ms); `decide` reads both.
 */
export const WorkflowJobSummarySchema = z.object({
  workflowId: z.string(),
  status: z.enum(['succeeded', 'failed', 'cancelled', 'suspended']),
  suspendedAt: z.string().optional(),
  expiresAt: z.number().optional(),
});
/** What a `run` job returns. */
export type WorkflowJobSummary = z.infer<typeof WorkflowJobSummarySchema>;
