import { formatDuration, stageLabel } from '../format.js';
import type { ApprovalView, StageStatus, StageView } from '../runs-state.js';

const STATUS_TEXT: Record<StageStatus, string> = {
  queued: 'Queued',
  awaiting_approval: 'Needs approval',
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
  timed_out: 'Timed out',
  cancelled: 'Cancelled',
  skipped: 'Skipped',
};

/** The status glyph; running is a CSS spinner. Text status sits next to it for screen readers and colour-blind users. */
function StageIcon({ status }: { status: StageStatus }) {
  if (status === 'running') return <span className="stage-icon spinner" aria-hidden="true" />;
  const glyph = { queued: '', awaiting_approval: '?', succeeded: '✓', failed: '✕', timed_out: '⏱', cancelled: '⊘', skipped: '–' }[status];
  return (
    <span className={`stage-icon icon-${status}`} aria-hidden="true">
      {glyph}
    </span>
  );
}

/** A gated stage that never ran because of its gate says why instead of just "Failed". */
const REFUSED_TEXT: Partial<Record<ApprovalView['state'], string>> = {
  rejected: 'Rejected',
  timed_out: 'Expired',
  not_approved: 'Not approved',
};

/**
 * One fixed-height stage row: icon, name, latest activity, status and duration. `approval`: the run's
 * gate when it guards this stage (a refused one shows as such: `APPROVAL_REJECTED`, `APPROVAL_TIMEOUT`).
 */
export function StageRow({ stage, now, approval }: { stage: StageView; now: number; approval?: ApprovalView | undefined }) {
  const refused = stage.status === 'failed' && approval !== undefined ? REFUSED_TEXT[approval.state] : undefined;
  const time =
    stage.durationMs !== undefined
      ? formatDuration(stage.durationMs)
      : stage.status === 'running' && stage.startedAtLocal !== undefined
        ? formatDuration(Math.max(0, now - stage.startedAtLocal))
        : '';
  return (
    <li
      className={`stage stage-${stage.status}`}
      data-testid="stage-row"
      data-stage={stage.name}
      data-status={stage.status}
      data-approval={approval?.state ?? ''}
    >
      <StageIcon status={stage.status} />
      <span className="stage-text">
        <span className="stage-name">
          {stageLabel(stage.name)} <code>{stage.name}</code>
        </span>
        <span className="stage-activity">{stage.lastActivity ?? (stage.status === 'queued' ? 'Waiting for earlier steps' : '')}</span>
      </span>
      <span className="stage-status">
        <span className="stage-status-text">{refused ?? STATUS_TEXT[stage.status]}</span>
        <span className="stage-time">{time}</span>
      </span>
    </li>
  );
}
