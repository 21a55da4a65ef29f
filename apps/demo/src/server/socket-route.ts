import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { attachClientConnection, CLOSE_CODES, type ClientConnection, type ClientConnectionDependencies } from './client-connection.js';
import { isOwnOrigin } from './origin-policy.js';
import type { DemoErrorCode } from './protocol.js';
import type { Session } from './session-store.js';

const SinceQuerySchema = z.object({ since: z.string().max(64).optional() }).loose();

/** What the `/ws` route needs from the server. */
export interface SocketRouteDependencies {
  sessionOf(request: FastifyRequest): Promise<Session | undefined>;
  sendError(reply: FastifyReply, status: number, code: DemoErrorCode, message: string): FastifyReply;
  /** The server's open sockets: the route adds each one and removes it when it closes. */
  connections: Set<ClientConnection>;
  /** What each socket gets (its `isClosing` also refuses upgrades during shutdown). */
  connection: ClientConnectionDependencies;
}

/**
 * `GET /ws[?since=<id>]`: the upgrade needs a live session (else HTTP 401, checked first) and the
 * server's own `Origin` (else 403), answered before the upgrade so that a refused one never opens a
 * socket; then `attachClientConnection` wires the socket.
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
        if (!isOwnOrigin(request.headers.origin, request.headers.host)) {
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
      const opened = attachClientConnection(socket, session, since, perSocket, (closed) => connections.delete(closed));
      connections.add(opened);
    },
  );
}
