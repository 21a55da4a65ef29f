import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { InMemoryRunStore, type RunStore, TransportError } from '@baton/engine-contract';
import { createEngineFactory } from '@baton/engine-factory';
import { triageWorkflow } from '@baton/orchestrator';
import { createOtelEventTap } from '@baton/otel';
import { fastifyCookie } from '@fastify/cookie';
import { fastifyStatic } from '@fastify/static';
import { fastifyWebsocket } from '@fastify/websocket';
import { type FastifyError, type FastifyReply, type FastifyRequest, fastify, LogController } from 'fastify';
import { createDemoAgents } from '../agents/create-demo-agents.js';
import { ApprovalExpiry } from './approval-expiry.js';
import { runAsk } from './ask-runner.js';
import { BestEffortRunStore } from './best-effort-run-store.js';
import { CLOSE_CODES, type ClientConnection } from './client-connection.js';
import { DEMO_ENGINE_LIMITS, type DemoServer, type DemoServerOptions } from './demo-server-options.js';
import { DEFAULT_DEMO_USERS_SPEC, parseDemoUsers } from './demo-users.js';
import { createDemoWorkflow } from './demo-workflow.js';
import { type EventDelivery, InMemoryEventDelivery } from './event-delivery.js';
import { defaultInstanceId, INSTANCE_ID_PATTERN } from './instance-id.js';
import { checkLoginLimits, LoginThrottle } from './login-throttle.js';
import { createOriginPolicy } from './origin-policy.js';
import { PasswordCheckQueue } from './password-check-queue.js';
import { DEFAULT_SCRYPT_COST } from './password-hasher.js';
import { type DemoErrorCode, httpError, MAX_FRAME_BYTES, type ServerFrame } from './protocol.js';
import { openRedisBackend, type RedisBackend } from './redis-backend.js';
import { redisCommandTimeoutMs } from './redis-connection-settings.js';
import { createRedisRunTier, DEMO_ROLES, type RedisRunTier } from './redis-run-tier.js';
import { decideRun, expireRun, type RunDecisionDependencies } from './run-decisions.js';
import { runEndFrameAfter } from './run-end-frame.js';
import { RunRegistry } from './run-registry.js';
import { registerRunRoutes } from './run-routes.js';
import type { SessionBackend } from './session-backend.js';
import { registerSessionRoutes, SESSION_COOKIE } from './session-routes.js';
import { type Session, SessionStore } from './session-store.js';
import { threadIdOfSession } from './session-thread.js';
import { closeAtSessionExpiry, closeSockets, startHeartbeat } from './socket-lifecycle.js';
import { DEFAULT_MAX_SOCKETS_PER_SESSION, DEFAULT_MAX_SOCKETS_PER_USER, SocketQuota } from './socket-quota.js';
import { registerSocketRoute } from './socket-route.js';
import { defaultStaticDir, hasBuiltPage, PAGE_NOT_BUILT_HTML } from './static-site.js';
import { UserActionLimiter } from './user-action-limiter.js';
import { createUserDirectory } from './user-directory.js';
import { UserEventHub } from './user-event-hub.js';

export { DEMO_ENGINE_LIMITS, type DemoRedisOptions, type DemoServer, type DemoServerOptions } from './demo-server-options.js';
export type { DemoRole } from './redis-run-tier.js';

export { SESSION_COOKIE } from './session-routes.js';

/** Memory mode: cancels one of the user's runs in this process; an unknown and a foreign runId get the same answer. */
function cancelLocalRun(runs: RunRegistry, session: Session, runId: string, reply: (frame: ServerFrame) => void): void {
  if (runs.cancel(runId, session.userId)) return;
  reply({ type: 'error', code: 'UNKNOWN_RUN', message: 'No run of yours has this runId (it may have finished).' });
}

/** Name and message of a model error, for the log. */
function describeModelError(error: unknown): { name: string; message: string } {
  return error instanceof Error
    ? { name: error.name, message: error.message.slice(0, 500) }
    : { name: 'NonError', message: String(error).slice(0, 500) };
}

/**
 * Builds the demo server: login with scrypt-hashed passwords, server-side sessions, the page, and the
 * `/ws` protocol (see `docs`: apps/demo/README.md). Every ask gets its own execution context and
 * engine from one factory (in Redis mode on a worker instance, through the BullMQ queue); every
 * user's events go to that user's sockets only.
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
  const role = options.role ?? 'both';
  if (!DEMO_ROLES.includes(role)) throw new Error(`The role (BATON_DEMO_ROLE) must be one of ${DEMO_ROLES.join(', ')}`);
  if (role !== 'both' && !options.redis) {
    throw new Error(
      `BATON_DEMO_ROLE=${role} needs REDIS_URL: separate web and worker instances share their runs through Redis (in memory the one process does both)`,
    );
  }
  const servesWeb = role !== 'worker';
  const now = options.now ?? Date.now;
  // Checked before anything is opened: a bad timeout stops the start-up with a message naming the variable.
  const workflow = options.approvalGate === false ? triageWorkflow : createDemoWorkflow({ approvalTimeoutMs: options.approvalTimeoutMs });
  const users = options.users ?? parseDemoUsers(DEFAULT_DEMO_USERS_SPEC);
  // Checked before anything is opened, like the timeout above.
  const originPolicy = createOriginPolicy(options.publicOrigin);
  const passwordChecks = new PasswordCheckQueue({
    concurrency: options.passwordChecks?.concurrency ?? 2,
    maxWaiting: options.passwordChecks?.maxWaiting ?? 8,
  });
  const loginLimits = checkLoginLimits({
    maxFailuresPerAddress: options.loginThrottle?.maxFailures ?? 10,
    maxFailuresPerUsername: options.loginThrottle?.maxFailuresPerUsername ?? 20,
    windowMs: options.loginThrottle?.windowMs ?? 5 * 60 * 1000,
  });
  const directory = await createUserDirectory(users, options.scryptCost ?? DEFAULT_SCRYPT_COST);
  const sessionTtlMs = options.sessionTtlMs ?? 8 * 60 * 60 * 1000;
  // Per-user bounds (checked here, before anything is opened): sockets per session and per user, and
  // a token bucket per user on asks, cancels and decisions.
  const sockets = new SocketQuota({
    perSession: options.maxSocketsPerSession ?? DEFAULT_MAX_SOCKETS_PER_SESSION,
    perUser: options.maxSocketsPerUser ?? DEFAULT_MAX_SOCKETS_PER_USER,
  });
  const actions = new UserActionLimiter(options.actionRateLimit ?? {}, now);
  const runs = new RunRegistry();
  const connections = new Set<ClientConnection>();
  let closing = false;
  let closed: Promise<void> | undefined;

  const sendError = (reply: FastifyReply, status: number, code: DemoErrorCode, message: string) =>
    reply.code(status).type('application/json').send(httpError(code, message));
  const app = fastify({
    logger: options.logger ?? false,
    ...(options.requestLogging === false ? { logController: new LogController({ disableRequestLogging: true }) } : {}),
    bodyLimit: MAX_FRAME_BYTES,
    // Behind a reverse proxy: `request.ip` (the login limits) and `request.host` (the origin check)
    // come from X-Forwarded-For / X-Forwarded-Host, which only a trusted proxy may set.
    ...(options.trustProxy === undefined ? {} : { trustProxy: options.trustProxy }),
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
        commandTimeoutMs: redisCommandTimeoutMs(options.redis),
        sessionTtlMs,
        now,
        log: app.log,
      })
    : undefined;
  // Redis mode: the login limits hold across instances.
  const throttle = new LoginThrottle({ ...loginLimits, ...(redis ? { redis: { client: redis.client, keyPrefix: redis.keyPrefix } } : {}) });
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
  // Redis mode: runs are BullMQ jobs; the worker writes the records without the best-effort wrapper
  // (a skipped write would make a resumed run start over).
  const tier: RedisRunTier | undefined =
    redis && options.redis
      ? createRedisRunTier({
          redis,
          url: options.redis.url,
          commandTimeoutMs: redisCommandTimeoutMs(options.redis),
          role,
          store: options.store ?? redis.runStore,
          workflow,
          sessionTtlMs,
          now,
          threadIdOf: (owner) => threadIdOfSession(owner.sessionId),
          worker: options.worker,
          log: app.log,
        })
      : undefined;
  // A socket's `result` follows its run's last event, read from the record (the run ran elsewhere).
  redis?.delivery.setRunEndFrames((event) => runEndFrameAfter(store, event));
  // Traces and metrics of every run when an OpenTelemetry SDK is registered (main.ts starts one when
  // OTEL_EXPORTER_OTLP_ENDPOINT is set); without one it records and keeps nothing.
  const otelTap = createOtelEventTap();
  const factory = createEngineFactory({
    // Engine warnings become JSON lines of the server log, with their engineId and userId as fields.
    logger: app.log,
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
    // Each tap on its own: one that throws does not keep an event from the others.
    onEvent: redis ? [redis.delivery.publish, (event) => tier?.onEvent(event), otelTap] : [otelTap],
    ...(redis ? { admission: redis.admission } : {}),
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
  // Memory mode: every ask, decision and timeout runs in this process.
  const execution: RunDecisionDependencies = { events, runs, store, workflow, now, factory, resuming: new Set(), log: app.log };
  const approvals = redis
    ? undefined
    : new ApprovalExpiry({
        store,
        now,
        expire: (workflowId) => expireRun(execution, workflowId),
        ...(options.approvalTimers ? { schedule: options.approvalTimers } : {}),
        log: app.log,
      });
  execution.approvals = approvals;
  redis?.setControlHandlers({ logout: endSessionLocally });
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

  const ownOriginOf = (request: FastifyRequest): string | undefined => originPolicy.ownOrigin(request.host);
  app.addHook('onRequest', async (request, reply) => {
    if (closing) return sendError(reply, 503, 'SHUTTING_DOWN', 'The server is shutting down.');
    // DNS rebinding: a Host this server is not (any name but its public origin's) gets nothing but
    // 421. Health probes address the instance directly, whatever its public name.
    if (request.routeOptions.url !== '/healthz' && ownOriginOf(request) === undefined) {
      return sendError(
        reply,
        421,
        'MISDIRECTED_REQUEST',
        'This server does not answer for this host name. Open it at its public origin (set BATON_PUBLIC_ORIGIN on the server).',
      );
    }
    return undefined;
  });
  app.addHook('onSend', async (request, reply, payload) => {
    // A refused WebSocket upgrade: @fastify/websocket destroys the connection after the answer, so
    // say so rather than let a keep-alive client reuse it.
    if (request.ws) reply.header('connection', 'close');
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
    if (status === 413) {
      return sendError(reply, 413, 'INVALID_REQUEST', `The request body is too large (at most ${MAX_FRAME_BYTES / 1024} KiB).`);
    }
    if (status >= 400 && status < 500) {
      // Body parser errors (bad JSON, wrong content type) are malformed requests.
      return sendError(reply, 400, 'INVALID_REQUEST', 'The request body must be a JSON object.');
    }
    request.log.error({ err: error }, 'request failed');
    return sendError(reply, 500, 'INTERNAL_ERROR', 'Something went wrong.');
  });
  app.setNotFoundHandler((_request, reply) => sendError(reply, 404, 'NOT_FOUND', 'Not found.'));

  app.get('/healthz', async () => ({ status: 'ok' }));

  // A worker-only instance serves `/healthz` alone (for orchestration); everything a user talks to is on web instances.
  if (servesWeb) {
    registerSessionRoutes(app, {
      sessions,
      directory,
      throttle,
      passwordChecks,
      ownOriginOf,
      secureCookies: originPolicy.secureCookies,
      sessionOf,
      sendError,
      // A logout closes the session's sockets and cancels its runs here, and (Redis mode) everywhere else.
      sessionEnded: async (sessionId) => {
        endSessionLocally(sessionId);
        await Promise.all([redis?.sessionEnded(sessionId), tier?.sessionEnded(sessionId)]);
      },
    });
    registerRunRoutes(app, { store, events, sessionOf, sendError, log: app.log });
    registerSocketRoute(app, {
      sessionOf,
      sendError,
      connections,
      quota: sockets,
      ownOriginOf,
      onOpen: (connection) => closeAtSessionExpiry(connection, now, options.socketTimers),
      connection: {
        events,
        isSessionLive,
        now,
        maxFramesPerSecond: options.maxFramesPerSecond ?? 100,
        actions,
        maxBufferedBytes: 4 * 1024 * 1024,
        isClosing: () => closing,
        log: app.log,
        // Redis mode: the worker tier runs every run, on any instance; memory mode: this process.
        // Tracked: a shutdown waits for an ask whose engine is still being created.
        ask: tier
          ? tier.ask
          : (request) => runs.track(runAsk({ ...execution, threadIdOf: (owner) => threadIdOfSession(owner.sessionId) }, request)),
        cancel: tier ? tier.cancel : async ({ session, runId, reply }) => cancelLocalRun(runs, session, runId, reply),
        decide: tier ? tier.decide : (request) => runs.track(decideRun(execution, request)),
      },
    });
    const staticDir = options.staticDir ?? defaultStaticDir();
    if (hasBuiltPage(staticDir)) {
      await app.register(fastifyStatic, { root: staticDir, index: 'index.html' });
    } else {
      app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(PAGE_NOT_BUILT_HTML));
    }
  }

  const heartbeat = startHeartbeat(app.websocketServer, {
    connections: () => connections,
    // Redis mode: looked up again, for a logout whose control message this instance missed.
    isSessionCurrent: async (session) =>
      isSessionLive(session) && (memorySessions !== undefined || (await sessions.get(session.token)) !== undefined),
    ...(options.socketTimers ? { schedule: options.socketTimers } : {}),
  });
  app.addHook('onClose', async () => heartbeat.stop());

  async function shutdown(): Promise<void> {
    closing = true;
    heartbeat.stop();
    // Before the runs: no timeout starts a resume while they are interrupted.
    approvals?.close();
    // Memory mode: each interrupted run is recorded `interrupted`, disposes its engine and tells the user's sockets.
    await runs.interruptAll();
    // Redis mode: running runs get the worker's grace (their events still reach the sockets), then are
    // recorded `interrupted` and handed back to the queue, where another worker resumes them.
    await tier?.closeWorker();
    await closeSockets([...connections].map((connection) => connection.socket));
    await tier?.close();
    await factory.shutdown();
    // Interrupted runs end without workflow_completed: close their spans (as errors) so that they are exported.
    otelTap.endOpenSpans();
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
    role,
    store,
    async listen(listenOptions = {}) {
      await app.listen({ port: listenOptions.port ?? 0, host: listenOptions.host ?? '127.0.0.1' });
      const address = app.server.address() as AddressInfo;
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      tier?.start(factory, options.instanceId ?? defaultInstanceId(hostname(), address.port));
      return `http://${host}:${address.port}`;
    },
    close() {
      closed ??= shutdown();
      return closed;
    },
  };
}
