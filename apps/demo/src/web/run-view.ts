import { type AnswerParts, splitAnswerText } from '../shared/answer-text.js';

// What a run card shows, and the small pure steps every part of the page's state (events, frames,
// history, approvals) builds it with.

/**
 * What a stage row shows. `skipped`: planned but never run (an earlier stage failed or the run was
 * cancelled). `awaiting_approval`: the run waits for the user's decision before this stage.
 */
export type StageStatus = 'queued' | 'awaiting_approval' | 'running' | 'succeeded' | 'failed' | 'timed_out' | 'cancelled' | 'skipped';

/** One stage of a run as the card shows it. */
export interface StageView {
  readonly name: string;
  readonly status: StageStatus;
  /** Local time the stage started (for a live timer; server timestamps come from another clock). */
  readonly startedAtLocal?: number;
  readonly durationMs?: number;
  /** The latest thought or tool call, shown under the stage name. */
  readonly lastActivity?: string;
}

/** One line of a run's live activity log. */
export interface ActivityLine {
  readonly id: string;
  readonly stage: string;
  readonly kind: 'thinking' | 'tool-start' | 'tool-ok' | 'tool-failed' | 'stage-end' | 'resumed' | 'approval';
  readonly text: string;
}

/**
 * How a run card looks right now. `interrupted`: a server shutdown stopped the run (it is resumable:
 * a `workflow_resumed` event continues the card); not a failure. `waiting`: the run is suspended
 * until the user approves or rejects its next stage (`approval`).
 */
export type RunStatus = 'sending' | 'running' | 'waiting' | 'succeeded' | 'failed' | 'cancelled' | 'rejected' | 'interrupted';

/**
 * Where the run's approval gate stands. `pending`: waiting for the user (Approve / Reject shown).
 * `deciding`: this page sent a decision and waits for the run to continue. `resumed`: the run goes on,
 * how it passed the gate is not known yet. `approved`, `rejected`, `timed_out`: decided (the last two
 * are the gated stage's `APPROVAL_REJECTED` / `APPROVAL_TIMEOUT`). `not_approved`: rejected or timed
 * out, this page cannot tell which (it learnt it from a later stage's input only).
 */
export type ApprovalState = 'pending' | 'deciding' | 'resumed' | 'approved' | 'rejected' | 'timed_out' | 'not_approved';

/** A run's approval gate, as the card shows it. */
export interface ApprovalView {
  readonly workflowId: string;
  /** The stage that runs once approved. */
  readonly stage: string;
  /** What the user is asked; `''` when the page learnt of the gate without its question. */
  readonly prompt: string;
  readonly state: ApprovalState;
  /** The decision this page sent, while `deciding`. */
  readonly sent?: 'approve' | 'reject';
  /** The note that went with the decision, when known. */
  readonly note?: string;
  /** Why this page's decision was not applied (shown next to the buttons). */
  readonly error?: string;
}

/** A question and everything the card shows about its run. */
export interface RunView {
  /** Stable React key: the clientRequestId of a local ask, else the runId. */
  readonly key: string;
  readonly runId?: string;
  /** The run's workflowId, once known (history, `interrupted`, `workflow_suspended`). */
  readonly workflowId?: string;
  readonly clientRequestId?: string;
  /** When the server recorded the run (epoch ms, server clock), for cards that came from the history. */
  readonly createdAt?: number;
  readonly question: string;
  readonly status: RunStatus;
  readonly cancelRequested: boolean;
  readonly path?: string;
  readonly stages: readonly StageView[];
  readonly activity: readonly ActivityLine[];
  /** The run's approval gate, once it reached one. */
  readonly approval?: ApprovalView;
  /** The finished answer (reporting's output); replaces `streamedAnswer` once it arrives. */
  readonly answer?: AnswerParts;
  /**
   * The answer as reporting streams it (the deltas of the reporting call whose `agent_started` the
   * page saw, concatenated), until the finished answer arrives; a run whose reporting stage did not
   * finish keeps what was written.
   */
  readonly streamedAnswer?: StreamedAnswer;
  /** Why the ask was refused (limit reached, connection lost, ...). */
  readonly error?: string;
  readonly startedAtLocal: number;
  readonly durationMs?: number;
}

/** The reporting call's answer so far. */
export interface StreamedAnswer {
  /** The reporting call (its `agent_started`) the deltas belong to; another call's start begins a new text. */
  readonly executionId: string;
  readonly text: string;
}

/** Every run the page knows about, newest first. */
export interface RunsState {
  readonly order: readonly string[];
  readonly runs: Readonly<Record<string, RunView>>;
  /** runId → key. */
  readonly keyByRunId: Readonly<Record<string, string>>;
}

/** The empty state. */
export const INITIAL_RUNS_STATE: RunsState = { order: [], runs: {}, keyByRunId: {} };

/** The stage whose output is the answer. */
export const REPORTING_STAGE = 'reporting';

/** Activity lines kept per card; older ones scroll out of memory too. */
const MAX_ACTIVITY = 200;

/** The state with one card changed; the same state when there is no such card. */
export function updateRun(state: RunsState, key: string, change: (run: RunView) => RunView): RunsState {
  const run = state.runs[key];
  if (!run) return state;
  return { ...state, runs: { ...state.runs, [key]: change(run) } };
}

/** The card with one stage changed (added, queued, when the card did not list it yet). */
export function updateStage(run: RunView, name: string, change: (stage: StageView) => StageView): RunView {
  const index = run.stages.findIndex((stage) => stage.name === name);
  if (index === -1) return { ...run, stages: [...run.stages, change({ name, status: 'queued' })] };
  return { ...run, stages: run.stages.map((stage, position) => (position === index ? change(stage) : stage)) };
}

/** The card with one more activity line (the oldest drop out beyond `MAX_ACTIVITY`). */
export function addActivity(run: RunView, line: ActivityLine): RunView {
  const activity = [...run.activity, line];
  return { ...run, activity: activity.length > MAX_ACTIVITY ? activity.slice(-MAX_ACTIVITY) : activity };
}

/** The answer in reporting's output: `{ headline, answer }`, or a plain text (headline, blank line, body). */
export function answerOf(output: unknown): RunView['answer'] {
  if (typeof output === 'string') return output.trim() === '' ? undefined : splitAnswerText(output);
  if (typeof output !== 'object' || output === null) return undefined;
  const { headline, answer } = output as { headline?: unknown; answer?: unknown };
  return typeof headline === 'string' && typeof answer === 'string' ? { headline, answer } : undefined;
}

/**
 * Appends one streamed piece of the answer to the reporting call whose start the page saw. A page
 * that joined mid-answer (a new tab, a replay that is no longer available) shows no half answer
 * without its beginning: it waits for the finished one.
 */
export function appendAnswerDelta(run: RunView, executionId: string, delta: string): RunView {
  const streamed = run.streamedAnswer;
  if (run.answer || streamed?.executionId !== executionId) return run;
  return { ...run, streamedAnswer: { executionId, text: streamed.text + delta } };
}

/** Sets the finished answer, which replaces the streamed one. */
export function withAnswer(run: RunView, answer: RunView['answer']): RunView {
  if (!answer) return run;
  const { streamedAnswer: _replaced, ...rest } = run;
  return { ...rest, answer };
}

/** True once the run is over for good. */
export function isFinished(status: RunStatus): boolean {
  return status === 'succeeded' || status === 'failed' || status === 'cancelled' || status === 'rejected';
}

/** A shutdown stopped the run: its running stages were cut off; the rest waits for a resume. */
export function interrupt(run: RunView, workflowId: string | undefined): RunView {
  return {
    ...run,
    status: 'interrupted',
    ...(workflowId === undefined ? {} : { workflowId }),
    stages: run.stages.map((stage) => (stage.status === 'running' ? { ...stage, status: 'cancelled' } : stage)),
  };
}

/** The run ended: stages that never started are skipped, stages still running were cut off. */
export function finish(run: RunView, status: 'succeeded' | 'failed' | 'cancelled', durationMs: number, path: string): RunView {
  return {
    ...run,
    status,
    durationMs,
    path: path || run.path,
    stages: run.stages.map((stage) =>
      stage.status === 'queued' || stage.status === 'awaiting_approval'
        ? { ...stage, status: 'skipped' }
        : stage.status === 'running'
          ? { ...stage, status: 'cancelled' }
          : stage,
    ),
  };
}
