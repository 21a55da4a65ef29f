import { type AgentRunResult, defineAgent, type UserExecutionEngine } from '@baton/engine-contract';
import { createEngineFactory } from '@baton/engine-factory';
import { createWorkflowOrchestrator, defineWorkflow, LINEAR_WORKFLOW_PATH, type WorkflowOrchestrator } from '@baton/orchestrator';
import type { CaseOptions, CaseResult, Row, Target } from '../case-result.js';
import { benchContext, sink } from '../fixtures.js';
import { type ContenderSamples, compareRounds, perRoundDifference, perRoundRatio, type RoundSettings, samplesOf } from '../harness.js';
import type { StageInput, StageName, StageOutput } from '../langgraph-graphs.js';
import { scaleFigure, summarize } from '../stats.js';

const PLAIN = 'five plain awaits';
const BARE = 'five bare engine.executeAgent calls';
const BATON = 'Baton orchestrator.run (sufficient path)';
const BATON_LINEAR = 'Baton orchestrator.run (linear workflow, 5 stages)';
const BATON_HOOKED = 'Baton orchestrator.run (sufficient path) †';
const LANGGRAPH = 'LangGraph.js five-node StateGraph.invoke †';
const STAGE_COUNT = 5;

/** The trivial stage bodies shared by every contender. */
const stageWork: Record<StageName, (input: StageInput) => Promise<StageOutput>> = {
  triage: async () => ({ dataSufficiency: 'sufficient' }),
  data: async () => ({ rows: 1 }),
  optimization: async () => ({ saving: 1 }),
  actions: async () => ({ actions: 1 }),
  reporting: async () => ({ report: 'ok' }),
};

/** Five plain awaits with the same inputs and the same triage decision as the orchestrator's. */
async function plainWorkflow(request: unknown): Promise<StageOutput> {
  const previous: Record<string, unknown> = {};
  const triage = await stageWork.triage({ request, previous: {} });
  previous.triage = triage;
  if (triage.dataSufficiency !== 'sufficient') throw new Error('unexpected triage path');
  const data = await stageWork.data({ request, previous: { ...previous } });
  previous.data = data;
  const optimization = await stageWork.optimization({ request, previous: { ...previous } });
  previous.optimization = optimization;
  const actions = await stageWork.actions({ request, previous: { ...previous } });
  previous.actions = actions;
  return stageWork.reporting({ request, previous: { ...previous } });
}

/** A stage's output from a bare `executeAgent` result; anything but success throws (and fails the case). */
function outputOf(result: AgentRunResult): StageOutput {
  if (result.status !== 'succeeded') throw new Error(`${result.agentName} ended ${result.status}: ${result.error?.message}`);
  return result.output as StageOutput;
}

/**
 * The same five stages as `plainWorkflow`, each through a bare `engine.executeAgent` call awaited
 * directly (no orchestrator, no wrapper promise): the same `{ request, previous }` inputs and the same
 * triage decision.
 */
async function bareWorkflow(engine: UserExecutionEngine, request: unknown): Promise<StageOutput> {
  const previous: Record<string, unknown> = {};
  const triage = outputOf(await engine.executeAgent({ agentName: 'triage', input: { request, previous: {} } }));
  previous.triage = triage;
  if (triage.dataSufficiency !== 'sufficient') throw new Error('unexpected triage path');
  const data = outputOf(await engine.executeAgent({ agentName: 'data', input: { request, previous: { ...previous } } }));
  previous.data = data;
  const optimization = outputOf(await engine.executeAgent({ agentName: 'optimization', input: { request, previous: { ...previous } } }));
  previous.optimization = optimization;
  const actions = outputOf(await engine.executeAgent({ agentName: 'actions', input: { request, previous: { ...previous } } }));
  previous.actions = actions;
  return outputOf(await engine.executeAgent({ agentName: 'reporting', input: { request, previous: { ...previous } } }));
}

/**
 * The same five agents as a linear workflow (`defineWorkflow({ id, stages })`): one after another, no
 * triage decision, no `finally`; each stage gets the outputs of the stages before it as `previous`.
 */
const linearWorkflow = defineWorkflow({ id: 'bench-linear', stages: ['triage', 'data', 'optimization', 'actions', 'reporting'] });

/** Runs `orchestrator` once and checks that it took `path` and that all five stages succeeded. */
function orchestratorOp(orchestrator: Pick<WorkflowOrchestrator, 'run'>, nextRequest: () => unknown, path: string): () => Promise<void> {
  return async () => {
    const result = await orchestrator.run({ input: nextRequest() });
    if (result.status !== 'succeeded' || result.path !== path || result.stages.length !== STAGE_COUNT) {
      throw new Error(`workflow ended ${result.status} on path "${result.path}" with ${result.stages.length} stages`);
    }
    sink.value += result.stages.length;
  };
}

/**
 * The orchestrator's own cost per stage, from round medians: (orchestrator.run − five bare calls) ÷ 5,
 * in µs/stage, and that ÷ the time of one bare call (five bare calls ÷ 5). `suffix` names the workflow
 * (empty for the headline one, which carries the target).
 */
function ownCostRows(keyPrefix: string, suffix: string, orchestrated: ContenderSamples, bare: ContenderSamples, target?: Target): Row[] {
  const costPerStageMs = perRoundDifference(orchestrated.roundMedians, bare.roundMedians, 1 / STAGE_COUNT);
  const bareCallMs = bare.roundMedians.map((median) => median / STAGE_COUNT);
  return [
    {
      key: `${keyPrefix}-own-cost-per-stage-us`,
      metric: `Orchestrator's own cost per stage (run − 5 bare executeAgent calls) ÷ 5${suffix}`,
      figure: summarize(
        costPerStageMs.map((value) => value * 1000),
        'µs/stage',
        'round (difference of round medians ÷ 5)',
      ),
    },
    {
      key: `${keyPrefix}-own-cost-vs-bare-execute`,
      metric: `Orchestrator's own cost per stage ÷ bare executeAgent${suffix}`,
      figure: summarize(perRoundRatio(costPerStageMs, bareCallMs), '×', 'round (ratio of round-median figures)'),
      ...(target === undefined ? {} : { target }),
    },
  ];
}

/** Case 2: the five-stage `sufficient` workflow through Baton vs LangGraph.js vs five plain awaits vs five bare executeAgent calls. */
export async function runWorkflow({ smoke, log }: CaseOptions): Promise<CaseResult> {
  const agents = (Object.keys(stageWork) as StageName[]).map((name) =>
    defineAgent({ name, run: (input: StageInput) => stageWork[name](input) }),
  );
  const factory = createEngineFactory({ agents });
  const engine = await factory.createEngine(benchContext(2));
  let eventsSeen = 0;
  engine.subscribe(() => {
    eventsSeen++;
  });
  let request = 0;
  const nextRequest = () => ({ query: request++ });
  const batonWorkflow = orchestratorOp(createWorkflowOrchestrator({ engine }), nextRequest, 'sufficient');
  const batonLinearWorkflow = orchestratorOp(
    createWorkflowOrchestrator({ engine, workflow: linearWorkflow }),
    nextRequest,
    LINEAR_WORKFLOW_PATH,
  );

  const settings: RoundSettings = { rounds: smoke ? 1 : 10, timePerRoundMs: 300, sampleMs: 5, smoke };
  try {
    log(`workflow: Baton vs plain vs bare executeAgent, ${settings.rounds} round(s)`);
    const clean = await compareRounds(
      [
        {
          name: PLAIN,
          op: async () => {
            sink.value += Object.keys(await plainWorkflow(nextRequest())).length;
          },
        },
        {
          name: BARE,
          op: async () => {
            sink.value += Object.keys(await bareWorkflow(engine, nextRequest())).length;
          },
        },
        { name: BATON, op: batonWorkflow },
        { name: BATON_LINEAR, op: batonLinearWorkflow },
      ],
      settings,
    );
    log(`workflow: Baton vs LangGraph.js, ${settings.rounds} round(s)`);
    const { fiveNodeGraph } = await import('../langgraph-graphs.js');
    const graph = fiveNodeGraph(stageWork);
    const mixed = await compareRounds(
      [
        { name: BATON_HOOKED, op: batonWorkflow },
        {
          name: LANGGRAPH,
          op: async () => {
            const state = await graph.invoke({ request: nextRequest() });
            if (state.previous.reporting === undefined) throw new Error('LangGraph.js did not reach reporting');
            sink.value += Object.keys(state.previous).length;
          },
        },
      ],
      settings,
    );
    if (eventsSeen === 0) throw new Error('The listener saw no events');
    const plain = samplesOf(clean, PLAIN);
    const bare = samplesOf(clean, BARE);
    const baton = samplesOf(clean, BATON);
    const batonLinear = samplesOf(clean, BATON_LINEAR);
    const batonHooked = samplesOf(mixed, BATON_HOOKED);
    const langGraph = samplesOf(mixed, LANGGRAPH);
    const perRun = (samples: number[], batch: number) =>
      scaleFigure(summarize(samples, 'ms/run', `mean over a batch of ${batch} sequential workflow runs`), 1000, 'µs/run');
    return {
      id: 'workflow',
      title: '2. Five-stage workflow',
      rows: [
        { key: 'workflow.plain-us', metric: PLAIN, figure: perRun(plain.samples, plain.batch) },
        { key: 'workflow.bare-execute-us', metric: BARE, figure: perRun(bare.samples, bare.batch) },
        { key: 'workflow.baton-us', metric: BATON, figure: perRun(baton.samples, baton.batch) },
        {
          key: 'workflow.baton-overhead-per-stage-us',
          metric: 'Baton overhead above plain awaits, per stage',
          figure: summarize(
            perRoundDifference(baton.roundMedians, plain.roundMedians, 1000 / STAGE_COUNT),
            'µs/stage',
            'round (difference of round medians ÷ 5)',
          ),
        },
        {
          key: 'workflow.baton-vs-plain',
          metric: 'Baton ÷ plain awaits (time per workflow)',
          figure: summarize(perRoundRatio(baton.roundMedians, plain.roundMedians), '×', 'round (ratio of round medians)'),
        },
        ...ownCostRows('workflow.orchestrator', '', baton, bare, { comparator: '<=', value: 2, label: '≤ 2×' }),
        { key: 'workflow.baton-linear-us', metric: BATON_LINEAR, figure: perRun(batonLinear.samples, batonLinear.batch) },
        ...ownCostRows('workflow.linear', ', linear workflow', batonLinear, bare),
        { key: 'workflow.langgraph-us', metric: LANGGRAPH, figure: perRun(langGraph.samples, langGraph.batch) },
        { key: 'workflow.baton-hooked-us', metric: BATON_HOOKED, figure: perRun(batonHooked.samples, batonHooked.batch) },
        {
          key: 'workflow.langgraph-vs-baton',
          metric: 'LangGraph.js ÷ Baton (time per workflow) †',
          figure: summarize(perRoundRatio(langGraph.roundMedians, batonHooked.roundMedians), '×', 'round (ratio of round medians)'),
          target: { comparator: '>=', value: 300, label: '≥ 300×' },
        },
      ],
      settings: {
        ...settings,
        batches: {
          [PLAIN]: plain.batch,
          [BARE]: bare.batch,
          [BATON]: baton.batch,
          [BATON_LINEAR]: batonLinear.batch,
          [BATON_HOOKED]: batonHooked.batch,
          [LANGGRAPH]: langGraph.batch,
        },
      },
      notes: [
        'Stages: triage returns { dataSufficiency: "sufficient" }, then data → optimization → actions → reporting, each returning a tiny object. Every contender passes each stage { request, previous } and branches on triage\'s answer (LangGraph.js through a conditional edge).',
        'Baton: the default triageWorkflow on one engine with one counting listener (default limits); each run emits 3 workflow_* and 10 agent_* events.',
        `Bare executeAgent: the same five agents called one after another with engine.executeAgent({ agentName, input }) on the same engine (same listener), with the same { request, previous } inputs and the same triage check; it emits the 10 agent_* events. The orchestrator's own cost per stage is (orchestrator.run − the five bare calls) ÷ 5, and its ratio divides that by one bare call (the five bare calls ÷ 5), both per round from the round medians. It covers everything the orchestrator adds around the engine calls: its 3 workflow_* events, choosing and planning the path, building each stage's input, cancellation wiring and the result.`,
        'Linear workflow: defineWorkflow({ id, stages: [triage, data, optimization, actions, reporting] }), the same five agents one after another with no triage decision and no finally stage (each gets the outputs of the stages before it); a second orchestrator on the same engine, measured in the same rounds as the bare calls. Its rows carry no target: the headline ratios stay on the triage workflow.',
        "As in case 1, Baton is compared with plain awaits and bare executeAgent calls (so the orchestrator's own cost) before LangGraph.js first runs in the process, and with LangGraph.js afterwards (both paying the AsyncLocalStorage promise hooks LangGraph.js installs). The headline LangGraph.js ratio stays on the triage workflow's sufficient path (triage + 4 stages) for continuity with earlier results.",
      ],
    };
  } finally {
    await factory.shutdown();
  }
}
