import { z } from 'zod';
import { AgentRunResultSchema, WorkflowStatusSchema } from './agent-run-result.js';

const id = z.string().min(1);

/**
 * Where a stored run stands. `running`: a process runs it (or ran it and died: only the caller of
 * `resume` can tell). `suspended`: waiting for a decision. `interrupted`: stopped on purpose by a
 * shutdown, to be resumed. The other three are final, as in `WorkflowStatus`.
 */
export const RunStatusSchema = z.enum(['running', 'suspended', 'succeeded', 'failed', 'cancelled', 'interrupted']);
/** Where a stored run stands. */
export type RunStatus = z.infer<typeof RunStatusSchema>;

/** Why a run is `suspended`: the stage waiting for a decision, and what the person deciding is asked. */
export const RunSuspensionSchema = z.object({
  stage: id,
  prompt: z.string(),
  /** Epoch ms. */
  suspendedAt: z.number(),
  /** Epoch ms after which the decision counts as a rejection; absent when it never times out. */
  expiresAt: z.number().optional(),
});
/** Why a run is `suspended`. */
export type RunSuspension = z.infer<typeof RunSuspensionSchema>;

/** How a stored run ended: the `WorkflowResult` without what the record already holds (ids, stages). */
export const StoredWorkflowResultSchema = z.object({
  status: WorkflowStatusSchema,
  path: z.string(),
  output: z.unknown().optional(),
  durationMs: z.number().nonnegative(),
});
/** How a stored run ended. */
export type StoredWorkflowResult = z.infer<typeof StoredWorkflowResultSchema>;

/** What `store.create` takes: who runs which workflow on what input. The store adds the rest. */
export const NewRunRecordSchema = z.object({
  workflowId: id,
  /** The workflow definition's `id`. */
  workflowName: id,
  userId: id,
  threadId: id,
  runId: id,
  /** The run's `request.input`, as given to `orchestrator.run`. */
  input: z.unknown(),
});
/** What `store.create` takes. */
export type NewRunRecord = z.infer<typeof NewRunRecordSchema>;

/**
 * One workflow run as a store keeps it. `stages` are the stage results in the order they were saved
 * (a stage run again after a resume replaces its earlier result). Outputs are stored as JSON, so what
 * comes back is what `JSON.parse(JSON.stringify(value))` gives.
 */
export const RunRecordSchema = NewRunRecordSchema.extend({
  status: RunStatusSchema,
  stages: z.array(AgentRunResultSchema),
  suspension: RunSuspensionSchema.optional(),
  result: StoredWorkflowResultSchema.optional(),
  /** Epoch ms, from the store's clock. */
  createdAt: z.number(),
  /** Epoch ms, from the store's clock. */
  updatedAt: z.number(),
});
/** One workflow run as a store keeps it. */
export type RunRecord = z.infer<typeof RunRecordSchema>;

/** The statuses after which a run never changes again. */
export const FINAL_RUN_STATUSES: ReadonlySet<RunStatus> = new Set<RunStatus>(['succeeded', 'failed', 'cancelled']);
