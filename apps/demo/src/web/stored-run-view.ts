import type { StoredRun, StoredRunStatus, StoredStage } from '../shared/runs-api.js';
import { type GateStageResult, noteGateResults, resumeAfterGate, suspendFromStored } from './approval-view.js';
import {
  answerOf,
  finish,
  interrupt,
  type RunStatus,
  type RunsState,
  type RunView,
  updateRun,
  updateStage,
  withAnswer,
} from './run-view.js';

// Runs from `GET /api/runs` into the page's state: new cards for runs the page has not seen, and the
// stored state of cards whose events the page missed.

function cardStatusOf(status: StoredRunStatus): RunStatus {
  return status === 'suspended' ? 'waiting' : status;
}

function gateResultsOf(stages: readonly StoredStage[]): GateStageResult[] {
  return stages.map((stage) => ({ name: stage.stage, status: stage.status, ...(stage.error ? { error: stage.error } : {}) }));
}

/** The stored stages over the card's: a stored (finished) stage is the truth about that stage. */
function withStoredStages(run: RunView, stored: StoredRun): RunView {
  let next = run;
  for (const stage of stored.stages) {
    next = updateStage(next, stage.stage, (view) => ({ ...view, status: stage.status, durationMs: stage.durationMs }));
  }
  return noteGateResults(next, stored.workflowId, gateResultsOf(stored.stages));
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
  const withStages = withStoredStages(card, stored);
  const waiting = stored.suspension ? suspendFromStored(withStages, stored.workflowId, stored.suspension) : withStages;
  return withAnswer(waiting, answerOf(stored.result?.output));
}

/**
 * One stored run into the state. Unknown: a new card, placed by `createdAt` among the cards that came
 * from the history (cards of questions asked on this page are newer). Known and still in flight on
 * the page (running, or waiting for a decision) while the store says otherwise (its last events were
 * missed): the stored state, an approval gate's outcome included. Anything else the page already
 * shows better from the events.
 */
export function applyStoredRun(state: RunsState, stored: StoredRun, now: number): RunsState {
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
  return updateRun(state, key, (run) => {
    if (run.status !== 'running' && run.status !== 'sending' && run.status !== 'waiting') {
      // A finished card only learns how its gate was passed (another instance ran the end: no `result` here).
      return noteGateResults(run, stored.workflowId, gateResultsOf(stored.stages));
    }
    if (status === 'interrupted') return interrupt(withStoredStages(run, stored), stored.workflowId);
    if (status === 'waiting')
      return stored.suspension ? suspendFromStored(withStoredStages(run, stored), stored.workflowId, stored.suspension) : run;
    if (status === 'running') {
      // Decided elsewhere (or timed out) while this page missed the run's events.
      return run.status === 'waiting'
        ? resumeAfterGate({ ...withStoredStages(run, stored), status: 'running' }, `resumed:${stored.workflowId}`)
        : run;
    }
    if (!stored.result) return run;
    const { result } = stored;
    const ended = finish(withStoredStages(run, stored), result.status, result.durationMs, result.path);
    return withAnswer(ended, run.answer ?? answerOf(result.output));
  });
}
