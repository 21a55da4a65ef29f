import { useState } from 'react';
import { MAX_DECISION_NOTE_LENGTH } from '../../shared/decision-note.js';
import { stageLabel } from '../format.js';
import type { ApprovalState, ApprovalView } from '../runs-state.js';

/** What the panel says once the gate is passed. */
const OUTCOME: Readonly<Record<Exclude<ApprovalState, 'pending' | 'deciding'>, { glyph: string; title: string; detail: string }>> = {
  resumed: { glyph: '…', title: 'Decision received', detail: 'The run continues.' },
  approved: { glyph: '✓', title: 'Approved', detail: 'The plan goes ahead.' },
  rejected: { glyph: '✕', title: 'Rejected', detail: 'The plan was not drafted; the answer comes without it.' },
  timed_out: { glyph: '⏱', title: 'No decision in time', detail: 'The approval expired: the plan was not drafted.' },
  not_approved: { glyph: '✕', title: 'Not approved', detail: 'The plan was not drafted; the answer comes without it.' },
};

/** Props of the approval panel. */
export interface ApprovalPanelProps {
  approval: ApprovalView;
  /** False while the socket is down: a decision could not be sent. */
  connected: boolean;
  onDecide(workflowId: string, approved: boolean, note: string | undefined): void;
}

/**
 * The question a run waits on, with Approve and Reject (and an optional note) while it waits; once
 * decided, what was decided. The buttons are disabled from the click until the run continues, so a
 * decision is sent once per tab; every tab of the user shows the same panel, and the first decision
 * to reach the server wins.
 */
export function ApprovalPanel({ approval, connected, onDecide }: ApprovalPanelProps) {
  const [note, setNote] = useState('');
  const waiting = approval.state === 'pending' || approval.state === 'deciding';
  const prompt = approval.prompt || `Go ahead with “${stageLabel(approval.stage)}”?`;
  if (!waiting) {
    const outcome = OUTCOME[approval.state];
    return (
      <section className={`approval approval-${approval.state}`} data-testid="approval" data-state={approval.state} aria-live="polite">
        <p className="approval-outcome">
          <span className="approval-glyph" aria-hidden="true">
            {outcome.glyph}
          </span>
          <strong data-testid="approval-outcome">{outcome.title}</strong>
          {approval.note && <span className="approval-note-text">“{approval.note}”</span>}
          <span className="approval-detail">{outcome.detail}</span>
        </p>
        {approval.prompt && <p className="approval-asked">{approval.prompt}</p>}
      </section>
    );
  }
  const deciding = approval.state === 'deciding';
  const decide = (approved: boolean) => onDecide(approval.workflowId, approved, note.trim() === '' ? undefined : note.trim());
  return (
    <section className="approval approval-pending" data-testid="approval" data-state={approval.state} aria-live="polite">
      <p className="approval-label">Approval needed · {stageLabel(approval.stage)}</p>
      <p className="approval-prompt" data-testid="approval-prompt">
        {prompt}
      </p>
      <div className="approval-actions">
        <label className="visually-hidden" htmlFor={`note-${approval.workflowId}`}>
          Note (optional)
        </label>
        <input
          id={`note-${approval.workflowId}`}
          className="approval-note"
          data-testid="approval-note"
          placeholder="Note (optional)"
          maxLength={MAX_DECISION_NOTE_LENGTH}
          value={note}
          disabled={deciding}
          onChange={(event) => setNote(event.target.value)}
        />
        <button type="button" className="button ghost" data-testid="reject" disabled={deciding || !connected} onClick={() => decide(false)}>
          {deciding && approval.sent === 'reject' ? 'Rejecting…' : 'Reject'}
        </button>
        <button
          type="button"
          className="button primary"
          data-testid="approve"
          disabled={deciding || !connected}
          onClick={() => decide(true)}
        >
          {deciding && approval.sent === 'approve' ? 'Approving…' : 'Approve'}
        </button>
      </div>
      {approval.error && (
        <p className="approval-error" role="alert" data-testid="approval-error">
          {approval.error}
        </p>
      )}
    </section>
  );
}
