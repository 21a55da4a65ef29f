// A worker machine of the BullMQ worker tier, for the kill-a-worker tests: a factory with the Redis
// admission (per-user limits across every worker) whose events go to the users' Redis streams, a
// Redis run store, and createWorkflowWorker. Plain ESM on the built packages, as a deployment runs.
// It reports on stdout, one JSON object per line (a pipe write is synchronous on Linux, so every line
// written before a SIGKILL reaches the parent): { kind: 'ready' } once the worker runs,
// { kind: 'call', worker, stage, userId, runId } when a stage's agent starts, { kind: 'closed' }
// after a graceful close (SIGTERM), { kind: 'error', message } for what the worker reports.
//
// argv[2] is JSON: { name, redisUrl, queueName, prefix, keyPrefix, concurrency, lockDurationMs,
// stalledIntervalMs, closeGraceMs, leaseTtlMs, maxEnginesPerUser, hang?: { stage } }.
// With `hang`, that stage never finishes on this worker (the parent kills or closes it there);
// otherwise each stage yields to the event loop a few times, so that runs overlap.
import { createWorkflowWorker } from '@baton/bullmq';
import { defineAgent } from '@baton/engine-contract';
import { createEngineFactory } from '@baton/engine-factory';
import { defineWorkflow } from '@baton/orchestrator';
import { createRedisAdmission, createRedisEventBus, createRedisRunStore } from '@baton/redis';

const config = JSON.parse(process.argv[2]);
const report = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);
const STAGES = ['collect', 'clean', 'analyse', 'summarise', 'publish'];

const agents = STAGES.map((name) =>
  defineAgent({
    name,
    async run(input, ctx) {
      const { userId, runId } = ctx.userContext;
      report({ kind: 'call', worker: config.name, stage: name, userId, runId });
      if (config.hang?.stage === name) await new Promise(() => {});
      for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve));
      return { stage: name, seen: Object.keys(input.previous), request: input.request };
    },
  }),
);
const workflow = defineWorkflow({ id: 'five-stages', stages: STAGES });
const { redisUrl, keyPrefix } = config;
const bus = createRedisEventBus({ redis: redisUrl, keyPrefix });
const admission = createRedisAdmission({ redis: redisUrl, keyPrefix, leaseTtlMs: config.leaseTtlMs });
const store = createRedisRunStore({ redis: redisUrl, keyPrefix });
const factory = createEngineFactory({
  agents,
  admission,
  limits: { maxEnginesPerUser: config.maxEnginesPerUser },
  onEvent: bus.publish,
});
const url = new URL(redisUrl);
const worker = createWorkflowWorker({
  connection: { host: url.hostname, port: Number(url.port) },
  queueName: config.queueName,
  prefix: config.prefix,
  factory,
  workflows: { 'five-stages': workflow },
  store,
  concurrency: config.concurrency,
  lockDurationMs: config.lockDurationMs,
  stalledIntervalMs: config.stalledIntervalMs,
  closeGraceMs: config.closeGraceMs,
  admissionBackoff: { baseMs: 20, maxMs: 200 },
  onError: (error) => report({ kind: 'error', message: String(error?.message ?? error) }),
});
report({ kind: 'ready' });

process.once('SIGTERM', async () => {
  await worker.close();
  await factory.shutdown();
  await Promise.all([bus.close(), admission.close(), store.close()]);
  report({ kind: 'closed' });
  process.exit(0);
});
