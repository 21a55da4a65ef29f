import { useEffect, useState } from 'react';
import type { ConnectionStatus } from '../live-connection.js';
import { reconnectNotice } from '../reconnect-notice.js';

/** The small pill in the header: Live, Connecting, Reconnecting. */
export function ConnectionPill({ status }: { status: ConnectionStatus }) {
  const label =
    status.state === 'open'
      ? 'Live'
      : status.state === 'connecting'
        ? 'Connecting…'
        : status.state === 'reconnecting'
          ? 'Reconnecting…'
          : 'Offline';
  return (
    <span className={`pill connection-${status.state}`} data-testid="connection-status" role="status">
      <span className="dot" aria-hidden="true" />
      {label}
    </span>
  );
}

/**
 * A toast (fixed position, so it never pushes content) while the socket is down, saying why as far as
 * the page knows (`reconnectNotice`): a lost connection, or a server that stopped and interrupted its runs.
 */
export function ReconnectToast({ status, onRetry }: { status: ConnectionStatus; onRetry(): void }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (status.state !== 'reconnecting') return undefined;
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [status.state]);
  if (status.state !== 'reconnecting') return null;
  const seconds = Math.max(0, Math.ceil((status.retryAt - now) / 1000));
  return (
    <div className="toast warning" role="alert" data-testid="reconnect-toast">
      {reconnectNotice({ serverStopped: status.serverStopped, seconds })}
      <button type="button" className="button small" onClick={onRetry}>
        Retry now
      </button>
    </div>
  );
}
