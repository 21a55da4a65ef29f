import type { WebSocket, WebSocketServer } from 'ws';
import { type ScheduleTimer, scheduleUnrefTimer } from './approval-expiry.js';
import { CLOSE_CODES, type ClientConnection } from './client-connection.js';
import type { Session } from './session-store.js';

/** How often open sockets are pinged and their sessions checked (ms); one that has not answered the previous ping is dropped. */
export const HEARTBEAT_INTERVAL_MS = 30_000;

/** Options of `startHeartbeat`. */
export interface HeartbeatOptions {
  /** The open connections. */
  connections: () => Iterable<ClientConnection>;
  /**
   * Whether a connection's session is still current (memory: the store; Redis: looked up in Redis
   * again, for a logout whose message this instance missed). False closes its socket with 1008; a
   * rejection (Redis away) keeps it open.
   */
  isSessionCurrent: (session: Session) => boolean | Promise<boolean>;
  /** Default: an `unref`'d `setTimeout`; tests inject `ManualTimers`. */
  schedule?: ScheduleTimer;
  /** Default `HEARTBEAT_INTERVAL_MS`. */
  intervalMs?: number;
}

function endSession(socket: WebSocket): void {
  if (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING) {
    socket.close(CLOSE_CODES.policyViolation, 'Session ended');
  }
}

/**
 * Every 30 s: pings every socket and terminates those that did not answer the previous ping (dead
 * peers, a laptop lid closed, never send a close frame), and checks every socket's session, so that
 * a silent socket does not outlive a session that ended elsewhere.
 */
export function startHeartbeat(server: WebSocketServer, options: HeartbeatOptions): { stop(): void } {
  const schedule = options.schedule ?? scheduleUnrefTimer;
  const intervalMs = options.intervalMs ?? HEARTBEAT_INTERVAL_MS;
  const alive = new WeakSet<object>();
  server.on('connection', (socket) => {
    alive.add(socket);
    socket.on('pong', () => alive.add(socket));
  });
  let stopped = false;
  let cancel = (): void => undefined;
  const tick = (): void => {
    for (const { socket, session } of options.connections()) {
      if (!alive.has(socket)) {
        socket.terminate();
        continue;
      }
      alive.delete(socket);
      socket.ping();
      Promise.resolve()
        .then(() => options.isSessionCurrent(session))
        .then(
          (current) => current || endSession(socket),
          () => undefined,
        );
    }
    if (!stopped) cancel = schedule(intervalMs, tick);
  };
  cancel = schedule(intervalMs, tick);
  return {
    stop: () => {
      stopped = true;
      cancel();
    },
  };
}

/**
 * Closes the connection's socket with 1008 when its session expires, whether or not it sends
 * anything; the timer goes when the socket closes first.
 */
export function closeAtSessionExpiry(connection: ClientConnection, now: () => number, schedule: ScheduleTimer = scheduleUnrefTimer): void {
  const { session, socket } = connection;
  let cancel = (): void => undefined;
  const arm = (): void => {
    // A timer longer than setTimeout's limit fires early: the expiry is checked again when it does.
    cancel = schedule(session.expiresAt - now(), () => (session.expiresAt <= now() ? endSession(socket) : arm()));
  };
  arm();
  socket.once('close', () => cancel());
}

/** Closes sockets with 1001 and waits for the handshake; sockets that do not answer in time are cut. */
export async function closeSockets(sockets: readonly WebSocket[], timeoutMs = 2000): Promise<void> {
  await Promise.all(
    sockets.map(
      (socket) =>
        new Promise<void>((resolve) => {
          if (socket.readyState === socket.CLOSED) return resolve();
          const timer = setTimeout(() => {
            socket.terminate();
            resolve();
          }, timeoutMs);
          socket.once('close', () => {
            clearTimeout(timer);
            resolve();
          });
          socket.close(CLOSE_CODES.goingAway, 'Server shutting down');
        }),
    ),
  );
}
