import { defineWorkflow, type StageSpec, type TriageWorkflowDefinition, triageWorkflow } from '@baton/orchestrator';
import { planApprovalPrompt } from '../agents/savings-plan.js';
import type { StageInput } from '../agents/stage-input.js';

/**
 * The demo workflow's name (`workflowName` of its runs and records). Not `triageWorkflow`'s: a record
 * is resumed only by the definition that made it, and a run of the gated workflow must never be
 * continued by the plain one (it would skip the approval), nor the other way round.
 */
export const DEMO_WORKFLOW_ID = 'triage-workflow-with-approval';
/** The stage that waits for a person's approval, on the `sufficient` (full analysis) path. */
export const APPROVAL_STAGE = 'actions';
/** How long an approval may wait by default (10 minutes); later, the stage fails with `APPROVAL_TIMEOUT`. */
export const DEFAULT_APPROVAL_TIMEOUT_MS = 10 * 60 * 1000;
/** The shortest approval timeout the demo accepts (ms). */
export const MIN_APPROVAL_TIMEOUT_MS = 1000;
/**
 * The longest approval timeout the demo accepts (24 hours): the bookkeeping around a waiting run
 * (sessions, the Redis expiry index, interrupted-run notes) is kept about that long.
 */
export const MAX_APPROVAL_TIMEOUT_MS = 24 * 60 * 60 * 1000;

/** Options of `createDemoWorkflow`. */
export interface DemoWorkflowOptions {
  /** How long the `actions` approval may wait (ms, `MIN_APPROVAL_TIMEOUT_MS` to `MAX_APPROVAL_TIMEOUT_MS`). Default 10 minutes. */
  approvalTimeoutMs?: number;
}

/** True for an approval timeout the demo accepts: an integer number of ms within the bounds. */
export function isValidApprovalTimeout(value: number): boolean {
  return Number.isSafeInteger(value) && value >= MIN_APPROVAL_TIMEOUT_MS && value <= MAX_APPROVAL_TIMEOUT_MS;
}

/**
 * Reads `BATON_DEMO_APPROVAL_TIMEOUT_MS` (unset or empty: the default, 10 minutes).
 * @throws Error naming the variable when it is not a whole number of ms within the bounds.
 */
export function parseApprovalTimeout(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const timeoutMs = Number(value);
  if (!isValidApprovalTimeout(timeoutMs)) {
    throw new Error(
      `BATON_DEMO_APPROVAL_TIMEOUT_MS must be a whole number of milliseconds from ${MIN_APPROVAL_TIMEOUT_MS} to ${MAX_APPROVAL_TIMEOUT_MS} (24 h); the default is ${DEFAULT_APPROVAL_TIMEOUT_MS} (10 minutes).`,
    );
  }
  return timeoutMs;
}

/**
 * The demo's workflow: `triageWorkflow` (same agents, paths and `reporting` as the `finally` stage),
 * with an approval gate on `actions` in the `sufficient` path. Before the plan is drafted the run
 * suspends and asks "Apply this plan? 7 steps, about $13,880 a month", computed from the earlier
 * stages exactly as `actions` will compute the plan (`planApprovalPrompt`). Approved, `actions` runs;
 * rejected or not decided within `approvalTimeoutMs`, it fails (`APPROVAL_REJECTED`,
 * `APPROVAL_TIMEOUT`) and `reporting` answers without a plan.
 * @throws Error for an approval timeout outside the bounds (the message names BATON_DEMO_APPROVAL_TIMEOUT_MS).
 * @example
 * const workflow = createDemoWorkflow({ approvalTimeoutMs: 60_000 });
 * new WorkflowOrchestrator({ engine, store, workflow });
 */
export function createDemoWorkflow(options: DemoWorkflowOptions = {}): TriageWorkflowDefinition {
  const timeoutMs = options.approvalTimeoutMs ?? DEFAULT_APPROVAL_TIMEOUT_MS;
  if (!isValidApprovalTimeout(timeoutMs)) {
    throw new Error(
      `The approval timeout (BATON_DEMO_APPROVAL_TIMEOUT_MS) must be a whole number of milliseconds from ${MIN_APPROVAL_TIMEOUT_MS} to ${MAX_APPROVAL_TIMEOUT_MS}, got ${JSON.stringify(timeoutMs)}`,
    );
  }
  const gate = (spec: StageSpec): StageSpec =>
    spec.agent === APPROVAL_STAGE ? { ...spec, approval: { prompt: (input) => planApprovalPrompt(input as StageInput), timeoutMs } } : spec;
  const { paths } = triageWorkflow;
  return defineWorkflow({
    id: DEMO_WORKFLOW_ID,
    triage: triageWorkflow.triage,
    classify: triageWorkflow.classify,
    paths: { ...paths, sufficient: (paths.sufficient ?? []).map(gate) },
    fallback: triageWorkflow.fallback,
    ...(triageWorkflow.finally === undefined ? {} : { finally: triageWorkflow.finally }),
  }) as TriageWorkflowDefinition;
}
