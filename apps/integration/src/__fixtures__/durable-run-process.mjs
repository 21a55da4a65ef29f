// A process that runs (or resumes) a five-stage workflow whose runs are recorded on Redis, for the
// kill-and-resume test. Plain ESM on the built packages, so that it starts as a real deployment
// would: no test runner, no TypeScript loader. It reports on stdout, one JSON object per line (a
// pipe write is synchronous on Linux, so every line written before a SIGKILL reaches the parent):
// { kind: 'call', stage } when a stage's agent starts, { kind: 'event', event } for every event of
// the factory, { kind: 'result', result } at the end, { kind: 'error', code, name, message }.
//
// argv[2] is JSON: { mode: 'run' | 'resume', redisUrl, keyPrefix, userId, workflowId? }.
// mode 'run': starts a run for userId; stage 3 never finishes (the parent kills this process there).
// mode 'resume': resumes workflowId for the user its record names, and meanwhile runs a run of
// another user on the same factory and store (the resumed run's events must carry none of its ids).
import { createUserExecutionContext, defineAgent } from '@baton/engine-contract';
import { createEngineFactory } from '@baton/engine-factory';
import { defineWorkflow, WorkflowOrchestrator } from '@baton/orchestrator';
import { createRedisRunStore } from '@baton/redis';

const config = JSON.parse(process.argv[2]);
const report = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);
const STAGES = ['collect', 'clean', 'analyse', 'summarise', 'publish'];

const agents = STAGES.map((name, index) =>
  defineAgent({
    name,
    async run(input, ctx) {
      report({ kind: 'call', stage: name, userId: ctx.userContext.userId });
      if (config.mode === 'run' && index === 2 && ctx.userContext.userId === config.userId) {
        // Stage 3 of the first process: never finishes; the parent kills the process here.
        await new Promise(() => {});
      }
      const seen = Object.keys(input.previous);
      return { stage: name, seen, request: input.request };
    },
  }),
);
const workflow = defineWorkflow({ id: 'five-stages', stages: STAGES });
const store = createRedisRunStore({ redis: config.redisUrl, keyPrefix: config.keyPrefix });
const factory = createEngineFactory({ agents, onEvent: (event) => report({ kind: 'event', event }) });

async function engineFor(ids) {
  return factory.createEngine(createUserExecutionContext(ids));
}

try {
  if (config.mode === 'run') {
    const engine = await engineFor({ userId: config.userId, threadId: 'thread-1', runId: 'run-1' });
    const result = await new WorkflowOrchestrator({ engine, workflow, store }).run({ input: { question: 'why?' } });
    report({ kind: 'result', result });
  } else {
    const record = await store.get(config.workflowId);
    if (record === null) throw new Error(`no record for ${config.workflowId}`);
    const engine = await engineFor({ userId: record.userId, threadId: record.threadId, runId: record.runId });
    const other = await engineFor({ userId: 'another-user', threadId: 'thread-9', runId: 'run-9' });
    const [result] = await Promise.all([
      new WorkflowOrchestrator({ engine, workflow, store }).resume(config.workflowId),
      new WorkflowOrchestrator({ engine: other, workflow, store }).run({ input: { question: 'mine' } }),
    ]);
    report({ kind: 'result', result });
  }
} catch (error) {
  report({ kind: 'error', code: error?.code, name: error?.name, message: String(error?.message ?? error) });
  process.exitCode = 1;
} finally {
  await factory.shutdown();
  await store.close?.();
}
