import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { InMemoryRunStore, type RunStore, TransportError } from '@baton/engine-contract';
import { createEngineFactory } from '@baton/engine-factory';
import { triageWorkflow } from '@baton/orchestrator';
import { fastifyCookie } from '@fastify/cookie';
import { fastifyStatic } from '@fastify/static';
import { fastifyWebsocket } from '@fastify/websocket';
import { type FastifyError, type FastifyReply, type FastifyRequest, fastify } from 'fastify';
import { z } from 'zod';
import { createDemoAgents } from '../agents/create-demo-agents.js';
import { ApprovalExpiry } from './approval-expiry.js';
import { createRedisApprovalExpiryIndex } from './approval-expiry-index.js';
import { BestEffortRunStore } from './best-effort-run-store.js';
import { attachClientConnection, CLOSE_CODES, type ClientConnection } from './client-connection.js';
import { DEMO_ENGINE_LIMITS, type DemoServer, type DemoServerOptions } from './demo-server-options.js';
import { DEFAULT_DEMO_USERS_SPEC, parseDemoUsers } from './demo-users.js';
import { createDemoWorkflow } from './demo-workflow.js';
import { type EventDelivery, InMemoryEventDelivery } from './event-delivery.js';
import { createRedisInterruptedRunLog, defaultInstanceId, INSTANCE_ID_PATTERN } from './interrupted-run-log.js';
import { LoginThrottle } from './login-throttle.js';
import { isOwnOrigin } from './origin-policy.js';
import { DEFAULT_SCRYPT_COST } from './password-hasher.js';
import { type DemoErrorCode, httpError, MAX_FRAME_BYTES } from './protocol.js';
import { openRedisBackend, type RedisBackend } from './redis-backend.js';
import { resumeInterruptedRuns } from './resume-interrupted-runs.js';
import { decideRun, expireRun, type RunDecisionDependencies } from './run-decisions.js';
import { RunRegistry } from './run-registry.js';
import { registerRunRoutes } from './run-routes.js';
import type { SessionBackend } from './session-backend.js';
import { registerSessionRoutes, SESSION_COOKIE } from './session-routes.js';
import { type Session, SessionStore } from './session-store.js';
import { threadIdOfSession } from './session-thread.js';
import { closeSockets, startHeartbeat } from './socket-lifecycle.js';
import { defaultStaticDir, hasBuiltPage, PAGE_NOT_BUILT_HTML } from './static-site.js';
import { createUserDirectory } from './user-directory.js';
import { UserEventHub } from './user-event-hub.js';

export { DEMO_ENGINE_LIMITS, type DemoRedisOptions, type DemoServer, type DemoServerOptions } from './demo-server-options.js';

export { SESSION_COOKIE } from './session-routes.js';

/** Name and message of a model error, for the log. */
function describeModelError(error: unknown): { name: string; message: string } {
  return error instanceof Error
    ? { name: error.name, message: error.message.slice(0, 500) }
    : { name: 'NonError', message: String(error).slice(0, 500) };
}

const SinceQuerySchema = z.object({ since: z.string().max(64).optional() }).loose();

/**
 * Builds the demo server: login with scrypt-hashed passwords, server-side sessions, the page, and the
 * `/ws` protocol (see `docs`: apps/demo/README.md). Every ask gets its own execution context and
 * engine from one factory; every user's events go to that user's sockets only.
 * @example
 * const server = await createDemoServer({ delayScale: 0 });
 * const url = await server.listen({ port: 0 });
 * // ...
 * await server.close();
 */
export async function createDemoServer(options: DemoServerOptions = {}): Promise<DemoServer> {
  if (options.instanceId !== undefined && !INSTANCE_ID_PATTERN.test(options.instanceId)) {
    throw new Error(
      `The instance id (BATON_DEMO_INSTANCE_ID) must be 1 to 128 of A-Z a-z 0-9 . _ : -, got ${JSON.stringify(options.instanceId)}`,
    );
  }
  const now = options.now ?? Date.now;
  // Checked before anything is opened: a bad timeout stops the start-up with a message naming the variable.
  const workflow = options.approvalGate === false ? triageWorkflow : createDemoWorkflow({ approvalTimeoutMs: options.approvalTimeoutMs });
  const users = options.users ?? parseDemoUsers(DEFAULT_DEMO_USERS_SPEC);
  const directory = await createUserDirectory(users, options.scryptCost ?? DEFAULT_SCRYPT_COST);
  const sessionTtlMs = options.sessionTtlMs ?? 8 * 60 * 60 * 1000;
  const throttle = new LoginThrottle({
    maxFailures: options.loginThrottle?.maxFailures ?? 10,
    windowMs: options.loginThrottle?.windowMs ?? 5 * 60 * 1000,
    now,
  });
  const runs = new RunRegistry();
  const connections = new Set<ClientConnection>();
  let closing = false;
  let closed: Promise<void> | undefined;

  const sendError = (reply: FastifyReply, status: number, code: DemoErrorCode, message: string) =>
    reply.code(status).type('application/json').send(httpError(code, message));
  const app = fastify({
    logger: options.logger ?? false,
    bodyLimit: MAX_FRAME_BYTES,
    // Router refusals (a parameter over 100 characters, a malformed URL) get the demo's error bodies:
    // an overlong run id must look exactly like an unknown one.
    frameworkErrors: (error, _request, reply) =>
      error.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? sendError(reply, 404, 'NOT_FOUND', 'Not found.')
        : sendError(reply, 400, 'INVALID_REQUEST', 'The request URL is malformed.'),
  });
  const redis: RedisBackend | undefined = options.redis
    ? await openRedisBackend({
        url: options.redis.url,
        ...(options.redis.keyPrefix === undefined ? {} : { keyPrefix: options.redis.keyPrefix }),
        ...(options.redis.retryDelayMs === undefined ? {} : { retryDelayMs: options.redis.retryDelayMs }),
        ...(options.redis.resultWaitMs === undefined ? {} : { resultWaitMs: options.redis.resultWaitMs }),
        sessionTtlMs,
        now,
        log: app.log,
      })
    : undefined;
  const memorySessions = redis ? undefined : new SessionStore({ ttlMs: sessionTtlMs, now });
  const sessions: SessionBackend = redis?.sessions ?? memorySessions!;
  const events: EventDelivery =
    redis?.delivery ?? new InMemoryEventDelivery(new UserEventHub({ replayBufferSize: options.replayBufferSize ?? 2000 }));
  // Redis mode: a run must not fail because Redis went away mid-run (see BestEffortRunStore).
  const store: RunStore = new BestEffortRunStore(
    options.store ?? redis?.runStore ?? new InMemoryRunStore({ now }),
    app.log,
    redis ? () => redis.client.status === 'ready' : undefined,
  );
  const factory = createEngineFactory({
    agents:
      options.agents ??
      createDemoAgents({
        delayScale: options.delayScale ?? 1,
        reportingModel: options.reportingModel,
        answerDelayMs: options.answerDelayMs,
        // The user sees a fixed message; the provider's error (credentials already redacted by
        // @baton/ai-sdk) is for the operator.
        onModelError: (error) => app.log.warn({ model: describeModelError(error) }, 'the reporting model failed'),
      }),
    limits: { ...DEMO_ENGINE_LIMITS, ...options.limits },
    ...(redis ? { admission: redis.admission, onEvent: redis.delivery.publish } : {}),
  });
  // Memory: the store is the truth. Redis: a frame is a hot path, so only expiry is checked here; a
  // logout on any instance closes the session's sockets everywhere (control channel).
  const isSessionLive = (session: Session): boolean =>
    memorySessions ? memorySessions.get(session.token) !== undefined : session.expiresAt > now();
  const endSessionLocally = (sessionId: string): void => {
    runs.cancelSession(sessionId);
    for (const connection of connections) {
      if (connection.session.sessionId === sessionId) connection.socket.close(CLOSE_CODES.normal, 'Logged out');
    }
  };
  // Shared by every ask, decision and resume; `interruptions` is set at `listen`, once the instance id is known.
  const execution: RunDecisionDependencies = {
    events,
    runs,
    store,
    workflow,
    now,
    factory,
    resuming: new Set(),
    cluster: redis,
    log: app.log,
  };
  const approvals = new ApprovalExpiry({
    store,
    now,
    expire: (workflowId) => expireRun(execution, workflowId),
    index: redis ? createRedisApprovalExpiryIndex({ client: redis.client, keyPrefix: redis.keyPrefix, log: app.log }) : undefined,
    ...(options.approvalTimers ? { schedule: options.approvalTimers } : {}),
    ...(options.approvalSweepIntervalMs === undefined ? {} : { sweepIntervalMs: options.approvalSweepIntervalMs }),
    log: app.log,
  });
  execution.approvals = approvals;
  redis?.setControlHandlers({
    cancel: (runId, userId) => void runs.cancel(runId, userId),
    logout: endSessionLocally,
    interrupted: (userId, runId, workflowId) => redis?.delivery.sendToUser(userId, { type: 'interrupted', runId, workflowId }),
  });
  // Fastify's JSON parser refuses an empty body; a bodiless POST /api/logout with a JSON content type is fine.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    if (body === '') return done(null, undefined);
    try {
      done(null, JSON.parse(body as string));
    } catch {
      done(Object.assign(new Error('Invalid JSON body'), { statusCode: 400 }), undefined);
    }
  });
  await app.register(fastifyCookie);
  await app.register(fastifyWebsocket, {
    options: { maxPayload: MAX_FRAME_BYTES },
    // ws has already started the closing handshake (1009, 1007, ...) when it reports an error;
    // terminating here, as the default handler does, could cut the close frame off.
    errorHandler: (error) => app.log.debug({ err: error }, 'websocket error'),
    // Shutdown closes the sockets itself (with 1001) before Fastify closes.
    preClose: (done) => done(),
  });

  const sessionOf = async (request: FastifyRequest): Promise<Session | undefined> => sessions.get(request.cookies[SESSION_COOKIE]);
  // The session the upgrade was accepted with (looked up once, before the upgrade).
  const upgradeSessions = new WeakMap<FastifyRequest, Session>();

  app.addHook('onRequest', async (_request, reply) => {
    if (closing) return sendError(reply, 503, 'SHUTTING_DOWN', 'The server is shutting down.');
    return undefined;
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header(
      'content-security-policy',
      "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    );
    return payload;
  });
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (TransportError.isInstance(error)) {
      // Redis mode: sessions and runs live in Redis.
      request.log.warn({ err: error }, 'shared store unavailable');
      return sendError(reply, 503, 'TRANSPORT_ERROR', 'The shared store is temporarily unavailable; try again shortly.');
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      // Body parser errors (bad JSON, wrong content type, too large) are malformed requests.
      return sendError(reply, status === 413 ? 413 : 400, 'INVALID_REQUEST', 'The request body must be a JSON object.');
    }
    request.log.error({ err: error }, 'request failed');
    return sendError(reply, 500, 'INTERNAL_ERROR', 'Something went wrong.');
  });
  app.setNotFoundHandler((_request, reply) => sendError(reply, 404, 'NOT_FOUND', 'Not found.'));

  app.get('/healthz', async () => ({ status: 'ok' }));

  registerSessionRoutes(app, {
    sessions,
    directory,
    throttle,
    sessionOf,
    sendError,
    // A logout closes the session's sockets and cancels its runs here, and (Redis mode) everywhere else.
    sessionEnded: async (sessionId) => {
      endSessionLocally(sessionId);
      await redis?.sessionEnded(sessionId);
    },
  });
  registerRunRoutes(app, { store, events, sessionOf, sendError, log: app.log });

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
      if (!session || !isSessionLive(session) || closing) {
        socket.close(closing ? CLOSE_CODES.goingAway : CLOSE_CODES.policyViolation, closing ? 'Shutting down' : 'Session ended');
        return;
      }
      const query = SinceQuerySchema.safeParse(request.query);
      // An unparseable `since` is still a replay request: it is answered with REPLAY_UNAVAILABLE.
      const since = query.success ? query.data.since : '';
      const connection = attachClientConnection(
        socket,
        session,
        since,
        {
          ...execution,
          isSessionLive,
          now,
          threadIdOf: (owner) => threadIdOfSession(owner.sessionId),
          maxFramesPerSecond: options.maxFramesPerSecond ?? 100,
          maxBufferedBytes: 4 * 1024 * 1024,
          isClosing: () => closing,
          decide: (request) => decideRun(execution, request),
        },
        (closedConnection) => connections.delete(closedConnection),
      );
      connections.add(connection);
    },
  );

  const staticDir = options.staticDir ?? defaultStaticDir();
  if (hasBuiltPage(staticDir)) {
    await app.register(fastifyStatic, { root: staticDir, index: 'index.html' });
  } else {
    app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(PAGE_NOT_BUILT_HTML));
  }

  const heartbeat = startHeartbeat(app.websocketServer, () => [...connections].map((connection) => connection.socket));
  app.addHook('onClose', async () => heartbeat.stop());

  async function shutdown(): Promise<void> {
    closing = true;
    heartbeat.stop();
    // Before the runs: no timeout starts a resume while they are interrupted (Redis mode: other instances sweep them).
    approvals.close();
    // Each interrupted run is recorded `interrupted`, disposes its engine and tells the user's sockets.
    await runs.interruptAll();
    await closeSockets([...connections].map((connection) => connection.socket));
    await factory.shutdown();
    // After the factory: its shutdown releases the Redis admission leases.
    await events.close();
    await redis?.close();
    await app.close();
  }

  return {
    app,
    factory,
    userIds: directory.userIds,
    mode: redis ? 'redis' : 'memory',
    store,
    async listen(listenOptions = {}) {
      await app.listen({ port: listenOptions.port ?? 0, host: listenOptions.host ?? '127.0.0.1' });
      const address = app.server.address() as AddressInfo;
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      if (redis && !execution.interruptions) {
        execution.interruptions = createRedisInterruptedRunLog({
          client: redis.client,
          keyPrefix: redis.keyPrefix,
          instanceId: options.instanceId ?? defaultInstanceId(hostname(), address.port),
          log: app.log,
        });
        const resumed = await resumeInterruptedRuns({ ...execution, interruptions: execution.interruptions });
        if (resumed > 0) app.log.info({ resumed }, 'resumed the runs this instance interrupted at its last shutdown');
        // Approvals that expired while no instance watched them (this one was down, or theirs is gone).
        await approvals.start();
      }
      return `http://${host}:${address.port}`;
    },
    close() {
      closed ??= shutdown();
      return closed;
    },
  };
}
