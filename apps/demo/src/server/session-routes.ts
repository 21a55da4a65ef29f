import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { LoginThrottle } from './login-throttle.js';
import { isOwnOrigin } from './origin-policy.js';
import type { PasswordCheckQueue } from './password-check-queue.js';
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
  /** Bounds the password checks running and waiting; a login beyond it gets 503. */
  passwordChecks: PasswordCheckQueue;
  /** The server's own origin for this request (`OriginPolicy.ownOrigin` of its Host). */
  ownOriginOf(request: FastifyRequest): string | undefined;
  /** The session cookie gets `Secure` (the public origin is https). */
  secureCookies: boolean;
  sessionOf(request: FastifyRequest): Promise<Session | undefined>;
  sendError(reply: FastifyReply, status: number, code: DemoErrorCode, message: string): FastifyReply;
  /** A session was logged out: close its sockets and cancel its runs (everywhere). */
  sessionEnded(sessionId: string): Promise<void>;
}

/**
 * `POST /api/login` (scrypt-checked credentials; each attempt counted per address and per username
 * before its password is checked, refunded when it succeeds; at most a queue's worth of checks at
 * once, else 503; an HttpOnly SameSite=Strict session cookie, Secure behind https), `POST /api/logout`
 * and `GET /api/me`. Login and logout refuse a foreign `Origin`.
 */
export function registerSessionRoutes(app: FastifyInstance, dependencies: SessionRoutesDependencies): void {
  const { sessions, directory, throttle, passwordChecks, ownOriginOf, secureCookies, sessionOf, sendError, sessionEnded } = dependencies;
  const cookieOptions = { httpOnly: true, sameSite: 'strict', path: '/', secure: secureCookies } as const;

  // State-changing requests from another site carry a foreign Origin: refuse them (SameSite=Strict
  // already keeps the cookie away; this also covers a login CSRF).
  const refuseForeignOrigin = async (request: FastifyRequest, reply: FastifyReply) => {
    const origin = request.headers.origin;
    if (origin !== undefined && !isOwnOrigin(origin, ownOriginOf(request))) {
      return sendError(reply, 403, 'FORBIDDEN_ORIGIN', 'Cross-origin requests are not allowed.');
    }
    return undefined;
  };

  app.post('/api/login', { preHandler: refuseForeignOrigin }, async (request, reply) => {
    const body = LoginBodySchema.safeParse(request.body);
    if (!body.success) return sendError(reply, 400, 'INVALID_REQUEST', 'Expected a JSON body { "username": string, "password": string }.');
    const { username, password } = body.data;
    // Counted first (atomically), so that parallel guesses cannot all get past the limit.
    const admission = await throttle.attempt(request.ip, username);
    if (!admission.admitted) {
      reply.header('retry-after', Math.ceil(admission.retryAfterMs / 1000));
      const from = admission.limit === 'address' ? 'from this address' : 'for this account';
      return sendError(reply, 429, 'TOO_MANY_REQUESTS', `Too many failed logins ${from}; try again later.`);
    }
    const checked = passwordChecks.tryRun(() => directory.verify(username, password));
    if (!checked) {
      // Not checked, so not counted: the user may simply try again.
      await admission.attempt.refund();
      reply.header('retry-after', 1);
      return sendError(reply, 503, 'SERVER_BUSY', 'Too many logins are being checked right now; try again in a moment.');
    }
    const userId = await checked;
    if (userId === null) return sendError(reply, 401, 'INVALID_CREDENTIALS', 'Wrong username or password.');
    await admission.attempt.refund();
    const session = await sessions.create(userId);
    reply.setCookie(SESSION_COOKIE, session.token, {
      ...cookieOptions,
      maxAge: Math.floor((session.expiresAt - session.createdAt) / 1000),
    });
    return { userId };
  });

  app.post('/api/logout', { preHandler: refuseForeignOrigin }, async (request, reply) => {
    const session = await sessions.delete(request.cookies[SESSION_COOKIE]);
    if (session) await sessionEnded(session.sessionId);
    reply.clearCookie(SESSION_COOKIE, cookieOptions);
    return { status: 'logged_out' };
  });

  app.get('/api/me', async (request, reply) => {
    const session = await sessionOf(request);
    if (!session) return sendError(reply, 401, 'UNAUTHORIZED', 'Not logged in.');
    return { userId: session.userId };
  });
}
