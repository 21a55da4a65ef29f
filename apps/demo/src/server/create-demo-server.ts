import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { type AnyAgentDefinition, InMemoryRunStore, type RunStore, TransportError } from '@baton/engine-contract';
import { createEngineFactory, type EngineFactory, type EngineLimits } from '@baton/engine-factory';
import { fastifyCookie } from '@fastify/cookie';
import { fastifyStatic } from '@fastify/static';
import { fastifyWebsocket } from '@fastify/websocket';
import type { LanguageModel } from 'ai';
import { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest, fastify } from 'fastify';
import type { WebSocket } from 'ws';
import { z } from 'zod';
import { createDemoAgents } from '../agents/create-demo-agents.js';
import { BestEffortRunStore } from './best-effort-run-store.js';
import { attachClientConnection, CLOSE_CODES, type ClientConnection } from './client-connection.js';
import { DEFAULT_DEMO_USERS_SPEC, type DemoUserCredentials, parseDemoUsers } from './demo-users.js';
import { type EventDelivery, InMemoryEventDelivery } from './event-delivery.js';
import { createRedisInterruptedRunLog, defaultInstanceId, INSTANCE_ID_PATTERN } from './interrupted-run-log.js';
import { LoginThrottle } from './login-throttle.js';
import { isOwnOrigin } from './origin-policy.js';
import { DEFAULT_SCRYPT_COST } from './password-hasher.js';
import { type DemoErrorCode, httpError, LoginBodySchema, MAX_FRAME_BYTES } from './protocol.js';
import { openRedisBackend, type RedisBackend } from './redis-backend.js';
import { resumeInterruptedRuns } from './resume-interrupted-runs.js';
import type { RunExecutionDependencies } from './run-execution.js';
import { RunRegistry } from './run-registry.js';
import { registerRunRoutes } from './run-routes.js';
import type { SessionBackend } from './session-backend.js';
import { type Session, SessionStore } from './session-store.js';
import { threadIdOfSession } from './session-thread.js';
import { defaultStaticDir, hasBuiltPage, PAGE_NOT_BUILT_HTML } from './static-site.js';
import { createUserDirectory } from './user-directory.js';
import { UserEventHub } from './user-event-hub.js';

/** The cookie that carries the session token. */
export const SESSION_COOKIE = 'baton_session';

/** Options of `createDemoServer`; every one has a production default. */
export interface DemoServerOptions {
  /** Demo accounts (default: alice, bob and carol, see `DEFAULT_DEMO_USERS_SPEC`). */
  users?: readonly DemoUserCredentials[];
  /** Clock for sessions, login throttling and flood detection (epoch ms). Default `Date.now`. */
  now?: () => number;
  /** Scales every agent pause (default 1; tests use 0 for speed, or more to keep runs in flight). */
  delayScale?: number;
  /**
   * The model that writes the reporting stage's answer (main.ts: `BATON_DEMO_MODEL`). Default: the
   * offline scripted model, which streams the composed answer word by word.
   */
  reportingModel?: LanguageModel;
  /** Milliseconds between the scripted answer's words. Default 15 times `delayScale`. */
  answerDelayMs?: number;
  /** Replaces the demo agents (they must still be the six `triageWorkflow` needs). */
  agents?: AnyAgentDefinition[];
  /** Engine limits; the demo defaults are 3 engines (= runs) per user and a 20 s deadline per agent call. */
  limits?: Partial<EngineLimits>;
  /** Session lifetime from login (ms). Default 8 hours. */
  sessionTtlMs?: number;
  /** Failed logins per address per window before 429. Default 10 per 5 minutes. */
  loginThrottle?: { maxFailures?: number; windowMs?: number };
  /** Events held per user for `?since=` replay. Default 2000. */
  replayBufferSize?: number;
  /** Frames per second a socket may send before it is closed with 1008. Default 100. */
  maxFramesPerSecond?: number;
  /** scrypt cost N. Default 2^14; tests lower it. */
  scryptCost?: number;
  /** Folder with the built page (default `apps/demo/dist/public`). */
  staticDir?: string;
  /** Fastify logger: false (default) or true / pino options. */
  logger?: boolean | { level: string };
  /**
   * Where every run is recorded (`GET /api/runs`, and resume after a restart in Redis mode). Default:
   * an `InMemoryRunStore` on the server's clock in memory mode, `createRedisRunStore` on the demo's
   * Redis client and key prefix in Redis mode. Tests inject one to look inside.
   */
  store?: RunStore;
  /**
   * Redis mode: this instance's id (main.ts: `BATON_DEMO_INSTANCE_ID`). At shutdown the instance notes
   * the runs it interrupted under this id, and at `listen` it resumes those noted under it, so a
   * restart with the same id continues its runs. 1 to 128 of `A-Z a-z 0-9 . _ : -`. Default: the host
   * name and the port it listens on (`host:port`).
   */
  instanceId?: string;
  /**
   * Redis mode (several instances sharing one Redis). Without it the demo runs in memory, in one
   * process. With it: the per-user limit holds across instances (`createRedisAdmission`), every
   * event goes through the user's Redis Stream (`createRedisEventBus`), sessions are shared, and a
   * cancel reaches the instance running the run. `createDemoServer` rejects when Redis cannot be
   * reached at start-up; later outages are reported to the users and survived.
   */
  redis?: DemoRedisOptions;
}

/** Redis-mode options of `createDemoServer`. */
export interface DemoRedisOptions {
  /** `redis://` or `rediss://` URL (main.ts takes it from `REDIS_URL`). */
  url: string;
  /** Prefix of every key and channel. Default `'baton:'`; instances that should share users must share it. */
  keyPrefix?: string;
  /** Back-off while Redis is unreachable (ms). Default 100 → 2000. */
  retryDelayMs?: { min: number; max: number };
  /** Longest wait for a run's last event to come back from Redis before `result` is sent anyway (ms). Default 5000. */
  resultWaitMs?: number;
}

/** A running (or ready to listen) demo server. */
export interface DemoServer {
  /** The Fastify instance (for `inject` in tests, or extra routes). */
  readonly app: FastifyInstance;
  /** The one engine factory every user's engines come from. */
  readonly factory: EngineFactory;
  /** The configured user ids. */
  readonly userIds: readonly string[];
  /** `memory` (one process) or `redis` (instances share users, limits, events, sessions and runs through Redis). */
  readonly mode: 'memory' | 'redis';
  /** Where every run is recorded (`options.store`, or the default, behind the demo's best-effort writes). */
  readonly store: RunStore;
  /**
   * Starts listening; resolves with the base URL (`http://127.0.0.1:54321`). Port 0 picks a free one.
   * Redis mode: then resumes the runs this instance (`instanceId`) interrupted at its last shutdown,
   * and resolves once they have started.
   */
  listen(options?: { port?: number; host?: string }): Promise<string>;
  /**
   * Graceful shutdown: refuses new requests and asks, interrupts every run (the store marks it
   * `interrupted`; the user's sockets get an `interrupted` frame; Redis mode: noted for this
   * instance's next start), closes every socket with 1001, shuts the factory down, and stops the HTTP
   * server. Idempotent.
   */
  close(): Promise<void>;
}

/** The demo's engine limits: three concurrent runs per user, as the protocol promises. */
export const DEMO_ENGINE_LIMITS = Object.freeze({
  maxEnginesPerUser: 3,
  runTimeoutMs: 20_000,
  disposeTimeoutMs: 2_000,
}) satisfies Partial<EngineLimits>;

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

  const app = fastify({ logger: options.logger ?? false, bodyLimit: MAX_FRAME_BYTES });
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
  // Shared by every ask and resume; `interruptions` is set at `listen`, once the instance id is known.
  const execution: RunExecutionDependencies = { events, runs, store, cluster: redis, log: app.log };
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

  const sendError = (reply: FastifyReply, status: number, code: DemoErrorCode, message: string) =>
    reply.code(status).type('application/json').send(httpError(code, message));
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

  // State-changing requests from another site carry a foreign Origin: refuse them (SameSite=Strict
  // already keeps the cookie away; this also covers a login CSRF).
  const refuseForeignOrigin = async (request: FastifyRequest, reply: FastifyReply) => {
    const origin = request.headers.origin;
    if (origin !== undefined && !isOwnOrigin(origin, request.headers.host)) {
      return sendError(reply, 403, 'FORBIDDEN_ORIGIN', 'Cross-origin requests are not allowed.');
    }
    return undefined;
  };

  app.get('/healthz', async () => ({ status: 'ok' }));

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
    if (session) {
      endSessionLocally(session.sessionId);
      await redis?.sessionEnded(session.sessionId);
    }
    reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'strict' });
    return { status: 'logged_out' };
  });

  app.get('/api/me', async (request, reply) => {
    const session = await sessionOf(request);
    if (!session) return sendError(reply, 401, 'UNAUTHORIZED', 'Not logged in.');
    return { userId: session.userId };
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
          factory,
          isSessionLive,
          now,
          threadIdOf: (owner) => threadIdOfSession(owner.sessionId),
          maxFramesPerSecond: options.maxFramesPerSecond ?? 100,
          maxBufferedBytes: 4 * 1024 * 1024,
          isClosing: () => closing,
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

  // Dead peers (a laptop lid closed) never send a close frame; ping them and drop those that stay silent.
  const alive = new WeakSet<object>();
  const heartbeat = setInterval(() => {
    for (const { socket } of connections) {
      if (!alive.has(socket)) {
        socket.terminate();
        continue;
      }
      alive.delete(socket);
      socket.ping();
    }
  }, 30_000);
  heartbeat.unref();
  app.addHook('onClose', async () => clearInterval(heartbeat));
  app.websocketServer.on('connection', (socket) => {
    alive.add(socket);
    socket.on('pong', () => alive.add(socket));
  });

  async function shutdown(): Promise<void> {
    closing = true;
    clearInterval(heartbeat);
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
        const resumed = await resumeInterruptedRuns({ ...execution, factory, interruptions: execution.interruptions });
        if (resumed > 0) app.log.info({ resumed }, 'resumed the runs this instance interrupted at its last shutdown');
      }
      return `http://${host}:${address.port}`;
    },
    close() {
      closed ??= shutdown();
      return closed;
    },
  };
}

/** Closes sockets with 1001 and waits for the handshake; sockets that do not answer in time are cut. */
async function closeSockets(sockets: readonly WebSocket[], timeoutMs = 2000): Promise<void> {
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
