import { defineAgent } from '@baton/engine-contract';
import { createEngineFactory } from '@baton/engine-factory';
import { createWorkflowOrchestrator } from '@baton/orchestrator';
import type { CaseOptions, CaseResult } from '../case-result.js';
import { benchContext, sink } from '../fixtures.js';
import { compareRounds, perRoundDifference, perRoundRatio, samplesOf, type RoundSettings } from '../harness.js';
import type { StageInput, StageName, StageOutput } from '../langgraph-graphs.js';
import { scaleFigure, summarize } from '../stats.js';

const PLAIN = 'five plain awaits';
const BATON = 'Baton orchestrator.run (sufficient path)';
const BATON_HOOKED = 'Baton orchestrator.run (sufficient path) †';
const LANGGRAPH = 'LangGraph.js five-node StateGraph.invoke †';

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

/** Case 2: the five-stage `sufficient` workflow through Baton vs LangGraph.js vs five plain awaits. */
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
  const orchestrator = createWorkflowOrchestrator({ engine });
  let request = 0;
  const batonWorkflow = async () => {
    const result = await orchestrator.run({ input: { query: request++ } });
    if (result.status !== 'succeeded' || result.path !== 'sufficient' || result.stages.length !== 5) {
      throw new Error(`workflow ended ${result.status} on path ${result.path} with ${result.stages.length} stages`);
    }
    sink.value += result.stages.length;
  };

  const settings: RoundSettings = { rounds: smoke ? 1 : 10, timePerRoundMs: 300, sampleMs: 5, smoke };
  try {
    log(`workflow: Baton vs plain, ${settings.rounds} round(s)`);
    const clean = await compareRounds(
      [
        { name: PLAIN, op: async () => void (sink.value += Object.keys(await plainWorkflow({ query: request++ })).length) },
        { name: BATON, op: batonWorkflow },
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
            const state = await graph.invoke({ request: { query: request++ } });
            if (state.previous.reporting === undefined) throw new Error('LangGraph.js did not reach reporting');
            sink.value += Object.keys(state.previous).length;
          },
        },
      ],
      settings,
    );
    if (eventsSeen === 0) throw new Error('The listener saw no events');
    const plain = samplesOf(clean, PLAIN);
    const baton = samplesOf(clean, BATON);
    const batonHooked = samplesOf(mixed, BATON_HOOKED);
    const langGraph = samplesOf(mixed, LANGGRAPH);
    const perRun = (samples: number[], batch: number) =>
      scaleFigure(summarize(samples, 'ms/run', `mean over a batch of ${batch} sequential workflow runs`), 1000, 'µs/run');
    return {
      id: 'workflow',
      title: '2. Five-stage workflow',
      rows: [
        { key: 'workflow.plain-us', metric: PLAIN, figure: perRun(plain.samples, plain.batch) },
        { key: 'workflow.baton-us', metric: BATON, figure: perRun(baton.samples, baton.batch) },
        {
          key: 'workflow.baton-overhead-per-stage-us',
          metric: 'Baton overhead above plain awaits, per stage',
          figure: summarize(perRoundDifference(baton.roundMedians, plain.roundMedians, 1000 / 5), 'µs/stage', 'round (difference of round medians ÷ 5)'),
        },
        {
          key: 'workflow.baton-vs-plain',
          metric: 'Baton ÷ plain awaits (time per workflow)',
          figure: summarize(perRoundRatio(baton.roundMedians, plain.roundMedians), '×', 'round (ratio of round medians)'),
        },
        { key: 'workflow.langgraph-us', metric: LANGGRAPH, figure: perRun(langGraph.samples, langGraph.batch) },
        { key: 'workflow.baton-hooked-us', metric: BATON_HOOKED, figure: perRun(batonHooked.samples, batonHooked.batch) },
        {
          key: 'workflow.langgraph-vs-baton',
          metric: 'LangGraph.js ÷ Baton (time per workflow) †',
          figure: summarize(perRoundRatio(langGraph.roundMedians, batonHooked.roundMedians), '×', 'round (ratio of round medians)'),
          target: { comparator: '>=', value: 10, label: '≥ 10×' },
        },
      ],
      settings: {
        ...settings,
        batches: { [PLAIN]: plain.batch, [BATON]: baton.batch, [BATON_HOOKED]: batonHooked.batch, [LANGGRAPH]: langGraph.batch },
      },
      notes: [
        'Stages: triage returns { dataSufficiency: "sufficient" }, then data → optimization → actions → reporting, each returning a tiny object. Every contender passes each stage { request, previous } and branches on triage\'s answer (LangGraph.js through a conditional edge).',
        'Baton: the default triageWorkflow on one engine with one counting listener (default limits); each run emits 3 workflow_* and 10 agent_* events.',
        'As in case 1, Baton is compared with plain awaits before LangGraph.js first runs in the process, and with LangGraph.js afterwards (both paying the AsyncLocalStorage promise hooks LangGraph.js installs).',
      ],
    };
  } finally {
    await factory.shutdown();
  }
}
