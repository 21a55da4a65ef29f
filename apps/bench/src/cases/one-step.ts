import { defineAgent } from '@baton/engine-contract';
import { createEngineFactory } from '@baton/engine-factory';
import type { CaseOptions, CaseResult } from '../case-result.js';
import { benchContext, sink, trivialWork } from '../fixtures.js';
import { compareRounds, perRoundDifference, perRoundRatio, type RoundSettings, samplesOf } from '../harness.js';
import { scaleFigure, summarize } from '../stats.js';

const PLAIN = 'plain await fn(input)';
const BATON = 'Baton engine.executeAgent (1 listener)';
const BATON_HOOKED = 'Baton engine.executeAgent (1 listener) †';
const LANGGRAPH = 'LangGraph.js one-node StateGraph.invoke †';

/** Case 1: one step through Baton vs a plain await vs a one-node LangGraph.js graph. */
export async function runOneStep({ smoke, log }: CaseOptions): Promise<CaseResult> {
  const agent = defineAgent({ name: 'step', run: (input: number) => trivialWork(input) });
  const factory = createEngineFactory({ agents: [agent] });
  const engine = await factory.createEngine(benchContext(1));
  let eventsSeen = 0;
  engine.subscribe(() => {
    eventsSeen++;
  });
  let input = 0;
  const batonStep = async () => {
    const result = await engine.executeAgent({ agentName: 'step', input: input++ });
    if (result.status !== 'succeeded') throw new Error(`step ended ${result.status}: ${result.error?.message}`);
    sink.value += result.output as number;
  };

  const settings: RoundSettings = { rounds: smoke ? 1 : 10, timePerRoundMs: 300, sampleMs: 5, smoke };
  try {
    log(`one-step: Baton vs plain, ${settings.rounds} round(s)`);
    const clean = await compareRounds(
      [
        {
          name: PLAIN,
          op: async () => {
            sink.value += await trivialWork(input++);
          },
        },
        { name: BATON, op: batonStep },
      ],
      settings,
    );
    log(`one-step: Baton vs LangGraph.js, ${settings.rounds} round(s)`);
    const { oneNodeGraph } = await import('../langgraph-graphs.js');
    const graph = oneNodeGraph(trivialWork);
    const mixed = await compareRounds(
      [
        { name: BATON_HOOKED, op: batonStep },
        {
          name: LANGGRAPH,
          op: async () => {
            sink.value += (await graph.invoke({ value: input++ })).value;
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
      scaleFigure(summarize(samples, 'ms/run', `mean over a batch of ${batch} sequential runs`), 1000, 'µs/run');
    return {
      id: 'one-step',
      title: '1. One step',
      rows: [
        { key: 'one-step.plain-us', metric: PLAIN, figure: perRun(plain.samples, plain.batch) },
        { key: 'one-step.baton-us', metric: BATON, figure: perRun(baton.samples, baton.batch) },
        {
          key: 'one-step.baton-overhead-us',
          metric: 'Baton overhead above plain await',
          figure: summarize(
            perRoundDifference(baton.roundMedians, plain.roundMedians, 1000),
            'µs/run',
            'round (difference of round medians)',
          ),
          target: { comparator: '<=', value: 3, label: '≤ 3 µs/run' },
        },
        {
          key: 'one-step.baton-vs-plain',
          metric: 'Baton ÷ plain await (time per step)',
          figure: summarize(perRoundRatio(baton.roundMedians, plain.roundMedians), '×', 'round (ratio of round medians)'),
        },
        { key: 'one-step.langgraph-us', metric: LANGGRAPH, figure: perRun(langGraph.samples, langGraph.batch) },
        { key: 'one-step.baton-hooked-us', metric: BATON_HOOKED, figure: perRun(batonHooked.samples, batonHooked.batch) },
        {
          key: 'one-step.langgraph-vs-baton',
          metric: 'LangGraph.js ÷ Baton (time per step) †',
          figure: summarize(perRoundRatio(langGraph.roundMedians, batonHooked.roundMedians), '×', 'round (ratio of round medians)'),
          target: { comparator: '>=', value: 25, label: '≥ 25×' },
        },
      ],
      settings: {
        ...settings,
        batches: { [PLAIN]: plain.batch, [BATON]: baton.batch, [BATON_HOOKED]: batonHooked.batch, [LANGGRAPH]: langGraph.batch },
      },
      notes: [
        'Every contender awaits the same async function `value + 1`; Baton runs it as an agent on one engine with one counting listener (default limits), LangGraph.js as the only node of a compiled StateGraph (no checkpointer). Runs are sequential (one in flight).',
        "Two phases in one process: first Baton against plain await, then Baton against LangGraph.js. LangGraph.js uses AsyncLocalStorage, which on Node 20 installs process-wide promise hooks that slow every later await (measured here: a plain await about 2-3× slower), so Baton's own overhead is taken before LangGraph.js first runs and the LangGraph.js ratio after, with both paying the hooks.",
        'Overheads and ratios are taken per round from the round medians, so drift of the shared machine between rounds cancels out.',
      ],
    };
  } finally {
    await factory.shutdown();
  }
}
