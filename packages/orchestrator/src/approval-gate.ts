import { type AgentRunResult, InvalidConfigError, RunNotResumableError, type RunRecord, type RunSuspension } from '@baton/engine-contract';
import type { StageInput } from './stage-input.js';
import { isLinearWorkflow, type StageApproval, type WorkflowDefinition } from './workflow-definition.js';
import type { ApprovalDecision } from './workflow-run-request.js';

/** How a resumed run passes the gate it was suspended at. @internal */
export type GateOutcome =
  | { readonly kind: 'approved'; readonly note?: string }
  | { readonly kind: 'rejected'; readonly note?: string }
  | { readonly kind: 'timeout' };

/** The gate a resumed run was suspended at, and how it passes it. @internal */
export interface GateDecision {
  readonly stage: string;
  readonly outcome: GateOutcome;
}

/** Where a run stopped, before the store and the clock make it a `RunSuspension`. @internal */
export interface PendingSuspension {
  readonly stage: string;
  readonly prompt: string;
  readonly timeoutMs: number | undefined;
}

/** The names of the stages with an approval gate, in any path of `workflow`. @internal */
export function approvalStagesOf(workflow: WorkflowDefinition): string[] {
  const specs = isLinearWorkflow(workflow) ? workflow.stages : Object.values(workflow.paths).flat();
  return [...new Set(specs.filter((spec) => spec.approval !== undefined).map((spec) => spec.agent))];
}

/**
 * The question the gate asks: the string, or what the prompt function returns for the stage's input.
 * @throws InvalidConfigError when the function returns anything but a string; what it throws, as is.
 * @internal
 */
export function promptOf(approval: StageApproval, stage: string, input: StageInput): string {
  const { prompt } = approval;
  if (typeof prompt === 'string') return prompt;
  const asked = prompt(input as { request: unknown; previous: Record<string, unknown> });
  if (typeof asked !== 'string') {
    throw new InvalidConfigError({ message: `The approval prompt of stage "${stage}" must return a string` });
  }
  return asked;
}

/**
 * `decision` of `resume`, checked: `{ approved: boolean, note?: string }`.
 * @throws InvalidConfigError for anything else.
 * @internal
 */
export function checkDecision(decision: unknown): ApprovalDecision {
  if (
    typeof decision !== 'object' ||
    decision === null ||
    typeof (decision as ApprovalDecision).approved !== 'boolean' ||
    ((decision as ApprovalDecision).note !== undefined && typeof (decision as ApprovalDecision).note !== 'string') ||
    Object.keys(decision).some((key) => key !== 'approved' && key !== 'note')
  ) {
    throw new InvalidConfigError({ message: 'orchestrator.resume: decision must be { approved: boolean, note?: string }' });
  }
  return decision as ApprovalDecision;
}

/**
 * How a resume passes the gate of a `suspended` record: the decision, or a timeout once `expiresAt`
 * has passed (a decision that comes too late is a timeout too); `undefined` for a run not suspended.
 * @throws RunNotResumableError for a decision on a run that is not suspended, or a suspended run
 * resumed without a decision before it expired.
 * @internal
 */
export function gateDecisionOf(record: RunRecord, decision: ApprovalDecision | undefined, now: number): GateDecision | undefined {
  const { workflowId, suspension } = record;
  if (record.status !== 'suspended' || suspension === undefined) {
    if (decision === undefined) return undefined;
    throw new RunNotResumableError({ message: `Run ${workflowId} is ${record.status}, not suspended: there is no decision to take` });
  }
  const { stage, expiresAt } = suspension;
  if (expiresAt !== undefined && now >= expiresAt) return { stage, outcome: { kind: 'timeout' } };
  if (decision === undefined) {
    throw new RunNotResumableError({
      message: `Run ${workflowId} waits for a decision on stage "${stage}": resume it with { decision: { approved, note? } }`,
    });
  }
  const note = decision.note === undefined ? {} : { note: decision.note };
  return { stage, outcome: { kind: decision.approved ? 'approved' : 'rejected', ...note } };
}

/** The suspension a store records for `pending`, on the orchestrator's clock. @internal */
export function suspensionOf(pending: PendingSuspension, now: number): RunSuspension {
  const { stage, prompt, timeoutMs } = pending;
  return { stage, prompt, suspendedAt: now, ...(timeoutMs === undefined ? {} : { expiresAt: now + timeoutMs }) };
}

/**
 * The result of a stage its gate refused: failed, `APPROVAL_REJECTED` or `APPROVAL_TIMEOUT`, never
 * called. Its `executionId` is derived from the run and the stage, so that it is stable across saves.
 * @internal
 */
export function refusedStageResult(
  stage: string,
  outcome: Exclude<GateOutcome, { kind: 'approved' }>,
  owner: { readonly workflowId: string; readonly runId: string; readonly requestId: string },
): AgentRunResult {
  const error =
    outcome.kind === 'timeout'
      ? { code: 'APPROVAL_TIMEOUT' as const, name: 'ApprovalTimeout', message: `No decision on stage "${stage}" in time` }
      : {
          code: 'APPROVAL_REJECTED' as const,
          name: 'ApprovalRejected',
          message: outcome.note === undefined ? `Stage "${stage}" was rejected` : `Stage "${stage}" was rejected: ${outcome.note}`,
        };
  return {
    status: 'failed',
    executionId: `approval:${owner.workflowId}:${stage}`,
    agentName: stage,
    runId: owner.runId,
    requestId: owner.requestId,
    stage,
    error,
    durationMs: 0,
    queuedMs: 0,
  };
}
