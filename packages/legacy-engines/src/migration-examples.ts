/**
 * The code examples attached to every `EngineMigrationError`: complete small programs written against the
 * public API of `@baton/engine-contract`, `@baton/engine-factory` and `@baton/orchestrator`. A test compiles
 * each of them against the built packages, so they cannot drift from the real API.
 * @internal
 */

// Import lines are assembled from the package name: this package may not depend on the packages the
// examples use, and the workspace's dependency check reads `from '<package>'` as an import.
function importLine(names: readonly string[], packageName: string): string {
  return `import { ${names.join(', ')} } from '${packageName}';`;
}

const contract = '@baton/engine-contract';
const factory = '@baton/engine-factory';
const orchestrator = '@baton/orchestrator';

/** One engine per user request, bound to that user's context (replaces the engine classes and functions). */
export function engineExample(replaces: string): string {
  return `// Replaces \`${replaces}\`: one engine per user request, bound to that user's context.
${importLine(['createUserExecutionContext', 'defineAgent'], contract)}
${importLine(['createEngineFactory'], factory)}

const summarize = defineAgent({
  name: 'summarize',
  run: async (input: unknown, ctx) => {
    ctx.think('summarizing the request');
    return { summary: String(input) };
  },
});

// Create the factory once, at start-up; it enforces the per-user limits.
const engines = createEngineFactory({ agents: [summarize] });

export async function handleRequest(ids: { userId: string; threadId: string; runId: string }, input: unknown) {
  const userContext = createUserExecutionContext(ids);
  const engine = await engines.createEngine(userContext);
  try {
    // A failure, timeout or cancellation is a result (result.status), never a throw.
    return await engine.executeAgent({ agentName: 'summarize', input });
  } finally {
    await engine.dispose();
  }
}
`;
}

/** The user context comes from the request; the engine lives as long as the request (replaces request-scoped engines). */
export function requestScopedExample(replaces: string): string {
  return `// Replaces \`${replaces}\`: build the user's context from the request, then one engine for it.
${importLine(['createUserExecutionContext', 'defineAgent'], contract)}
${importLine(['createEngineFactory'], factory)}

const answer = defineAgent({ name: 'answer', run: (input: unknown) => ({ answer: input }) });
const engines = createEngineFactory({ agents: [answer] });

interface IncomingRequest {
  userId: string;
  threadId: string;
  runId: string;
  requestId?: string;
  body: unknown;
}

export async function handle(request: IncomingRequest) {
  const userContext = createUserExecutionContext({
    userId: request.userId,
    threadId: request.threadId,
    runId: request.runId,
    requestId: request.requestId,
  });
  const engine = await engines.createEngine(userContext);
  try {
    return await engine.executeAgent({ agentName: 'answer', input: request.body }, { timeoutMs: 10_000 });
  } finally {
    // engines.withEngine(userContext, fn) does the same create/dispose pair for you.
    await engine.dispose();
  }
}
`;
}

/** One factory created at start-up and passed around (replaces the factory singletons). */
export function factoryExample(replaces: string): string {
  return `// Replaces \`${replaces}\`: create one factory at start-up and pass it to the code that needs engines.
${importLine(['defineAgent'], contract)}
${importLine(['createEngineFactory'], factory)}

const triage = defineAgent({ name: 'triage', run: () => ({ dataSufficiency: 'sufficient' }) });

export const engineFactory = createEngineFactory({
  agents: [triage],
  limits: { maxEnginesPerUser: 2, maxConcurrentRunsPerEngine: 3, runTimeoutMs: 30_000 },
});

// Engines come from engineFactory.createEngine(userContext), one per user request.
// On shutdown, dispose every engine and stop the idle reaper:
export async function stopEngines(): Promise<void> {
  await engineFactory.shutdown();
}
`;
}

/** The triage workflow run by an orchestrator on one user's engine (replaces `SupervisorAgent`). */
export function supervisorExample(replaces: string): string {
  return `// Replaces \`${replaces}\`: the orchestrator runs the triage workflow on one user's engine.
${importLine(['createUserExecutionContext', 'defineAgent'], contract)}
${importLine(['createEngineFactory'], factory)}
${importLine(['WorkflowOrchestrator'], orchestrator)}

const triage = defineAgent({ name: 'triage', run: () => ({ dataSufficiency: 'sufficient' }) });
const stages = ['data_helper', 'data', 'optimization', 'actions', 'reporting'].map((name) =>
  defineAgent({ name, run: (input: unknown) => ({ handledBy: name, input }) }),
);
const engines = createEngineFactory({ agents: [triage, ...stages] });

export async function runWorkflow(ids: { userId: string; threadId: string; runId: string }, request: string) {
  const engine = await engines.createEngine(createUserExecutionContext(ids));
  try {
    const orchestrator = new WorkflowOrchestrator({ engine });
    const result = await orchestrator.run({ input: request });
    return { status: result.status, path: result.path, stages: result.stages.map((stage) => stage.agentName) };
  } finally {
    await engine.dispose();
  }
}
`;
}
