import { z } from 'zod';

// The bodies of `GET /api/runs` and `GET /api/runs/:workflowId`: built by the server
// (`server/run-routes.ts`), parsed by the page at its boundary (`web/api-client.ts`).

/** `GET /api/runs` returns this many runs when no `limit` is given. */
export const DEFAULT_RUNS_PAGE_SIZE = 20;
/** The largest `limit` `GET /api/runs` accepts. */
export const MAX_RUNS_PAGE_SIZE = 100;

/** Where a stored run stands (the contract's `RunStatus`). */
export const StoredRunStatusSchema = z.enum(['running', 'suspended', 'succeeded', 'failed', 'cancelled', 'interrupted']);
/** Where a stored run stands. */
export type StoredRunStatus = z.infer<typeof StoredRunStatusSchema>;

/** One finished stage of a stored run. */
export const StoredStageSchema = z.object({
  /** The stage name (the agent's name in the demo's workflow). */
  stage: z.string(),
  agentName: z.string(),
  status: z.enum(['succeeded', 'failed', 'timed_out', 'cancelled']),
  durationMs: z.number(),
  /** The stage's output, secrets redacted; only in `GET /api/runs/:workflowId`. */
  output: z.unknown().optional(),
  /**
   * Why the stage did not succeed; `APPROVAL_REJECTED` / `APPROVAL_TIMEOUT` for a stage whose
   * approval was refused or not given in time (it never ran).
   */
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
/** One finished stage of a stored run. */
export type StoredStage = z.infer<typeof StoredStageSchema>;

/** How a stored run ended. */
export const StoredRunResultSchema = z.object({
  status: z.enum(['succeeded', 'failed', 'cancelled']),
  path: z.string(),
  durationMs: z.number(),
  /** The workflow's output (the reporting stage's `{ headline, answer, basedOn }`), secrets redacted. */
  output: z.unknown().optional(),
});
/** How a stored run ended. */
export type StoredRunResult = z.infer<typeof StoredRunResultSchema>;

/** Why a stored run is `suspended`: the stage waiting for the user's decision, and the question asked. */
export const StoredSuspensionSchema = z.object({
  /** The stage that runs once approved (the demo's `actions`). */
  stage: z.string(),
  /** What the user is asked, e.g. `Apply this plan? 7 steps, about $13,880 a month`. */
  prompt: z.string(),
  /** Epoch ms (the server's clock). */
  suspendedAt: z.number(),
  /** Epoch ms after which the approval has timed out (`APPROVAL_TIMEOUT`); absent when it never does. */
  expiresAt: z.number().optional(),
});
/** Why a stored run is `suspended`. */
export type StoredSuspension = z.infer<typeof StoredSuspensionSchema>;

/** One run of the user as the store keeps it. */
export const StoredRunSchema = z.object({
  workflowId: z.string(),
  /** The runId of the run's events and of its `accepted` frame. */
  runId: z.string(),
  workflowName: z.string(),
  /** The question asked (the run's input). */
  question: z.string(),
  status: StoredRunStatusSchema,
  /** Epoch ms (the server's clock). */
  createdAt: z.number(),
  /** Epoch ms (the server's clock). */
  updatedAt: z.number(),
  /** The stages that finished, in the order they finished. */
  stages: z.array(StoredStageSchema),
  /** With `status: 'suspended'`: what the run waits for (decide it with a `decide` frame); `null` otherwise. */
  suspension: StoredSuspensionSchema.nullable(),
  /** How the run ended; `null` while it runs (or is interrupted, or waits for a decision). */
  result: StoredRunResultSchema.nullable(),
});
/** One run of the user as the store keeps it. */
export type StoredRun = z.infer<typeof StoredRunSchema>;

/** `GET /api/runs?limit=&before=`. */
export const RunsPageSchema = z.object({
  /** Newest first. Stage outputs are left out (the run's `result.output` is there). */
  runs: z.array(StoredRunSchema),
  /** The `before` of the next (older) page; `null` when this page is the last. */
  nextBefore: z.number().nullable(),
  /**
   * On the first page (no `before`): a `?since=` cursor for `/ws`. Connecting with it replays every
   * event of the runs listed as `running` or `suspended`, each from its first event as far as the server still
   * holds it, and every event after that, then follows live. `null` on later pages.
   */
  replaySince: z.string().nullable(),
});
/** `GET /api/runs?limit=&before=`. */
export type RunsPage = z.infer<typeof RunsPageSchema>;

/** `GET /api/runs/:workflowId`: one run with its stages (outputs included) and result. */
export const RunDetailsSchema = z.object({ run: StoredRunSchema });
/** `GET /api/runs/:workflowId`. */
export type RunDetails = z.infer<typeof RunDetailsSchema>;
