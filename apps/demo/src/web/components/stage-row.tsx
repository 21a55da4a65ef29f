import { formatDuration, stageLabel } from '../format.js';
import type { StageStatus, StageView } from '../runs-state.js';

const STATUS_TEXT: Record<StageStatus, string> = {
  queued: 'Queued',
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
  const glyph = { queued: '', succeeded: '✓', failed: '✕', timed_out: '⏱', cancelled: '⊘', skipped: '–' }[status];
  return (
    <span className={`stage-icon icon-${status}`} aria-hidden="true">
      {glyph}
    </span>
  );
}

/** One fixed-height stage row: icon, name, latest activity, status and duration. */
export function StageRow({ stage, now }: { stage: StageView; now: number }) {
  const time =
    stage.durationMs !== undefined
      ? formatDuration(stage.durationMs)
      : stage.status === 'running' && stage.startedAtLocal !== undefined
        ? formatDuration(Math.max(0, now - stage.startedAtLocal))
        : '';
  return (
    <li className={`stage stage-${stage.status}`} data-testid="stage-row" data-stage={stage.name} data-status={stage.status}>
      <StageIcon status={stage.status} />
      <span className="stage-text">
        <span className="stage-name">
          {stageLabel(stage.name)} <code>{stage.name}</code>
        </span>
        <span className="stage-activity">{stage.lastActivity ?? (stage.status === 'queued' ? 'Waiting for earlier steps' : '')}</span>
      </span>
      <span className="stage-status">
        <span className="stage-status-text">{STATUS_TEXT[stage.status]}</span>
        <span className="stage-time">{time}</span>
      </span>
    </li>
  );
}
