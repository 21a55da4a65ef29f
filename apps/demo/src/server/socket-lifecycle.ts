import type { WebSocket, WebSocketServer } from 'ws';
import { CLOSE_CODES } from './client-connection.js';

/** How often open sockets are pinged (ms); one that has not answered the previous ping is dropped. */
const HEARTBEAT_INTERVAL_MS = 30_000;

/**
 * Dead peers (a laptop lid closed) never send a close frame: pings every socket `sockets()` lists
 * every 30 s and terminates those that did not answer the previous ping. The interval is `unref`'d.
 */
export function startHeartbeat(server: WebSocketServer, sockets: () => readonly WebSocket[]): { stop(): void } {
  const alive = new WeakSet<object>();
  server.on('connection', (socket) => {
    alive.add(socket);
    socket.on('pong', () => alive.add(socket));
  });
  const heartbeat = setInterval(() => {
    for (const socket of sockets()) {
      if (!alive.has(socket)) {
        socket.terminate();
        continue;
      }
      alive.delete(socket);
      socket.ping();
    }
  }, HEARTBEAT_INTERVAL_MS);
  heartbeat.unref();
  return { stop: () => clearInterval(heartbeat) };
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
