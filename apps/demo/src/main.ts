#!/usr/bin/env node
/**
 * `pnpm demo` entry: reads PORT, HOST, BATON_DEMO_USERS, REDIS_URL, BATON_DEMO_INSTANCE_ID,
 * BATON_DEMO_MODEL (with OPENAI_API_KEY), BATON_DEMO_WORD_DELAY_MS and BATON_DEMO_APPROVAL_TIMEOUT_MS,
 * starts the demo server (in
 * memory, or in Redis mode when REDIS_URL is set), prints the mode, the model, the URL and the
 * accounts, and shuts down gracefully on SIGINT/SIGTERM (runs in flight are interrupted; exit code 0).
 */
import { hostname } from 'node:os';
import { type ResolvedDemoModel, resolveDemoModel } from './agents/demo-model.js';
import { createDemoServer } from './server/create-demo-server.js';
import { DEFAULT_DEMO_USERS_SPEC, parseDemoUsers } from './server/demo-users.js';
import { DEFAULT_APPROVAL_TIMEOUT_MS, parseApprovalTimeout } from './server/demo-workflow.js';
import { defaultInstanceId } from './server/interrupted-run-log.js';
import { redactRedisUrl } from './server/redis-backend.js';

const customUsers = process.env.BATON_DEMO_USERS;
const users = parseDemoUsers(customUsers ?? DEFAULT_DEMO_USERS_SPEC);
const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be an integer between 0 and 65535`);

// Empty counts as unset, so `REDIS_URL= pnpm demo` is the memory mode too.
const redisUrl = process.env.REDIS_URL || undefined;
// Redis mode: a restart with the same id resumes the runs this instance interrupted when it stopped.
const instanceId = process.env.BATON_DEMO_INSTANCE_ID || defaultInstanceId(hostname(), port);
let server: Awaited<ReturnType<typeof createDemoServer>>;
let reporting: ResolvedDemoModel;
let approvalTimeoutMs: number | undefined;
try {
  reporting = await resolveDemoModel(process.env);
  approvalTimeoutMs = parseApprovalTimeout(process.env.BATON_DEMO_APPROVAL_TIMEOUT_MS);
  server = await createDemoServer({
    users,
    ...(approvalTimeoutMs === undefined ? {} : { approvalTimeoutMs }),
    // Warnings (Redis unreachable, then back; a real model's errors) are worth seeing even without the request log.
    logger: process.env.BATON_DEMO_LOG === '1' ? true : redisUrl || reporting.model ? { level: 'warn' } : false,
    ...(redisUrl ? { redis: { url: redisUrl }, instanceId } : {}),
    ...(reporting.model ? { reportingModel: reporting.model } : {}),
    ...(reporting.answerDelayMs === undefined ? {} : { answerDelayMs: reporting.answerDelayMs }),
  });
} catch (error) {
  console.error(`\n  Baton demo could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
const listening = await server.listen({ port, host });
// A wildcard bind is reachable on loopback; print an address a browser can open.
const url = host === '0.0.0.0' || host === '::' ? listening.replace(/\/\/[^/]+:/, '//127.0.0.1:') : listening;

console.log(`\n  Baton demo is running at ${url}\n`);
console.log(
  redisUrl
    ? `  Mode: Redis (${redactRedisUrl(redisUrl)}): limits, events, sessions and runs are shared with every instance on it.\n  Instance id: ${instanceId} (BATON_DEMO_INSTANCE_ID): a restart with this id resumes the runs it interrupted.\n`
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
    console.log(`\n  ${signal}: interrupting runs and closing connections...`);
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('Shutdown failed:', error);
        process.exit(1);
      },
    );
  });
}
