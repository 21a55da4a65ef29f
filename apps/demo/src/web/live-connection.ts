import type { ClientFrame, ServerFrame } from '../server/protocol.js';
import { SERVER_GOING_AWAY } from './reconnect-notice.js';

/** What the connection is doing, for the status pill and the reconnect toast. */
export type ConnectionStatus =
  | { readonly state: 'connecting' }
  | { readonly state: 'open' }
  | {
      readonly state: 'reconnecting';
      readonly retryAt: number;
      readonly attempt: number;
      /** The server closed the socket because it is stopping (1001): its runs were interrupted. */
      readonly serverStopped: boolean;
    }
  | { readonly state: 'stopped' };

/** Callbacks of a live connection. */
export interface LiveConnectionHandlers {
  onFrame(frame: ServerFrame): void;
  onStatus(status: ConnectionStatus): void;
  /** The socket dropped: asks that were not accepted yet are lost. */
  onDisconnect(): void;
  /** The session is gone (logout elsewhere, expiry): stop and show the login form. */
  onSessionEnded(): void;
  /** True while the session is still valid (GET /api/me). */
  checkSession(): Promise<boolean>;
}

const MAX_BACKOFF_MS = 8000;

/**
 * The page's WebSocket to `/ws`. Reconnects by itself with exponential backoff, asking the server to
 * replay what it missed with `?since=<last event id>`, so a card keeps filling across a network blip.
 */
export class LiveConnection {
  #socket: WebSocket | undefined;
  #lastEventId: string | undefined;
  #attempt = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;
  /** The server said it was stopping (1001); kept across failed reconnects until a socket opens again. */
  #serverStopped = false;
  readonly #handlers: LiveConnectionHandlers;

  constructor(handlers: LiveConnectionHandlers) {
    this.#handlers = handlers;
  }

  /**
   * Opens the socket. `since`: a cursor to replay from on the first connection (the history's
   * `replaySince`: the runs in flight from their first event); later reconnects use the last event id seen.
   */
  start(since?: string): void {
    this.#stopped = false;
    this.#lastEventId ??= since;
    this.#open();
  }

  /** Closes the socket for good (logout, unmount). */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#socket?.close(1000, 'Page closed');
    this.#socket = undefined;
    this.#handlers.onStatus({ state: 'stopped' });
  }

  /** Sends a frame; false when the socket is not open (the caller tells the user). */
  send(frame: ClientFrame): boolean {
    const socket = this.#socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return false;
    socket.send(JSON.stringify(frame));
    return true;
  }

  /** Reconnects at once instead of waiting for the backoff (the "Retry now" button). */
  retryNow(): void {
    if (this.#stopped || this.#socket) return;
    clearTimeout(this.#timer);
    this.#open();
  }

  #open(): void {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const since = this.#lastEventId === undefined ? '' : `?since=${encodeURIComponent(this.#lastEventId)}`;
    this.#handlers.onStatus({ state: 'connecting' });
    const socket = new WebSocket(`${scheme}://${location.host}/ws${since}`);
    this.#socket = socket;
    socket.addEventListener('open', () => {
      this.#attempt = 0;
      this.#serverStopped = false;
      this.#handlers.onStatus({ state: 'open' });
    });
    socket.addEventListener('message', (message) => {
      if (typeof message.data !== 'string') return;
      let frame: ServerFrame;
      try {
        frame = JSON.parse(message.data) as ServerFrame;
      } catch {
        return;
      }
      if (frame.type === 'event') this.#lastEventId = frame.id;
      this.#handlers.onFrame(frame);
    });
    socket.addEventListener('close', (event) => {
      if (this.#socket !== socket) return;
      this.#socket = undefined;
      if (this.#stopped) return;
      this.#handlers.onDisconnect();
      if (event.code === SERVER_GOING_AWAY) this.#serverStopped = true;
      void this.#scheduleReconnect();
    });
  }

  async #scheduleReconnect(): Promise<void> {
    // A refused upgrade (401) looks like any other failure to a browser: ask the API why.
    const valid = await this.#handlers.checkSession().catch(() => true);
    if (this.#stopped) return;
    if (!valid) {
      this.stop();
      this.#handlers.onSessionEnded();
      return;
    }
    const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** this.#attempt) * (0.8 + Math.random() * 0.4);
    this.#attempt++;
    this.#handlers.onStatus({
      state: 'reconnecting',
      retryAt: Date.now() + delay,
      attempt: this.#attempt,
      serverStopped: this.#serverStopped,
    });
    this.#timer = setTimeout(() => this.#open(), delay);
  }
}
