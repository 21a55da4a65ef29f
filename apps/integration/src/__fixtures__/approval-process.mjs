// A process that runs a workflow with an approval gate, recorded on Redis, for the approval-gate
// tests: mode 'suspend' runs it up to the gate and exits; mode 'decide' is a later, separate
// process (a restart, another instance) that resumes the suspended run with a decision. Plain ESM
// on the built packages, reporting on stdout one JSON object per line: { kind: 'call', stage, input }
// when a stage's agent starts, { kind: 'event', event } for every event, { kind: 'result', result },
// { kind: 'error', code, name, message }.
//
// argv[2] is JSON: { mode: 'suspend' | 'decide', redisUrl, keyPrefix, userId?, workflowId?, decision? }.
import { createUserExecutionContext, defineAgent } from '@baton/engine-contract';
import { createEngineFactory } from '@baton/engine-factory';
import { defineWorkflow, WorkflowOrchestrator } from '@baton/orchestrator';
import { createRedisRunStore } from '@baton/redis';

const config = JSON.parse(process.argv[2]);
const report = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);

const agents = ['plan', 'actions', 'report'].map((name) =>
  defineAgent({
    name,
    async run(input) {
      report({ kind: 'call', stage: name, input });
      return { stage: name, seen: Object.keys(input.previous) };
    },
  }),
);
const workflow = defineWorkflow({
  id: 'apply-plan',
  stages: [
    'plan',
    { agent: 'actions', approval: { prompt: ({ previous }) => `Apply ${previous.plan.stage}? 7 steps`, timeoutMs: 600_000 } },
    'report',
  ],
});
const store = createRedisRunStore({ redis: config.redisUrl, keyPrefix: config.keyPrefix });
const factory = createEngineFactory({ agents, onEvent: (event) => report({ kind: 'event', event }) });

try {
  let result;
  if (config.mode === 'suspend') {
    const engine = await factory.createEngine(createUserExecutionContext({ userId: config.userId, threadId: 'thread-1', runId: 'run-1' }));
    result = await new WorkflowOrchestrator({ engine, workflow, store }).run({ input: { question: 'cut costs' } });
  } else {
    const record = await store.get(config.workflowId);
    if (record === null) throw new Error(`no record for ${config.workflowId}`);
    const engine = await factory.createEngine(
      createUserExecutionContext({ userId: record.userId, threadId: record.threadId, runId: record.runId }),
    );
    result = await new WorkflowOrchestrator({ engine, workflow, store }).resume(config.workflowId, { decision: config.decision });
  }
  report({ kind: 'result', result });
} catch (error) {
  report({ kind: 'error', code: error?.code, name: error?.name, message: String(error?.message ?? error) });
  process.exitCode = 1;
} finally {
  await factory.shutdown();
  await store.close();
}
