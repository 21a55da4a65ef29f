import type { AnyAgentDefinition, RunStore } from '@baton/engine-contract';
import type { EngineFactory, EngineLimits } from '@baton/engine-factory';
import type { LanguageModel } from 'ai';
import type { FastifyInstance } from 'fastify';
import type { ScheduleTimer } from './approval-expiry.js';
import type { DemoUserCredentials } from './demo-users.js';
import type { DemoRole } from './redis-run-tier.js';
import type { ActionRateLimit } from './user-action-limiter.js';
import type { DemoWorkerSettings } from './worker-tier.js';

// The options and the handle of `createDemoServer` (create-demo-server.ts builds the server from them).

/** Options of `createDemoServer`; every one has a production default. */
export interface DemoServerOptions {
  /** Demo accounts (default: alice, bob and carol, see `DEFAULT_DEMO_USERS_SPEC`). */
  users?: readonly DemoUserCredentials[];
  /**
   * Clock for sessions, flood detection, the run store (in memory) and the orchestrator: approval
   * expiries and durations (epoch ms). Default `Date.now`. (The login limits use the system clock:
   * `rate-limiter-flexible` keeps their windows.)
   */
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
  /**
   * How long the `actions` stage waits for approval before it fails with `APPROVAL_TIMEOUT` (ms, 1000
   * to 24 h; main.ts: `BATON_DEMO_APPROVAL_TIMEOUT_MS`). Default 10 minutes.
   */
  approvalTimeoutMs?: number;
  /**
   * `false` runs the plain `triageWorkflow`, without the approval gate (the wire stress test, whose
   * plan predates approvals, expects every run to end by itself). Default true: `createDemoWorkflow`.
   */
  approvalGate?: boolean;
  /**
   * Memory mode: schedules approval timeouts. Default: an `unref`'d `setTimeout`. Tests inject a
   * manual one and fire it after moving `now`. (Redis mode: the worker tier's delayed jobs time them out.)
   */
  approvalTimers?: ScheduleTimer;
  /** Engine limits; the demo defaults are 3 engines (= runs) per user and a 20 s deadline per agent call. */
  limits?: Partial<EngineLimits>;
  /** Session lifetime from login (ms). Default 8 hours. */
  sessionTtlMs?: number;
  /**
   * Login limits (429 beyond them): failed logins per client address (`maxFailures`, default 10) and
   * per username from any address (`maxFailuresPerUsername`, default 20: above the per-address one,
   * so one address cannot lock an account out) within `windowMs` (default 5 minutes, whole seconds).
   * Each attempt counts before its password is checked; a successful one is refunded. Redis mode:
   * the counts are shared by every instance.
   */
  loginThrottle?: { maxFailures?: number; windowMs?: number; maxFailuresPerUsername?: number };
  /**
   * Password checks (scrypt, on libuv's thread pool, which also reads the page from disk): `concurrency`
   * at once (default 2 of the pool's 4 threads) and `maxWaiting` waiting (default 8); a login beyond
   * them is answered 503 `SERVER_BUSY` with `Retry-After: 1`.
   */
  passwordChecks?: { concurrency?: number; maxWaiting?: number };
  /**
   * The address users open, e.g. `https://demo.example.com` (main.ts: `BATON_PUBLIC_ORIGIN`). Requests
   * whose Host is not its host get 421 `MISDIRECTED_REQUEST` (except `/healthz`); `Origin` must equal
   * it; https gives the session cookie `Secure`. Default: none; then only `localhost` and IP-address
   * Hosts are answered (any other name could only come through DNS rebinding), and the origin is
   * `http://` plus the Host.
   */
  publicOrigin?: string;
  /**
   * Fastify's `trustProxy` (main.ts: `BATON_DEMO_TRUST_PROXY`): behind a reverse proxy, the client
   * address (for the login limits) and the Host (for `publicOrigin`) are taken from X-Forwarded-For
   * and X-Forwarded-Host. `true` trusts any sender, a string or array the listed proxy addresses or
   * CIDR ranges (`'127.0.0.1,10.0.0.0/8'`). Default: not trusted (the headers are ignored); never trust
   * them when clients can reach the server directly, or anyone can pick the address they are counted under.
   */
  trustProxy?: boolean | string | string[];
  /**
   * Schedules the socket heartbeat (every 30 s: pings, and re-checks each socket's session) and the
   * close of each socket at its session's expiry. Default: an `unref`'d `setTimeout`. Tests inject
   * `ManualTimers` and fire them after moving `now`.
   */
  socketTimers?: ScheduleTimer;
  /** Events held per user for `?since=` replay. Default 2000. */
  replayBufferSize?: number;
  /** Frames per second a socket may send before it is closed with 1008. Default 100. */
  maxFramesPerSecond?: number;
  /**
   * Open sockets per session (one login: the tabs of one browser) on this instance; one more is
   * closed at once with 1008 and the reason `Too many open sockets for this login (at most 8); close
   * a tab`. Default 8.
   */
  maxSocketsPerSession?: number;
  /** Open sockets per user, all sessions together, on this instance; beyond: 1008 likewise. Default 16. */
  maxSocketsPerUser?: number;
  /**
   * A token bucket per user (shared by the user's sockets on this instance) on the frames that cost
   * work: `ask`, `cancel` and `decide`. Over it, the frame is answered with an `error` frame
   * `TOO_MANY_REQUESTS` (the socket stays open). Default `{ burst: 20, perSecond: 2 }`.
   */
  actionRateLimit?: ActionRateLimit;
  /** scrypt cost N. Default 2^17 (OWASP's minimum, 128 MiB per check); tests lower it. */
  scryptCost?: number;
  /** Folder with the built page (default `apps/demo/dist/public`). */
  staticDir?: string;
  /**
   * Fastify logger: false (default) or true / pino options (`stream`: where the JSON lines go, default
   * stdout). The engine factory logs through it too (engine warnings with their `engineId` and `userId`).
   */
  logger?: boolean | { level: string; stream?: { write(line: string): void } };
  /** Whether Fastify logs every request (when `logger` is on). Default true; main.ts turns it on with `BATON_DEMO_LOG=1`. */
  requestLogging?: boolean;
  /**
   * Where every run is recorded (`GET /api/runs`, and resume after a restart in Redis mode). Default:
   * an `InMemoryRunStore` on the server's clock in memory mode, `createRedisRunStore` on the demo's
   * Redis client and key prefix in Redis mode. Tests inject one to look inside.
   */
  store?: RunStore;
  /**
   * Redis mode: this instance's id (main.ts: `BATON_DEMO_INSTANCE_ID`), named in the log line of every
   * run its worker starts or resumes. 1 to 128 of `A-Z a-z 0-9 . _ : -`. Default: the host name and
   * the port it listens on (`host:port`).
   */
  instanceId?: string;
  /**
   * Redis mode: what this instance does (main.ts: `BATON_DEMO_ROLE`). `web`: the page, the API and
   * the sockets; asks become jobs of the shared BullMQ queue. `worker`: runs those jobs (and serves
   * only `GET /healthz`). `both` (default): both. Without `redis` only `both` is accepted.
   */
  role?: DemoRole;
  /** Redis mode, roles `worker` and `both`: the worker's lock, grace and concurrency (see `DemoWorkerSettings`). */
  worker?: DemoWorkerSettings;
  /**
   * Redis mode (several instances sharing one Redis). Without it the demo runs in memory, in one
   * process. With it: asks are BullMQ jobs that the worker instances run (@baton/bullmq), the
   * per-user limit holds across instances (`createRedisAdmission`), every event goes through the
   * user's Redis Stream (`createRedisEventBus`), sessions and runs are shared, and cancels and
   * decisions reach the run on whichever worker runs it. `createDemoServer` rejects when Redis cannot be
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
  /**
   * How long one Redis command may wait for its reply before it fails (ms; main.ts:
   * `BATON_DEMO_REDIS_TIMEOUT_MS`). A Redis that hangs instead of refusing (a network partition, a
   * stopped host) is then handled as one that went away: `TRANSPORT_ERROR` frames, known sessions
   * still served, `close()` finishing. BullMQ's worker connection gets 11 s more (its blocking reads
   * wait up to that long by design). Default 5000.
   */
  commandTimeoutMs?: number;
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
  /** What this instance does (always `both` in memory mode). */
  readonly role: DemoRole;
  /** Where every run is recorded (`options.store`, or the default, behind the demo's best-effort writes). */
  readonly store: RunStore;
  /**
   * Starts listening; resolves with the base URL (`http://127.0.0.1:54321`). Port 0 picks a free one.
   * Redis mode, roles `worker` and `both`: then starts the worker, which takes runs from the queue.
   */
  listen(options?: { port?: number; host?: string }): Promise<string>;
  /**
   * Graceful shutdown: refuses new requests and asks; memory mode: stops the approval timers and
   * interrupts every run (the store marks it `interrupted`; the user's sockets get an `interrupted`
   * frame), waiting also for asks still creating their engine (they get `SHUTTING_DOWN`); Redis mode: closes the worker (running runs get its grace, then are recorded `interrupted`
   * and handed back to the queue, where another worker resumes them). Then closes every socket with
   * 1001, shuts the factory down, and stops the HTTP server. Idempotent.
   */
  close(): Promise<void>;
}

/** The demo's engine limits: three concurrent runs per user, as the protocol promises. */
export const DEMO_ENGINE_LIMITS = Object.freeze({
  maxEnginesPerUser: 3,
  runTimeoutMs: 20_000,
  disposeTimeoutMs: 2_000,
}) satisfies Partial<EngineLimits>;
