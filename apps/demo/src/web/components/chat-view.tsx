import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import type { ServerFrame } from '../../server/protocol.js';
import { ApiError, fetchMe, fetchRuns } from '../api-client.js';
import { type ConnectionStatus, LiveConnection } from '../live-connection.js';
import { newRequestId } from '../request-id.js';
import { INITIAL_RUNS_STATE, runsReducer } from '../runs-state.js';
import { Composer } from './composer.js';
import { ConnectionPill, ReconnectToast } from './connection-status.js';
import { RunCard } from './run-card.js';

/** Props of the chat view. */
export interface ChatViewProps {
  userId: string;
  onLogout(): void;
  onSessionEnded(): void;
}

/** Messages for error frames that are not about one ask (those show on their card). */
function noticeFor(frame: Extract<ServerFrame, { type: 'error' }>): string {
  if (frame.workflowId !== undefined) {
    // About a decision (its card shows the message too).
    return frame.code === 'NOT_SUSPENDED' || frame.code === 'UNKNOWN_RUN'
      ? 'That approval was already decided (in another tab, or it timed out).'
      : frame.message;
  }
  switch (frame.code) {
    case 'REPLAY_UNAVAILABLE':
      return 'Some updates from while you were away are no longer available; live updates continue.';
    case 'UNKNOWN_RUN':
      return 'That run has already finished.';
    case 'SHUTTING_DOWN':
      return 'The server is shutting down.';
    default:
      return frame.message;
  }
}

/** The user's earlier questions: loading, loaded (with the cursor of the next older page), or unavailable. */
type HistoryState =
  | { readonly state: 'loading' }
  | { readonly state: 'loaded'; readonly nextBefore: number | null }
  | { readonly state: 'failed' };

/**
 * The logged-in screen: header, composer with example chips, and one live card per question. On
 * load it shows the user's earlier questions from the runs API, then connects with the history's
 * `replaySince`, so the runs still in flight replay from their first event and go on live.
 */
export function ChatView({ userId, onLogout, onSessionEnded }: ChatViewProps) {
  const [state, dispatch] = useReducer(runsReducer, INITIAL_RUNS_STATE);
  const [status, setStatus] = useState<ConnectionStatus>({ state: 'connecting' });
  const [notice, setNotice] = useState<string | undefined>();
  const [history, setHistory] = useState<HistoryState>({ state: 'loading' });
  const [loadingEarlier, setLoadingEarlier] = useState(false);
  const connection = useRef<LiveConnection | null>(null);
  const runsRef = useRef(state);
  runsRef.current = state;
  // Events were missed for good, or a card cannot tell how its gate was passed: the store knows.
  const reconcileRef = useRef<() => void>(() => undefined);
  const reconciledGates = useRef(new Set<string>());

  useEffect(() => {
    let active = true;
    // Events were missed for good: the store knows how the runs the page still shows running ended.
    const reconcile = () => {
      fetchRuns().then(
        (page) => active && dispatch({ type: 'history', runs: page.runs, now: Date.now() }),
        () => undefined,
      );
    };
    reconcileRef.current = reconcile;
    const live = new LiveConnection({
      onFrame(frame) {
        if (frame.type === 'error') {
          const handledByCard = frame.clientRequestId !== undefined && runsRef.current.runs[frame.clientRequestId]?.status === 'sending';
          if (!handledByCard) setNotice(noticeFor(frame));
          // A decision that came too late: the history shows how the run went on.
          if (frame.code === 'REPLAY_UNAVAILABLE' || frame.code === 'NOT_SUSPENDED') reconcile();
        }
        dispatch({ type: 'frame', frame, now: Date.now() });
      },
      onStatus: setStatus,
      onDisconnect: () => dispatch({ type: 'connection-lost' }),
      onSessionEnded,
      checkSession: async () => (await fetchMe()) !== null,
    });
    connection.current = live;
    fetchRuns().then(
      (page) => {
        if (!active) return;
        dispatch({ type: 'history', runs: page.runs, now: Date.now() });
        setHistory({ state: 'loaded', nextBefore: page.nextBefore });
        live.start(page.replaySince ?? undefined);
      },
      (error: unknown) => {
        if (!active) return;
        if (error instanceof ApiError && error.status === 401) {
          onSessionEnded();
          return;
        }
        setHistory({ state: 'failed' });
        setNotice('Your earlier questions could not be loaded; new ones work as usual.');
        live.start();
      },
    );
    return () => {
      active = false;
      live.stop();
    };
  }, [onSessionEnded]);

  const loadEarlier = useCallback(() => {
    if (history.state !== 'loaded' || history.nextBefore === null) return;
    setLoadingEarlier(true);
    fetchRuns({ before: history.nextBefore })
      .then(
        (page) => {
          dispatch({ type: 'history', runs: page.runs, now: Date.now() });
          setHistory({ state: 'loaded', nextBefore: page.nextBefore });
        },
        () => setNotice('Earlier questions could not be loaded; try again.'),
      )
      .finally(() => setLoadingEarlier(false));
  }, [history]);

  useEffect(() => {
    if (notice === undefined) return undefined;
    const timer = setTimeout(() => setNotice(undefined), 6000);
    return () => clearTimeout(timer);
  }, [notice]);

  const ask = useCallback((text: string) => {
    const clientRequestId = newRequestId();
    if (!connection.current?.send({ type: 'ask', text, clientRequestId })) {
      setNotice('Not connected right now; your question was not sent. It will work again once reconnected.');
      return false;
    }
    dispatch({ type: 'ask', clientRequestId, question: text, now: Date.now() });
    return true;
  }, []);

  const decide = useCallback((workflowId: string, approved: boolean, note: string | undefined) => {
    if (connection.current?.send({ type: 'decide', workflowId, approved, ...(note === undefined ? {} : { note }) })) {
      dispatch({ type: 'decision-sent', workflowId, approved, ...(note === undefined ? {} : { note }) });
    } else setNotice('Not connected right now; your decision was not sent. It will work again once reconnected.');
  }, []);

  // A tab on another instance than the one that resumed the run learns "not approved" from a later
  // stage's input only; the run's record says whether it was rejected or timed out.
  useEffect(() => {
    for (const run of Object.values(state.runs)) {
      const approval = run.approval;
      if (approval?.state !== 'not_approved' || reconciledGates.current.has(approval.workflowId)) continue;
      reconciledGates.current.add(approval.workflowId);
      reconcileRef.current();
    }
  }, [state.runs]);

  const cancel = useCallback((runId: string) => {
    if (connection.current?.send({ type: 'cancel', runId })) dispatch({ type: 'cancel-requested', runId });
    else setNotice('Not connected right now; the run was not cancelled.');
  }, []);

  const runs = state.order.map((key) => state.runs[key]).filter((run) => run !== undefined);
  return (
    <div className="app-shell">
      <header className="top-bar">
        <p className="brand">
          <span className="brand-mark" aria-hidden="true" />
          Baton <span className="brand-sub">live agents</span>
        </p>
        <div className="top-bar-right">
          <ConnectionPill status={status} />
          <span className="user" data-testid="current-user">
            {userId}
          </span>
          <button type="button" className="button small ghost" onClick={onLogout} data-testid="logout">
            Log out
          </button>
        </div>
      </header>
      <main className="chat">
        <Composer connected={status.state === 'open'} onAsk={ask} />
        {runs.length === 0 && history.state === 'loading' ? (
          <p className="history-status" data-testid="history-loading" aria-busy="true">
            <span className="spinner small" aria-hidden="true" /> Loading your questions…
          </p>
        ) : runs.length === 0 ? (
          <section className="empty-state">
            <h2>Ask a question about your cloud bill</h2>
            <p>
              Each question becomes a card. A triage agent reads it and picks a path: a full analysis when you give a provider and figures,
              a fill-the-gaps path when something is missing, general guidance otherwise. Try the examples above; you can run up to three at
              once.
            </p>
          </section>
        ) : (
          <div className="runs" data-testid="runs">
            {runs.map((run) => (
              <RunCard key={run.key} run={run} connected={status.state === 'open'} onCancel={cancel} onDecide={decide} />
            ))}
          </div>
        )}
        {history.state === 'loaded' && history.nextBefore !== null && (
          <div className="history-more">
            <button type="button" className="button small ghost" onClick={loadEarlier} disabled={loadingEarlier} data-testid="load-earlier">
              {loadingEarlier ? 'Loading…' : 'Show earlier questions'}
            </button>
          </div>
        )}
      </main>
      <div className="toasts">
        <ReconnectToast status={status} onRetry={() => connection.current?.retryNow()} />
        {notice && (
          <div className="toast" role="status" data-testid="notice">
            {notice}
            <button type="button" className="button small ghost" onClick={() => setNotice(undefined)} aria-label="Dismiss">
              ✕
            </button>
          </div>
        )}
      </div>
    </div>
  );
}
