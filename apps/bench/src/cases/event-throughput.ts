import { EventEmitter } from 'node:events';
import { defineAgent, type UserExecutionEngine } from '@baton/engine-contract';
import { createEngineFactory } from '@baton/engine-factory';
import type { CaseOptions, CaseResult } from '../case-result.js';
import { benchContext, sink } from '../fixtures.js';
import { compareRounds, perRoundRatio, type RoundSettings, samplesOf } from '../harness.js';
import { summarize } from '../stats.js';

const BATON_ONE = 'Baton ctx.think → 1 subscriber';
const BATON_OUTPUT = 'Baton ctx.writeOutput → 1 subscriber';
const BATON_TEN = 'Baton ctx.think → 10 subscribers on 10 engines';
const BATON_HOOKED = 'Baton ctx.think → 1 subscriber †';
const EMITTER = 'EventEmitter → 1 listener (same envelope)';
const LANGGRAPH = 'LangGraph.js config.writer → stream(custom) †';
const THOUGHT = 'considering the next step';
const DELTA = 'the next words ';

/**
 * Case 3: events per second from `ctx.think` (and `ctx.writeOutput`, the streamed answer) to
 * subscribers, next to an EventEmitter and LangGraph.js custom streaming.
 */
export async function runEventThroughput({ smoke, log }: CaseOptions): Promise<CaseResult> {
  const thoughtsPerRun = smoke ? 100 : 10_000;
  const langGraphThoughtsPerRun = smoke ? 100 : 1_000;
  const chatty = defineAgent({
    name: 'chatty',
    run: (thoughts: number, ctx) => {
      for (let index = 0; index < thoughts; index++) ctx.think(THOUGHT);
      return thoughts;
    },
  });
  // The same loop through ctx.writeOutput: its agent_output_delta events should cost what agent_thinking does.
  const streaming = defineAgent({
    name: 'streaming',
    run: (deltas: number, ctx) => {
      for (let index = 0; index < deltas; index++) ctx.writeOutput(DELTA);
      return deltas;
    },
  });
  const factory = createEngineFactory({ agents: [chatty, streaming] });
  let delivered = 0;
  const count = () => {
    delivered++;
  };
  const subscribed = async (index: number): Promise<UserExecutionEngine> => {
    const engine = await factory.createEngine(benchContext(index));
    engine.subscribe(count);
    return engine;
  };
  const single = await subscribed(300);
  const ten = await Promise.all(Array.from({ length: 10 }, (_, index) => subscribed(310 + index)));
  const execute = async (engine: UserExecutionEngine, agentName = 'chatty') => {
    const result = await engine.executeAgent({ agentName, input: thoughtsPerRun });
    if (result.status !== 'succeeded') throw new Error(`${agentName} ended ${result.status}: ${result.error?.message}`);
  };

  const emitter = new EventEmitter();
  emitter.on('event', count);
  const envelope = single.userContext;
  let seq = 0;

  const settings: RoundSettings = { rounds: smoke ? 1 : 10, timePerRoundMs: 300, sampleMs: 20, smoke };
  try {
    log(`event-throughput: Baton vs EventEmitter, ${settings.rounds} round(s)`);
    const deliveredDuring = async (work: () => Promise<unknown>): Promise<number> => {
      const before = delivered;
      await work();
      return delivered - before;
    };
    const clean = await compareRounds(
      [
        { name: BATON_ONE, op: () => deliveredDuring(() => execute(single)) },
        { name: BATON_OUTPUT, op: () => deliveredDuring(() => execute(single, 'streaming')) },
        { name: BATON_TEN, op: () => deliveredDuring(() => Promise.all(ten.map((engine) => execute(engine)))) },
        {
          name: EMITTER,
          op: async () =>
            deliveredDuring(async () => {
              for (let index = 0; index < thoughtsPerRun; index++) {
                emitter.emit('event', {
                  type: 'agent_thinking',
                  userId: envelope.userId,
                  threadId: envelope.threadId,
                  runId: envelope.runId,
                  requestId: envelope.requestId,
                  engineId: single.engineId,
                  executionId: 'execution',
                  agentName: 'chatty',
                  seq: seq++,
                  timestamp: Date.now(),
                  thought: THOUGHT,
                });
              }
            }),
        },
      ],
      settings,
    );
    log(`event-throughput: Baton vs LangGraph.js, ${settings.rounds} round(s)`);
    const { writerGraph } = await import('../langgraph-graphs.js');
    const graph = writerGraph(THOUGHT);
    const mixed = await compareRounds(
      [
        { name: BATON_HOOKED, op: () => deliveredDuring(() => execute(single)) },
        {
          name: LANGGRAPH,
          op: async () => {
            let chunks = 0;
            for await (const chunk of await graph.stream({ n: langGraphThoughtsPerRun }, { streamMode: 'custom' })) {
              if (chunk === THOUGHT) chunks++;
            }
            sink.value += chunks;
            return chunks;
          },
        },
      ],
      settings,
    );
    const measured = new Map([...clean, ...mixed]);
    const perSecond = (name: string) =>
      summarize(
        samplesOf(measured, name).samples.map((msPerEvent) => 1000 / msPerEvent),
        'events/s',
        `mean over a batch of ${samplesOf(measured, name).batch} run(s)`,
      );
    const ratio = (numerator: string, denominator: string) =>
      // events/s ratio = inverse ratio of the time per event
      summarize(
        perRoundRatio(samplesOf(measured, denominator).roundMedians, samplesOf(measured, numerator).roundMedians),
        '×',
        'round (ratio of round medians)',
      );
    return {
      id: 'event-throughput',
      title: '3. Event throughput',
      rows: [
        {
          key: 'events.baton-one-subscriber',
          metric: BATON_ONE,
          figure: perSecond(BATON_ONE),
          target: { comparator: '>=', value: 1_000_000, label: '≥ 1,000,000 events/s' },
        },
        { key: 'events.baton-write-output', metric: BATON_OUTPUT, figure: perSecond(BATON_OUTPUT) },
        {
          key: 'events.write-output-vs-think',
          metric: 'Baton ctx.writeOutput ÷ ctx.think (events/s, 1 subscriber)',
          figure: ratio(BATON_OUTPUT, BATON_ONE),
        },
        { key: 'events.baton-ten-engines', metric: BATON_TEN, figure: perSecond(BATON_TEN) },
        { key: 'events.emitter', metric: EMITTER, figure: perSecond(EMITTER) },
        { key: 'events.baton-vs-emitter', metric: 'Baton (1 subscriber) ÷ EventEmitter (events/s)', figure: ratio(BATON_ONE, EMITTER) },
        { key: 'events.langgraph', metric: LANGGRAPH, figure: perSecond(LANGGRAPH) },
        { key: 'events.baton-hooked', metric: BATON_HOOKED, figure: perSecond(BATON_HOOKED) },
        {
          key: 'events.baton-vs-langgraph',
          metric: 'Baton (1 subscriber) ÷ LangGraph.js (events/s) †',
          figure: ratio(BATON_HOOKED, LANGGRAPH),
        },
      ],
      settings: {
        ...settings,
        thoughtsPerRun,
        langGraphThoughtsPerRun,
        batches: Object.fromEntries(
          [BATON_ONE, BATON_OUTPUT, BATON_TEN, EMITTER, BATON_HOOKED, LANGGRAPH].map((name) => [name, samplesOf(measured, name).batch]),
        ),
      },
      notes: [
        `Counted are events that reached a subscriber. A Baton run delivers ${thoughtsPerRun} agent_thinking events (agent_output_delta for the ctx.writeOutput row) plus agent_started and agent_completed; the 10-engine figure runs all 10 engines at once (10 users, one counting subscriber each) and counts the events of all of them.`,
        `The EventEmitter baseline emits an object with the same envelope fields to one listener; LangGraph.js writes ${langGraphThoughtsPerRun} custom chunks per run from its node and they are read with for await. The LangGraph.js comparison runs after the Baton-only phase, as in case 1.`,
      ],
    };
  } finally {
    await factory.shutdown();
  }
}
