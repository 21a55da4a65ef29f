import type { AgentEvent } from '@baton/engine-contract';
import type { ServerFrame } from '../server/protocol.js';
import { type AnswerParts, splitAnswerText } from '../shared/answer-text.js';
import type { StoredRun, StoredRunStatus } from '../shared/runs-api.js';

/** What a stage row shows. `skipped`: planned but never run (an earlier stage failed or the run was cancelled). */
export type StageStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'timed_out' | 'cancelled' | 'skipped';

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
  readonly kind: 'thinking' | 'tool-start' | 'tool-ok' | 'tool-failed' | 'stage-end' | 'resumed';
  readonly text: string;
}

/**
 * How a run card looks right now. `interrupted`: a server shutdown stopped the run (it is resumable:
 * a `workflow_resumed` event continues the card); not a failure.
 */
export type RunStatus = 'sending' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'rejected' | 'interrupted';

/** A question and everything the card shows about its run. */
export interface RunView {
  /** Stable React key: the clientRequestId of a local ask, else the runId. */
  readonly key: string;
  readonly runId?: string;
  /** The run's workflowId, once known (history, `interrupted`). */
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

/** What changes the runs. */
export type RunsAction =
  | { type: 'ask'; clientRequestId: string; question: string; now: number }
  | { type: 'frame'; frame: ServerFrame; now: number }
  /** Runs from `GET /api/runs` (newest first): new cards for unknown runs, and the stored end of runs the page still shows running. */
  | { type: 'history'; runs: readonly StoredRun[]; now: number }
  | { type: 'cancel-requested'; runId: string }
  | { type: 'connection-lost' }
  | { type: 'reset' };

/** The empty state. */
export const INITIAL_RUNS_STATE: RunsState = { order: [], runs: {}, keyByRunId: {} };

/** Activity lines kept per card; older ones scroll out of memory too. */
const MAX_ACTIVITY = 200;

const LIMIT_MESSAGE = 'Limit reached: you can have 3 questions running at once. Wait for one to finish, or cancel one.';

function update(state: RunsState, key: string, change: (run: RunView) => RunView): RunsState {
  const run = state.runs[key];
  if (!run) return state;
  return { ...state, runs: { ...state.runs, [key]: change(run) } };
}

function updateStage(run: RunView, name: string, change: (stage: StageView) => StageView): RunView {
  const index = run.stages.findIndex((stage) => stage.name === name);
  if (index === -1) return { ...run, stages: [...run.stages, change({ name, status: 'queued' })] };
  return { ...run, stages: run.stages.map((stage, position) => (position === index ? change(stage) : stage)) };
}

function addActivity(run: RunView, line: ActivityLine): RunView {
  const activity = [...run.activity, line];
  return { ...run, activity: activity.length > MAX_ACTIVITY ? activity.slice(-MAX_ACTIVITY) : activity };
}

/** The stage whose output is the answer. */
const REPORTING_STAGE = 'reporting';

/** The answer in reporting's output: `{ headline, answer }`, or a plain text (headline, blank line, body). */
function answerOf(output: unknown): RunView['answer'] {
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
function appendAnswerDelta(run: RunView, executionId: string, delta: string): RunView {
  const streamed = run.streamedAnswer;
  if (run.answer || streamed?.executionId !== executionId) return run;
  return { ...run, streamedAnswer: { executionId, text: streamed.text + delta } };
}

/** Sets the finished answer, which replaces the streamed one. */
function withAnswer(run: RunView, answer: RunView['answer']): RunView {
  if (!answer) return run;
  const { streamedAnswer: _replaced, ...rest } = run;
  return { ...rest, answer };
}

function questionFromInput(input: unknown): string | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  const request = (input as { request?: unknown }).request;
  return typeof request === 'string' ? request : undefined;
}

function isFinished(status: RunStatus): boolean {
  return status === 'succeeded' || status === 'failed' || status === 'cancelled' || status === 'rejected';
}

/**
 * Whether a card takes this event. A finished card takes none (a replay from the history's cursor
 * brings the events of runs the history already shows finished); an interrupted one only the
 * `workflow_resumed` that continues it (a replay may also bring the events from before the
 * interruption, which the stored stages already show).
 */
function takesEvent(run: RunView, event: AgentEvent): boolean {
  if (isFinished(run.status)) return false;
  return run.status !== 'interrupted' || event.type === 'workflow_resumed';
}

/** Ensures a card exists for a run seen first through its events (another tab, or a replay). */
function ensureRun(state: RunsState, runId: string, now: number): [RunsState, string] {
  const existing = state.keyByRunId[runId];
  if (existing) return [state, existing];
  const run: RunView = {
    key: runId,
    runId,
    question: '',
    status: 'running',
    cancelRequested: false,
    stages: [],
    activity: [],
    startedAtLocal: now,
  };
  return [
    { order: [runId, ...state.order], runs: { ...state.runs, [runId]: run }, keyByRunId: { ...state.keyByRunId, [runId]: runId } },
    runId,
  ];
}

function applyEvent(state: RunsState, event: AgentEvent, eventId: string, now: number): RunsState {
  const [withRun, key] = ensureRun(state, event.runId, now);
  const stageName = event.stage ?? event.agentName;
  const known = withRun.runs[key];
  if (known && !takesEvent(known, event)) return state;
  return update(withRun, key, (run) => {
    switch (event.type) {
      case 'workflow_started':
        return { ...run, status: 'running' };
      case 'workflow_resumed': {
        // The stages that had not finished run again: back to queued until they start.
        const done = new Set(event.completedStages);
        return addActivity(
          {
            ...run,
            status: 'running',
            workflowId: event.workflowId,
            stages: run.stages.map((stage) =>
              done.has(stage.name) || stage.status === 'succeeded' ? stage : { name: stage.name, status: 'queued' },
            ),
          },
          {
            id: eventId,
            stage: 'workflow',
            kind: 'resumed',
            text: `Resumed after a server restart (${event.completedStages.length} stage${event.completedStages.length === 1 ? '' : 's'} already done)`,
          },
        );
      }
      case 'workflow_planned': {
        const known = new Map(run.stages.map((stage) => [stage.name, stage]));
        return { ...run, path: event.path, stages: event.stages.map((name) => known.get(name) ?? { name, status: 'queued' }) };
      }
      case 'agent_started': {
        const question = run.question || (stageName === 'triage' ? (questionFromInput(event.input) ?? '') : '');
        const started = updateStage({ ...run, question }, stageName, (stage) => ({ ...stage, status: 'running', startedAtLocal: now }));
        return stageName === REPORTING_STAGE && !run.answer
          ? { ...started, streamedAnswer: { executionId: event.executionId, text: '' } }
          : started;
      }
      case 'agent_output_delta':
        return stageName === REPORTING_STAGE ? appendAnswerDelta(run, event.executionId, event.delta) : run;
      case 'agent_thinking':
        return addActivity(
          updateStage(run, stageName, (stage) => ({ ...stage, lastActivity: event.thought })),
          { id: eventId, stage: stageName, kind: 'thinking', text: event.thought },
        );
      case 'tool_executing':
        return addActivity(
          updateStage(run, stageName, (stage) => ({ ...stage, lastActivity: `Calling ${event.toolName}…` })),
          { id: eventId, stage: stageName, kind: 'tool-start', text: `${event.toolName}` },
        );
      case 'tool_completed':
        return addActivity(run, {
          id: eventId,
          stage: stageName,
          kind: event.status === 'succeeded' ? 'tool-ok' : 'tool-failed',
          text: `${event.toolName} ${event.status === 'succeeded' ? 'done' : `failed: ${event.error?.message ?? 'error'}`} (${Math.round(event.durationMs)} ms)`,
        });
      case 'agent_completed': {
        const answer = stageName === REPORTING_STAGE && event.status === 'succeeded' ? answerOf(event.output) : undefined;
        const withStage = updateStage(run, stageName, (stage) => ({ ...stage, status: event.status, durationMs: event.durationMs }));
        return withAnswer(
          event.status === 'succeeded'
            ? withStage
            : addActivity(withStage, {
                id: eventId,
                stage: stageName,
                kind: 'stage-end',
                text: `${event.status.replace('_', ' ')}${event.error ? `: ${event.error.message}` : ''}`,
              }),
          answer,
        );
      }
      case 'workflow_completed':
        return finish(run, event.status, event.durationMs, event.path);
    }
  });
}

/** A shutdown stopped the run: its running stages were cut off; the rest waits for a resume. */
function interrupt(run: RunView, workflowId: string | undefined): RunView {
  return {
    ...run,
    status: 'interrupted',
    ...(workflowId === undefined ? {} : { workflowId }),
    stages: run.stages.map((stage) => (stage.status === 'running' ? { ...stage, status: 'cancelled' } : stage)),
  };
}

function finish(run: RunView, status: 'succeeded' | 'failed' | 'cancelled', durationMs: number, path: string): RunView {
  return {
    ...run,
    status,
    durationMs,
    path: path || run.path,
    stages: run.stages.map((stage) =>
      stage.status === 'queued' ? { ...stage, status: 'skipped' } : stage.status === 'running' ? { ...stage, status: 'cancelled' } : stage,
    ),
  };
}

/** The page's single source of truth about runs: a pure reducer over the server's frames. */
export function runsReducer(state: RunsState, action: RunsAction): RunsState {
  switch (action.type) {
    case 'reset':
      return INITIAL_RUNS_STATE;
    case 'ask': {
      const run: RunView = {
        key: action.clientRequestId,
        clientRequestId: action.clientRequestId,
        question: action.question,
        status: 'sending',
        cancelRequested: false,
        stages: [{ name: 'triage', status: 'queued' }],
        activity: [],
        startedAtLocal: action.now,
      };
      return { ...state, order: [run.key, ...state.order], runs: { ...state.runs, [run.key]: run } };
    }
    case 'cancel-requested': {
      const key = state.keyByRunId[action.runId];
      return key ? update(state, key, (run) => ({ ...run, cancelRequested: true })) : state;
    }
    case 'connection-lost': {
      // An ask that was never accepted is lost with the socket; say so instead of spinning forever.
      let next = state;
      for (const key of state.order) {
        next = update(next, key, (run) =>
          run.status === 'sending'
            ? { ...run, status: 'rejected', error: 'The connection dropped before the question was accepted. Please ask again.' }
            : run,
        );
      }
      return next;
    }
    case 'frame':
      return applyFrame(state, action.frame, action.now);
    case 'history':
      return action.runs.reduce((next, stored) => applyStoredRun(next, stored, action.now), state);
  }
}

function cardStatusOf(status: StoredRunStatus): RunStatus {
  // The demo's workflow never suspends; a suspended run would be waiting, which is what `running` shows.
  return status === 'suspended' ? 'running' : status;
}

/** The stored stages over the card's: a stored (finished) stage is the truth about that stage. */
function withStoredStages(run: RunView, stored: StoredRun): RunView {
  let next = run;
  for (const stage of stored.stages) {
    next = updateStage(next, stage.stage, (view) => ({ ...view, status: stage.status, durationMs: stage.durationMs }));
  }
  return next;
}

/** A card for a run the page first hears of through the history. */
function cardOf(stored: StoredRun, now: number): RunView {
  const card: RunView = {
    key: stored.runId,
    runId: stored.runId,
    workflowId: stored.workflowId,
    createdAt: stored.createdAt,
    question: stored.question,
    status: cardStatusOf(stored.status),
    cancelRequested: false,
    stages: [],
    activity: [],
    // The server's clock; on one machine (or synchronised clocks) the timer of a running card goes on where it was.
    startedAtLocal: Math.min(stored.createdAt, now),
    ...(stored.result ? { path: stored.result.path || undefined, durationMs: stored.result.durationMs } : {}),
  };
  return withAnswer(withStoredStages(card, stored), answerOf(stored.result?.output));
}

/**
 * One stored run into the state. Unknown: a new card, placed by `createdAt` among the cards that came
 * from the history (cards of questions asked on this page are newer). Known and still running on the
 * page while the store says it ended or was interrupted (its last events were missed): the stored end.
 * Anything else the page already shows better from the events.
 */
function applyStoredRun(state: RunsState, stored: StoredRun, now: number): RunsState {
  const key = state.keyByRunId[stored.runId];
  if (key === undefined) {
    const card = cardOf(stored, now);
    const before = state.order.findIndex((other) => {
      const createdAt = state.runs[other]?.createdAt;
      return createdAt !== undefined && createdAt < stored.createdAt;
    });
    const order = before === -1 ? [...state.order, card.key] : [...state.order.slice(0, before), card.key, ...state.order.slice(before)];
    return { order, runs: { ...state.runs, [card.key]: card }, keyByRunId: { ...state.keyByRunId, [stored.runId]: card.key } };
  }
  const status = cardStatusOf(stored.status);
  return update(state, key, (run) => {
    if (run.status !== 'running' && run.status !== 'sending') return run;
    if (status === 'interrupted') return interrupt(withStoredStages(run, stored), stored.workflowId);
    if (status === 'running' || !stored.result) return run;
    const { result } = stored;
    const ended = finish(withStoredStages(run, stored), result.status, result.durationMs, result.path);
    return withAnswer(ended, run.answer ?? answerOf(result.output));
  });
}

function applyFrame(state: RunsState, frame: ServerFrame, now: number): RunsState {
  switch (frame.type) {
    case 'accepted': {
      const key = frame.clientRequestId;
      if (!key || !state.runs[key]) return state;
      const next = update(state, key, (run) => ({ ...run, runId: frame.runId, status: run.status === 'sending' ? 'running' : run.status }));
      return { ...next, keyByRunId: { ...next.keyByRunId, [frame.runId]: key } };
    }
    case 'event':
      return applyEvent(state, frame.event, frame.id, now);
    case 'result': {
      const key = state.keyByRunId[frame.runId];
      if (!key) return state;
      return update(state, key, (run) => {
        const reporting = frame.result.stages.find(
          (stage) => typeof stage === 'object' && stage !== null && (stage as { agentName?: unknown }).agentName === REPORTING_STAGE,
        ) as { output?: unknown; status?: unknown } | undefined;
        const answer = run.answer ?? (reporting?.status === 'succeeded' ? answerOf(reporting.output) : undefined);
        return withAnswer(finish(run, frame.result.status, frame.result.durationMs, frame.result.path), answer);
      });
    }
    case 'interrupted': {
      const key = state.keyByRunId[frame.runId];
      if (!key) return state;
      return update(state, key, (run) => (isFinished(run.status) ? run : interrupt(run, frame.workflowId)));
    }
    case 'error': {
      const key = frame.clientRequestId;
      if (!key || state.runs[key]?.status !== 'sending') return state;
      const message = frame.code === 'USER_LIMIT_EXCEEDED' ? LIMIT_MESSAGE : frame.message;
      return update(state, key, (run) => ({ ...run, status: 'rejected', error: message }));
    }
  }
}
