import type { AgentEvent } from '@baton/engine-contract';
import type { ServerFrame } from '../server/protocol.js';
import type { StoredRun } from '../shared/runs-api.js';
import {
  decisionFailed,
  decisionSent,
  type GateStageResult,
  noteGateResults,
  noteStageStart,
  resumeAfterGate,
  suspendAtGate,
} from './approval-view.js';
import {
  addActivity,
  answerOf,
  appendAnswerDelta,
  finish,
  INITIAL_RUNS_STATE,
  interrupt,
  isFinished,
  REPORTING_STAGE,
  type RunsState,
  type RunView,
  updateRun,
  updateStage,
  withAnswer,
} from './run-view.js';
import { applyStoredRun } from './stored-run-view.js';

export {
  type ActivityLine,
  type ApprovalState,
  type ApprovalView,
  INITIAL_RUNS_STATE,
  type RunStatus,
  type RunsState,
  type RunView,
  type StageStatus,
  type StageView,
  type StreamedAnswer,
} from './run-view.js';

/** What changes the runs. */
export type RunsAction =
  | { type: 'ask'; clientRequestId: string; question: string; now: number }
  | { type: 'frame'; frame: ServerFrame; now: number }
  /** Runs from `GET /api/runs` (newest first): new cards for unknown runs, and the stored end of runs the page still shows running. */
  | { type: 'history'; runs: readonly StoredRun[]; now: number }
  | { type: 'cancel-requested'; runId: string }
  /** This page sent a `decide` frame for the card's approval gate. */
  | { type: 'decision-sent'; workflowId: string; approved: boolean; note?: string }
  | { type: 'connection-lost' }
  | { type: 'reset' };

function questionFromInput(input: unknown): string | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  const request = (input as { request?: unknown }).request;
  return typeof request === 'string' ? request : undefined;
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

/** `workflow_resumed`: the stages that had not finished run again (back to queued until they start). */
function resume(run: RunView, event: Extract<AgentEvent, { type: 'workflow_resumed' }>, eventId: string): RunView {
  const done = new Set(event.completedStages);
  const { durationMs: _paused, ...rest } = run;
  const resumed: RunView = {
    ...rest,
    status: 'running',
    workflowId: event.workflowId,
    stages: run.stages.map((stage) =>
      done.has(stage.name) || stage.status === 'succeeded' ? stage : { name: stage.name, status: 'queued' },
    ),
  };
  // A card waiting at its gate continues because of a decision (or its timeout), not a restart.
  if (run.approval?.state === 'pending' || run.approval?.state === 'deciding') return resumeAfterGate(resumed, eventId);
  const count = `${event.completedStages.length} stage${event.completedStages.length === 1 ? '' : 's'} already done`;
  // resumeAfterGate keeps the stage of a gate known to be refused failed (it is not among the completed stages).
  return addActivity(resumeAfterGate(resumed, eventId), {
    id: eventId,
    stage: 'workflow',
    kind: 'resumed',
    text: run.approval === undefined ? `Resumed after a server restart (${count})` : `The run continues (${count})`,
  });
}

function applyEvent(state: RunsState, event: AgentEvent, eventId: string, now: number): RunsState {
  const [withRun, key] = ensureRun(state, event.runId, now);
  const stageName = event.stage ?? event.agentName;
  const known = withRun.runs[key];
  if (known && !takesEvent(known, event)) return state;
  return updateRun(withRun, key, (run) => {
    switch (event.type) {
      case 'workflow_started':
        return { ...run, status: 'running' };
      case 'workflow_resumed':
        return resume(run, event, eventId);
      case 'workflow_suspended':
        return suspendAtGate(run, { workflowId: event.workflowId, stage: stageName, prompt: event.prompt });
      case 'workflow_planned': {
        const known = new Map(run.stages.map((stage) => [stage.name, stage]));
        return { ...run, path: event.path, stages: event.stages.map((name) => known.get(name) ?? { name, status: 'queued' }) };
      }
      case 'agent_started': {
        const question = run.question || (stageName === 'triage' ? (questionFromInput(event.input) ?? '') : '');
        const started = updateStage(noteStageStart({ ...run, question }, stageName, event.input), stageName, (stage) => ({
          ...stage,
          status: 'running',
          startedAtLocal: now,
        }));
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

/** The stage results of a `result` frame, as far as the page reads them. */
function resultStages(stages: readonly unknown[]): Array<GateStageResult & { output?: unknown }> {
  return stages.flatMap((value) => {
    if (typeof value !== 'object' || value === null) return [];
    const stage = value as {
      agentName?: unknown;
      stage?: unknown;
      status?: unknown;
      error?: { code?: unknown; message?: unknown };
      output?: unknown;
    };
    const name = typeof stage.stage === 'string' ? stage.stage : stage.agentName;
    if (typeof name !== 'string' || typeof stage.status !== 'string') return [];
    const { error } = stage;
    return [
      {
        name,
        status: stage.status,
        output: stage.output,
        ...(typeof error?.code === 'string'
          ? { error: { code: error.code, message: typeof error.message === 'string' ? error.message : '' } }
          : {}),
      },
    ];
  });
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
      return key ? updateRun(state, key, (run) => ({ ...run, cancelRequested: true })) : state;
    }
    case 'decision-sent':
      return updateByWorkflowId(state, action.workflowId, (run) => decisionSent(run, action.approved, action.note));
    case 'connection-lost': {
      // An ask that was never accepted is lost with the socket; say so instead of spinning forever.
      let next = state;
      for (const key of state.order) {
        next = updateRun(next, key, (run) =>
          run.status === 'sending'
            ? { ...run, status: 'rejected', error: 'The connection dropped before the question was accepted. Please ask again.' }
            : decisionFailed(run, 'The connection dropped; the decision may not have arrived. Try again.'),
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

/** The state with the card of `workflowId` changed, if the page has one. */
function updateByWorkflowId(state: RunsState, workflowId: string, change: (run: RunView) => RunView): RunsState {
  const key = state.order.find((candidate) => state.runs[candidate]?.workflowId === workflowId);
  return key === undefined ? state : updateRun(state, key, change);
}

function applyResult(run: RunView, result: Extract<ServerFrame, { type: 'result' }>['result']): RunView {
  const stages = resultStages(result.stages);
  const gated = noteGateResults(run, result.workflowId, stages);
  if (result.status === 'suspended') {
    // Without a prompt: the run's `workflow_suspended`, which carries it, came first (or comes from the history).
    const stage = result.suspendedAt ?? gated.approval?.stage;
    return stage === undefined || isFinished(gated.status)
      ? gated
      : suspendAtGate({ ...gated, path: result.path || gated.path }, { workflowId: result.workflowId, stage, prompt: '' });
  }
  const reporting = stages.find((stage) => stage.name === REPORTING_STAGE);
  const answer = gated.answer ?? (reporting?.status === 'succeeded' ? answerOf(reporting.output) : undefined);
  return withAnswer(finish(gated, result.status, result.durationMs, result.path), answer);
}

function applyFrame(state: RunsState, frame: ServerFrame, now: number): RunsState {
  switch (frame.type) {
    case 'accepted': {
      const key = frame.clientRequestId;
      if (!key || !state.runs[key]) return state;
      const next = updateRun(state, key, (run) => ({
        ...run,
        runId: frame.runId,
        status: run.status === 'sending' ? 'running' : run.status,
      }));
      return { ...next, keyByRunId: { ...next.keyByRunId, [frame.runId]: key } };
    }
    case 'event':
      return applyEvent(state, frame.event, frame.id, now);
    case 'result': {
      const key = state.keyByRunId[frame.runId];
      return key ? updateRun(state, key, (run) => applyResult(run, frame.result)) : state;
    }
    case 'interrupted': {
      const key = state.keyByRunId[frame.runId];
      if (!key) return state;
      return updateRun(state, key, (run) => (isFinished(run.status) ? run : interrupt(run, frame.workflowId)));
    }
    case 'error': {
      // An error about a decision names its workflowId: that card's buttons come back, with why.
      if (frame.workflowId !== undefined) return updateByWorkflowId(state, frame.workflowId, (run) => decisionFailed(run, frame.message));
      const key = frame.clientRequestId;
      if (!key || state.runs[key]?.status !== 'sending') return state;
      // The server says which limit (3 running in memory mode, 10 waiting or running with the queue).
      const message = frame.code === 'USER_LIMIT_EXCEEDED' ? `Limit reached: ${frame.message}` : frame.message;
      return updateRun(state, key, (run) => ({ ...run, status: 'rejected', error: message }));
    }
  }
}
