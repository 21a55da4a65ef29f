#!/usr/bin/env node
/**
 * `pnpm demo` entry: reads PORT, HOST, BATON_DEMO_USERS, REDIS_URL, BATON_DEMO_ROLE,
 * BATON_DEMO_INSTANCE_ID, BATON_DEMO_LOCK_MS, BATON_DEMO_REDIS_TIMEOUT_MS, BATON_DEMO_MODEL (with OPENAI_API_KEY),
 * BATON_DEMO_WORD_DELAY_MS, BATON_DEMO_APPROVAL_TIMEOUT_MS, BATON_PUBLIC_ORIGIN and
 * BATON_DEMO_TRUST_PROXY (and, for traces, OTEL_EXPORTER_OTLP_ENDPOINT), starts the demo server (in memory, or
 * in Redis mode when REDIS_URL is set), prints the mode, the model, the URL and the accounts, and
 * shuts down gracefully on SIGINT/SIGTERM (exit code 0).
 */
import { hostname } from 'node:os';
import { type ResolvedDemoModel, resolveDemoModel } from './agents/demo-model.js';
import { createDemoServer } from './server/create-demo-server.js';
import { type DemoTelemetry, startDemoTelemetry } from './server/demo-telemetry.js';
import { DEFAULT_DEMO_USERS_SPEC, parseDemoUsers } from './server/demo-users.js';
import { DEFAULT_APPROVAL_TIMEOUT_MS, parseApprovalTimeout } from './server/demo-workflow.js';
import { defaultInstanceId } from './server/instance-id.js';
import { redactRedisUrl } from './server/redis-backend.js';
import { DEMO_ROLES, type DemoRole } from './server/redis-run-tier.js';
import { parseTrustProxy } from './server/trust-proxy.js';
import { DEFAULT_LOCK_DURATION_MS } from './server/worker-tier.js';

const customUsers = process.env.BATON_DEMO_USERS;
const users = parseDemoUsers(customUsers ?? DEFAULT_DEMO_USERS_SPEC);
const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be an integer between 0 and 65535`);

// Empty counts as unset, so `REDIS_URL= pnpm demo` is the memory mode too.
const redisUrl = process.env.REDIS_URL || undefined;
// Redis mode: named in the log line of every run this instance's worker starts, to find the one to kill.
const instanceId = process.env.BATON_DEMO_INSTANCE_ID || defaultInstanceId(hostname(), port);
let server: Awaited<ReturnType<typeof createDemoServer>>;
let reporting: ResolvedDemoModel;
let approvalTimeoutMs: number | undefined;
let role: DemoRole;
let lockDurationMs: number;
let telemetry: DemoTelemetry;
try {
  // First: the SDK must be registered before anything records (the engine factory's tap looks it up as events come).
  telemetry = startDemoTelemetry(process.env);
  role = parseRole(process.env.BATON_DEMO_ROLE, redisUrl);
  lockDurationMs = parseLockDuration(process.env.BATON_DEMO_LOCK_MS);
  reporting = await resolveDemoModel(process.env);
  approvalTimeoutMs = parseApprovalTimeout(process.env.BATON_DEMO_APPROVAL_TIMEOUT_MS);
  const requestLog = process.env.BATON_DEMO_LOG === '1';
  // Empty counts as unset. Behind TLS or a proxy: the address users open, and which proxy to believe.
  const publicOrigin = process.env.BATON_PUBLIC_ORIGIN || undefined;
  const trustProxy = parseTrustProxy(process.env.BATON_DEMO_TRUST_PROXY);
  server = await createDemoServer({
    users,
    ...(publicOrigin === undefined ? {} : { publicOrigin }),
    ...(trustProxy === undefined ? {} : { trustProxy }),
    ...(approvalTimeoutMs === undefined ? {} : { approvalTimeoutMs }),
    // Redis mode logs (info) which instance runs each question; warnings (Redis unreachable, then back;
    // a real model's errors) are worth seeing even without the request log.
    logger: requestLog ? true : redisUrl ? { level: 'info' } : reporting.model ? { level: 'warn' } : false,
    requestLogging: requestLog,
    ...(redisUrl
      ? { redis: { url: redisUrl, ...redisTimeout(process.env.BATON_DEMO_REDIS_TIMEOUT_MS) }, instanceId, role, worker: { lockDurationMs } }
      : {}),
    ...(reporting.model ? { reportingModel: reporting.model } : {}),
    ...(reporting.answerDelayMs === undefined ? {} : { answerDelayMs: reporting.answerDelayMs }),
  });
} catch (error) {
  console.error(`\n  Baton demo could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}

/** `BATON_DEMO_ROLE`: `web`, `worker` or `both` (default); anything but `both` needs REDIS_URL. */
function parseRole(value: string | undefined, redis: string | undefined): DemoRole {
  const given = value || 'both';
  if (!(DEMO_ROLES as readonly string[]).includes(given)) {
    throw new Error(`BATON_DEMO_ROLE must be one of ${DEMO_ROLES.join(', ')} (default both)`);
  }
  if (given !== 'both' && !redis) {
    throw new Error(`BATON_DEMO_ROLE=${given} needs REDIS_URL: web and worker instances share their runs through Redis`);
  }
  return given as DemoRole;
}

/** `BATON_DEMO_REDIS_TIMEOUT_MS`: how long one Redis command may wait for its reply (checked by the server). */
function redisTimeout(value: string | undefined): { commandTimeoutMs?: number } {
  if (!value) return {};
  return { commandTimeoutMs: /^\d+$/.test(value) ? Number(value) : Number.NaN };
}

/** `BATON_DEMO_LOCK_MS`: the worker's job lock, 1000 to 600000 ms (default 10000). */
function parseLockDuration(value: string | undefined): number {
  if (!value) return DEFAULT_LOCK_DURATION_MS;
  const ms = Number(value);
  if (!/^\d+$/.test(value) || ms < 1000 || ms > 600_000) {
    throw new Error('BATON_DEMO_LOCK_MS must be a whole number of milliseconds from 1000 to 600000 (default 10000)');
  }
  return ms;
}
const listening = await server.listen({ port, host });
// A wildcard bind is reachable on loopback; print an address a browser can open.
const url = host === '0.0.0.0' || host === '::' ? listening.replace(/\/\/[^/]+:/, '//127.0.0.1:') : listening;

console.log(
  role === 'worker'
    ? `\n  Baton demo worker is running (health check at ${url}/healthz; no page here)\n`
    : process.env.BATON_PUBLIC_ORIGIN
      ? `\n  Baton demo is running at ${process.env.BATON_PUBLIC_ORIGIN} (BATON_PUBLIC_ORIGIN; listening on ${url}, which answers 421 to any other host name)\n`
      : `\n  Baton demo is running at ${url}\n`,
);
console.log(
  redisUrl
    ? `  Mode: Redis (${redactRedisUrl(redisUrl)}): runs are queued jobs; limits, events, sessions and runs are shared with every instance on it.\n  Role: ${role} (BATON_DEMO_ROLE)${role === 'web' ? '' : `; instance id ${instanceId} (BATON_DEMO_INSTANCE_ID) is logged for every run it takes; a killed worker's runs move to another after about ${Math.round((lockDurationMs * 1.5) / 1000)} s (BATON_DEMO_LOCK_MS)`}.\n`
    : '  Mode: in memory (one process). Set REDIS_URL to run several instances on one Redis.\n',
);
console.log(
  reporting.model
    ? `  Reporting model: ${reporting.label} (each answer is a call to OpenAI).\n`
    : `  Reporting model: ${reporting.label}. Set BATON_DEMO_MODEL=openai:<model> and OPENAI_API_KEY for a real one.\n`,
);
const approvalWait = approvalTimeoutMs ?? DEFAULT_APPROVAL_TIMEOUT_MS;
console.log(
  `  Approvals: a full analysis asks before it drafts the plan; no decision within ${approvalWait % 60_000 === 0 ? `${approvalWait / 60_000} min` : `${approvalWait / 1000} s`} rejects it (BATON_DEMO_APPROVAL_TIMEOUT_MS).\n`,
);
console.log(
  telemetry.tracesEndpoint
    ? `  Traces: OpenTelemetry, exported over OTLP/HTTP to ${telemetry.tracesEndpoint} (OTEL_EXPORTER_OTLP_ENDPOINT).\n`
    : '  Traces: off. Set OTEL_EXPORTER_OTLP_ENDPOINT (e.g. http://127.0.0.1:4318) to export them.\n',
);
console.log('  Demo accounts:');
for (const user of users) {
  // Custom passwords came from the environment: do not echo them into logs.
  console.log(`    ${user.username.padEnd(12)} ${customUsers === undefined ? user.password : '(password from BATON_DEMO_USERS)'}`);
}
console.log('\n  Press Ctrl+C to stop.\n');

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) {
      // A second signal while shutting down: the user wants out now.
      process.exit(1);
    }
    stopping = true;
    console.log(
      `\n  ${signal}: ${redisUrl ? 'letting running runs finish (then handing them to another worker)' : 'interrupting runs'} and closing connections...`,
    );
    server
      .close()
      // After the server: the spans of the runs it interrupted are ended by then, and exported here.
      .then(() => telemetry.shutdown())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          console.error('Shutdown failed:', error);
          process.exit(1);
        },
      );
  });
}
