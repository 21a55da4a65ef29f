import { splitAnswerText } from '../../shared/answer-text.js';
import { formatDuration, pathLabel } from '../format.js';
import type { RunStatus, RunView } from '../runs-state.js';
import { useNow } from '../use-now.js';
import { ActivityLog } from './activity-log.js';
import { AnswerText } from './answer-text.js';
import { ApprovalPanel } from './approval-panel.js';
import { StageRow } from './stage-row.js';

const STATUS_TEXT: Record<RunStatus, string> = {
  sending: 'Sending',
  running: 'Running',
  waiting: 'Waiting for approval',
  succeeded: 'Done',
  failed: 'Finished with errors',
  cancelled: 'Cancelled',
  rejected: 'Not started',
  interrupted: 'Interrupted',
};

function placeholder(run: RunView): string {
  switch (run.status) {
    case 'cancelled':
      return 'Cancelled before an answer was written.';
    case 'failed':
      return 'No answer could be written for this run.';
    case 'interrupted':
      return 'The server stopped while this question was running. It continues if that server resumes it.';
    case 'waiting':
      return 'The answer is written once you have decided.';
    default:
      return 'The answer appears here when the report is written.';
  }
}

/** The answer section: the finished answer, the answer as it streams, or a placeholder. */
function Answer({ run, active }: { run: RunView; active: boolean }) {
  const streamed = run.answer || run.streamedAnswer?.text === '' ? undefined : run.streamedAnswer;
  // `final`: reporting's output; `streaming`: growing with each delta; `partial`: the run ended mid-answer.
  const state = run.answer ? 'final' : streamed ? (active ? 'streaming' : 'partial') : 'empty';
  const parts = run.answer ?? (streamed ? splitAnswerText(streamed.text) : undefined);
  return (
    <section
      className={`answer answer-${state}`}
      data-testid="answer"
      data-answer-state={state}
      aria-live="polite"
      aria-busy={state === 'streaming'}
    >
      {parts ? (
        <>
          <p className="answer-headline">{parts.headline}</p>
          <div className="answer-body">
            <AnswerText text={parts.answer} />
          </div>
          {state === 'partial' && <p className="answer-note">The answer stopped before it was finished.</p>}
        </>
      ) : (
        <p className="answer-placeholder">{placeholder(run)}</p>
      )}
    </section>
  );
}

/** Props of a run card. */
export interface RunCardProps {
  run: RunView;
  /** False while the socket is down. */
  connected: boolean;
  onCancel(runId: string): void;
  /** Sends a decision on the run's approval gate. */
  onDecide(workflowId: string, approved: boolean, note: string | undefined): void;
}

/**
 * One question and its run: path, fixed-height stage rows, the live activity log and the answer,
 * which grows word by word while the reporting stage writes it. Space for every part but the
 * answer's length (and the approval panel, once the run reaches its gate) is reserved from the
 * start, so streaming events never make the page jump.
 */
export function RunCard({ run, connected, onCancel, onDecide }: RunCardProps) {
  const active = run.status === 'running' || run.status === 'sending';
  const now = useNow(active);
  const elapsed = run.durationMs ?? (active ? now - run.startedAtLocal : undefined);
  const canCancel = run.status === 'running' && run.runId !== undefined && !run.cancelRequested;
  return (
    <article className={`run-card run-${run.status}`} data-testid="run-card" data-status={run.status} data-run-id={run.runId ?? ''}>
      <header className="run-header">
        <p className="run-question" data-testid="run-question" title={run.question}>
          {run.question || 'A question asked in another tab'}
        </p>
        <div className="run-meta">
          <span className={`badge badge-${run.status}`} data-testid="run-status">
            {active && <span className="spinner small" aria-hidden="true" />}
            {run.cancelRequested && run.status === 'running' ? 'Cancelling…' : STATUS_TEXT[run.status]}
          </span>
          <span className="chip path-chip" data-testid="run-path">
            {run.path ? pathLabel(run.path) : active ? 'Choosing a path…' : '—'}
          </span>
          <span className="run-time">{elapsed === undefined ? '' : formatDuration(elapsed)}</span>
          <button
            type="button"
            className="button small ghost cancel-button"
            data-testid="cancel-run"
            onClick={() => run.runId && onCancel(run.runId)}
            disabled={!canCancel}
            // Hidden, not removed, when the run is over: the header keeps its size.
            aria-hidden={run.status !== 'running'}
            tabIndex={run.status === 'running' ? 0 : -1}
            data-visible={run.status === 'running'}
          >
            Cancel
          </button>
        </div>
      </header>
      {run.status === 'rejected' ? (
        <p className="run-error" role="alert" data-testid="run-error">
          {run.error}
        </p>
      ) : (
        <>
          {run.approval && <ApprovalPanel approval={run.approval} connected={connected} onDecide={onDecide} />}
          <div className="run-body">
            <section className="stages" aria-label="Workflow stages">
              <h3>Path</h3>
              <ol className="stage-list">
                {run.stages.map((stage) => (
                  <StageRow
                    key={stage.name}
                    stage={stage}
                    now={now}
                    approval={run.approval?.stage === stage.name ? run.approval : undefined}
                  />
                ))}
              </ol>
            </section>
            <ActivityLog
              lines={run.activity}
              // A card from the history (asked before this page was opened, its events no longer replayed).
              emptyText={active || run.createdAt === undefined ? undefined : 'The activity is shown only while the page is open.'}
            />
          </div>
          <Answer run={run} active={active} />
        </>
      )}
    </article>
  );
}
