import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { attachClientConnection, CLOSE_CODES, type ClientConnection, type ClientConnectionDependencies } from './client-connection.js';
import { isOwnOrigin } from './origin-policy.js';
import type { DemoErrorCode } from './protocol.js';
import type { Session } from './session-store.js';
import type { SocketQuota } from './socket-quota.js';

const SinceQuerySchema = z.object({ since: z.string().max(64).optional() }).loose();

/** What the `/ws` route needs from the server. */
export interface SocketRouteDependencies {
  sessionOf(request: FastifyRequest): Promise<Session | undefined>;
  sendError(reply: FastifyReply, status: number, code: DemoErrorCode, message: string): FastifyReply;
  /** The server's open sockets: the route adds each one and removes it when it closes. */
  connections: Set<ClientConnection>;
  /** What each socket gets (its `isClosing` also refuses upgrades during shutdown). */
  connection: ClientConnectionDependencies;
  /** The caps on open sockets per session and per user: a socket over one is closed at once (1008, the cap as reason). */
  quota: Pick<SocketQuota, 'admit'>;
  /** The server's own origin for this request (`OriginPolicy.ownOrigin` of its Host); the upgrade's Origin must equal it. */
  ownOriginOf(request: FastifyRequest): string | undefined;
  /** Called with each socket once it is open (the server closes it when its session expires). */
  onOpen?(connection: ClientConnection): void;
}

/**
 * `GET /ws[?since=<id>]`: the upgrade needs a live session (else HTTP 401, checked first) and the
 * server's own `Origin` (else 403), answered before the upgrade so that a refused one never opens a
 * socket; then a socket over the session's or the user's cap (`quota`) is closed with 1008 and the
 * cap as reason, and `attachClientConnection` wires the others.
 */
export function registerSocketRoute(app: FastifyInstance, dependencies: SocketRouteDependencies): void {
  const { sessionOf, sendError, connections, connection: perSocket } = dependencies;
  // The session the upgrade was accepted with (looked up once, before the upgrade).
  const upgradeSessions = new WeakMap<FastifyRequest, Session>();
  app.get(
    '/ws',
    {
      websocket: true,
      // Runs before the upgrade: a reply here is a plain HTTP answer and no socket is ever opened.
      preValidation: async (request, reply) => {
        const session = await sessionOf(request);
        if (!session) return sendError(reply, 401, 'UNAUTHORIZED', 'Log in first.');
        if (!isOwnOrigin(request.headers.origin, dependencies.ownOriginOf(request))) {
          return sendError(reply, 403, 'FORBIDDEN_ORIGIN', 'The Origin header must be this server.');
        }
        upgradeSessions.set(request, session);
        return undefined;
      },
    },
    (socket, request) => {
      const session = upgradeSessions.get(request);
      const closing = perSocket.isClosing();
      if (!session || !perSocket.isSessionLive(session) || closing) {
        socket.close(closing ? CLOSE_CODES.goingAway : CLOSE_CODES.policyViolation, closing ? 'Shutting down' : 'Session ended');
        return;
      }
      const query = SinceQuerySchema.safeParse(request.query);
      // An unparseable `since` is still a replay request: it is answered with REPLAY_UNAVAILABLE.
      const since = query.success ? query.data.since : '';
      const slot = dependencies.quota.admit(session);
      if ('refused' in slot) {
        socket.close(CLOSE_CODES.policyViolation, slot.refused);
        return;
      }
      const opened = attachClientConnection(socket, session, since, perSocket, (closed) => {
        slot.release();
        connections.delete(closed);
      });
      connections.add(opened);
      dependencies.onOpen?.(opened);
    },
  );
}
