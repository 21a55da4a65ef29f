import type { StoredSuspension } from '../shared/runs-api.js';
import { type ApprovalState, type ApprovalView, addActivity, type RunView, updateStage } from './run-view.js';

// The approval gate of a run card: what the page learns about it from events (workflow_suspended,
// workflow_resumed, the gated stage's start, a later stage's `failedStages`), from `result` frames
// and from the history, and what this page's own decisions do to it. Every step is pure; the order
// in which those sources arrive (live, replayed, or both) does not change where the card ends up.

/** The stage error codes of a refused gate, and what the card calls them. */
const REFUSALS: Readonly<Record<string, ApprovalState>> = { APPROVAL_REJECTED: 'rejected', APPROVAL_TIMEOUT: 'timed_out' };

const GATE_ACTIVITY: Readonly<Record<'approved' | 'rejected' | 'timed_out' | 'not_approved', string>> = {
  approved: 'Approved',
  rejected: 'Rejected (APPROVAL_REJECTED)',
  timed_out: 'No decision in time (APPROVAL_TIMEOUT)',
  not_approved: 'Not approved: rejected, or no decision in time',
};

/** A stage result as `result` frames and the history carry it. */
export interface GateStageResult {
  readonly name: string;
  readonly status: string;
  readonly error?: { readonly code: string; readonly message: string } | undefined;
}

/** True once the gate was passed one way or another: a replayed `workflow_suspended` is then the past. */
export function isGatePassed(approval: ApprovalView | undefined): boolean {
  return approval !== undefined && approval.state !== 'pending' && approval.state !== 'deciding';
}

/** True for a gate that is known to have kept its stage from running. */
function isRefused(state: ApprovalState): state is 'rejected' | 'timed_out' | 'not_approved' {
  return state === 'rejected' || state === 'timed_out' || state === 'not_approved';
}

/** The one activity line about the gate's outcome (replaced when the outcome becomes more precise). */
function withGateLine(run: RunView, approval: ApprovalView, text: string): RunView {
  const id = `approval:${approval.workflowId}`;
  const activity = run.activity.filter((line) => line.id !== id);
  return addActivity({ ...run, activity }, { id, stage: approval.stage, kind: 'approval', text });
}

/** The card with the gate's outcome: the approval, the gated stage's row (failed when refused) and the activity line. */
function withOutcome(run: RunView, state: 'approved' | 'rejected' | 'timed_out' | 'not_approved', note?: string): RunView {
  const current = run.approval;
  if (current === undefined) return run;
  // A precise outcome is never replaced by a vaguer one (a replay after the result, for instance).
  if (state === 'not_approved' && (current.state === 'rejected' || current.state === 'timed_out')) return run;
  const { sent: _sent, error: _error, ...rest } = current;
  const approval: ApprovalView = { ...rest, state, ...(note === undefined ? {} : { note }) };
  const text = note === undefined ? GATE_ACTIVITY[state] : `${GATE_ACTIVITY[state]}: ${note}`;
  const decided = withGateLine({ ...run, approval }, approval, text);
  if (!isRefused(state)) return decided;
  return updateStage(decided, approval.stage, (stage) => ({ ...stage, status: 'failed', lastActivity: GATE_ACTIVITY[state] }));
}

/**
 * The run suspended at its gate (`workflow_suspended`, a suspended `result`, a stored suspension):
 * the card waits, the gated stage awaits approval, and the buttons show (or stay disabled while this
 * page's decision is on its way). Ignored once the gate was passed.
 */
export function suspendAtGate(run: RunView, gate: { workflowId: string; stage: string; prompt: string }): RunView {
  if (isGatePassed(run.approval)) return run;
  const known = run.approval;
  const approval: ApprovalView =
    known === undefined
      ? { workflowId: gate.workflowId, stage: gate.stage, prompt: gate.prompt, state: 'pending' }
      : { ...known, prompt: gate.prompt || known.prompt };
  const { durationMs: _paused, ...rest } = run;
  return updateStage({ ...rest, status: 'waiting', workflowId: gate.workflowId, approval }, gate.stage, (stage) => ({
    ...stage,
    status: 'awaiting_approval',
    lastActivity: 'Waiting for your approval',
  }));
}

/** The history's suspension of a run. */
export function suspendFromStored(run: RunView, workflowId: string, suspension: StoredSuspension): RunView {
  return suspendAtGate(run, { workflowId, stage: suspension.stage, prompt: suspension.prompt });
}

/**
 * The run continued (`workflow_resumed` of a card waiting at its gate): a decision was taken, or the
 * approval timed out; what runs next tells which. A gate already known refused keeps its stage failed.
 */
export function resumeAfterGate(run: RunView, eventId: string): RunView {
  const approval = run.approval;
  if (approval === undefined) return run;
  const { state } = approval;
  if (isRefused(state))
    return updateStage(run, approval.stage, (stage) => ({ ...stage, status: 'failed', lastActivity: GATE_ACTIVITY[state] }));
  if (isGatePassed(approval)) return run;
  const { sent: _sent, error: _error, ...rest } = approval;
  return addActivity(
    { ...run, approval: { ...rest, state: 'resumed' } },
    { id: eventId, stage: 'workflow', kind: 'resumed', text: 'The decision is in: the run continues' },
  );
}

/** A stage started. The gated one with `approval.approved` in its input: approved. A later one listing the gated stage in `failedStages`: refused. */
export function noteStageStart(run: RunView, stage: string, input: unknown): RunView {
  const approval = run.approval;
  if (approval === undefined || typeof input !== 'object' || input === null) return run;
  if (stage === approval.stage) {
    const given = (input as { approval?: { approved?: unknown; note?: unknown } }).approval;
    if (given?.approved !== true) return run;
    return withOutcome(run, 'approved', typeof given.note === 'string' && given.note !== '' ? given.note : undefined);
  }
  const failed = (input as { failedStages?: unknown }).failedStages;
  if (Array.isArray(failed) && failed.includes(approval.stage) && approval.state !== 'approved') return withOutcome(run, 'not_approved');
  return run;
}

/**
 * Stage results (a `result` frame, the history): a stage that failed with `APPROVAL_REJECTED` or
 * `APPROVAL_TIMEOUT` tells how its gate was passed, also to a card that never saw the gate (the gate
 * is then added, without its question). A gated stage that succeeded was approved.
 */
export function noteGateResults(run: RunView, workflowId: string | undefined, stages: readonly GateStageResult[]): RunView {
  let next = run;
  for (const stage of stages) {
    const refusal = stage.error === undefined ? undefined : REFUSALS[stage.error.code];
    if (refusal === 'rejected' || refusal === 'timed_out') {
      const id = next.approval?.workflowId ?? workflowId;
      if (id === undefined) continue;
      const approval = next.approval ?? { workflowId: id, stage: stage.name, prompt: '', state: 'pending' as const };
      next = withOutcome({ ...next, approval }, refusal, refusal === 'rejected' ? rejectionNote(stage.error?.message) : undefined);
    } else if (next.approval?.stage === stage.name && stage.status === 'succeeded' && next.approval.state !== 'approved') {
      next = withOutcome(next, 'approved', next.approval.note);
    }
  }
  return next;
}

/** The note of a rejection, from the orchestrator's message (`Stage "actions" was rejected: <note>`). */
function rejectionNote(message: string | undefined): string | undefined {
  const match = message === undefined ? null : /^Stage "[^"]*" was rejected: ([\s\S]+)$/.exec(message);
  return match?.[1];
}

/** This page sent a decision: the buttons are disabled until the run continues (or the decision is refused). */
export function decisionSent(run: RunView, approved: boolean, note?: string): RunView {
  const approval = run.approval;
  if (approval?.state !== 'pending') return run;
  const { error: _error, ...rest } = approval;
  return { ...run, approval: { ...rest, state: 'deciding', sent: approved ? 'approve' : 'reject', ...(note ? { note } : {}) } };
}

/** This page's decision was not applied (`error` frame naming the workflowId): the buttons come back, with why. */
export function decisionFailed(run: RunView, message: string): RunView {
  const approval = run.approval;
  if (approval?.state !== 'deciding') return run;
  const { sent: _sent, ...rest } = approval;
  return { ...run, approval: { ...rest, state: 'pending', error: message } };
}
