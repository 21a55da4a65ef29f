import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { LoginThrottle } from './login-throttle.js';
import { isOwnOrigin } from './origin-policy.js';
import { type DemoErrorCode, LoginBodySchema } from './protocol.js';
import type { SessionBackend } from './session-backend.js';
import type { Session } from './session-store.js';
import type { UserDirectory } from './user-directory.js';

/** The cookie that carries the session token. */
export const SESSION_COOKIE = 'baton_session';

/** What the session routes need from the server. */
export interface SessionRoutesDependencies {
  sessions: SessionBackend;
  directory: UserDirectory;
  throttle: LoginThrottle;
  sessionOf(request: FastifyRequest): Promise<Session | undefined>;
  sendError(reply: FastifyReply, status: number, code: DemoErrorCode, message: string): FastifyReply;
  /** A session was logged out: close its sockets and cancel its runs (everywhere). */
  sessionEnded(sessionId: string): Promise<void>;
}

/**
 * `POST /api/login` (scrypt-checked credentials, throttled per address, an HttpOnly SameSite=Strict
 * session cookie), `POST /api/logout` and `GET /api/me`. Login and logout refuse a foreign `Origin`.
 */
export function registerSessionRoutes(app: FastifyInstance, dependencies: SessionRoutesDependencies): void {
  const { sessions, directory, throttle, sessionOf, sendError, sessionEnded } = dependencies;

  // State-changing requests from another site carry a foreign Origin: refuse them (SameSite=Strict
  // already keeps the cookie away; this also covers a login CSRF).
  const refuseForeignOrigin = async (request: FastifyRequest, reply: FastifyReply) => {
    const origin = request.headers.origin;
    if (origin !== undefined && !isOwnOrigin(origin, request.headers.host)) {
      return sendError(reply, 403, 'FORBIDDEN_ORIGIN', 'Cross-origin requests are not allowed.');
    }
    return undefined;
  };

  app.post('/api/login', { preHandler: refuseForeignOrigin }, async (request, reply) => {
    const retryAfterMs = throttle.retryAfterMs(request.ip);
    if (retryAfterMs > 0) {
      reply.header('retry-after', Math.ceil(retryAfterMs / 1000));
      return sendError(reply, 429, 'TOO_MANY_REQUESTS', 'Too many failed logins from this address; try again later.');
    }
    const body = LoginBodySchema.safeParse(request.body);
    if (!body.success) return sendError(reply, 400, 'INVALID_REQUEST', 'Expected a JSON body { "username": string, "password": string }.');
    const userId = await directory.verify(body.data.username, body.data.password);
    if (userId === null) {
      throttle.recordFailure(request.ip);
      return sendError(reply, 401, 'INVALID_CREDENTIALS', 'Wrong username or password.');
    }
    const session = await sessions.create(userId);
    reply.setCookie(SESSION_COOKIE, session.token, {
      httpOnly: true,
      sameSite: 'strict',
      path: '/',
      maxAge: Math.floor((session.expiresAt - session.createdAt) / 1000),
    });
    return { userId };
  });

  app.post('/api/logout', { preHandler: refuseForeignOrigin }, async (request, reply) => {
    const session = await sessions.delete(request.cookies[SESSION_COOKIE]);
    if (session) await sessionEnded(session.sessionId);
    reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'strict' });
    return { status: 'logged_out' };
  });

  app.get('/api/me', async (request, reply) => {
    const session = await sessionOf(request);
    if (!session) return sendError(reply, 401, 'UNAUTHORIZED', 'Not logged in.');
    return { userId: session.userId };
  });
}
