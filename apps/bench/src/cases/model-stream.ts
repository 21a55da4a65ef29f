import { createScriptedModel, defineModelAgent } from '@baton/ai-sdk';
import type { AgentEvent } from '@baton/engine-contract';
import { createEngineFactory } from '@baton/engine-factory';
import { streamText } from 'ai';
import type { CaseOptions, CaseResult } from '../case-result.js';
import { benchContext, sink } from '../fixtures.js';
import { compareRounds, perRoundDifference, perRoundRatio, type RoundSettings, samplesOf } from '../harness.js';
import { type Figure, scaleFigure, summarize } from '../stats.js';

const AI_SDK = 'AI SDK streamText consumed directly';
const BATON = 'Baton defineModelAgent (1 subscriber)';
/** Text deltas in the scripted answer: the issue's 2,000-chunk stream. */
const DELTAS = 2_000;
const PROMPT = 'Tell me about the tides.';
const WORDS = ['the', 'moon', 'pulls', 'the', 'oceans', 'toward', 'it,', 'and', 'the', 'earth', 'turns', 'beneath'];
/**
 * 2,000 words, each followed by one space (the last by none): the scripted model streams one text
 * delta per word, whitespace kept, so the deltas concatenate to exactly this text.
 */
const ANSWER = Array.from({ length: DELTAS }, (_, index) => WORDS[index % WORDS.length]).join(' ');

/** What a run that did not stream the answer got, for the error that fails the case. */
function mismatch(deltas: number, text: unknown): string {
  return `${deltas} deltas (expected ${DELTAS}) and ${text === ANSWER ? 'the expected text' : `a different text (${String(text).length} of ${ANSWER.length} characters)`}`;
}

/** Case 6: the per-delta cost of a `defineModelAgent` run over the AI SDK's own `streamText`, same scripted stream. */
export async function runModelStream({ smoke, log }: CaseOptions): Promise<CaseResult> {
  // One model for both contenders: every call (doStream) streams the same parts afresh, with no delay.
  const model = createScriptedModel({ answer: ANSWER, delayMs: 0 });

  // Contender A: what a user of the AI SDK alone writes to read a streamed answer.
  const aiSdkRun = async () => {
    const result = streamText({ model, prompt: PROMPT });
    let text = '';
    let deltas = 0;
    for await (const part of result.fullStream) {
      if (part.type === 'text-delta') {
        text += part.text;
        deltas++;
      } else if (part.type === 'error') {
        throw part.error;
      }
    }
    if (deltas !== DELTAS || text !== ANSWER) throw new Error(`streamText: ${mismatch(deltas, text)}`);
    sink.value += text.length;
  };

  // Contender B: the same model and prompt as a Baton agent, every delta an agent_output_delta to one subscriber.
  const answer = defineModelAgent({ name: 'answer', model, prompt: (question: string) => question });
  const factory = createEngineFactory({ agents: [answer] });
  const engine = await factory.createEngine(benchContext(600));
  let deltasDelivered = 0;
  engine.subscribe((event: AgentEvent) => {
    if (event.type === 'agent_output_delta') deltasDelivered++;
  });
  const batonRun = async () => {
    const before = deltasDelivered;
    const result = await engine.executeAgent({ agentName: 'answer', input: PROMPT });
    if (result.status !== 'succeeded') throw new Error(`answer ended ${result.status}: ${result.error?.message}`);
    const deltas = deltasDelivered - before;
    if (deltas !== DELTAS || result.output !== ANSWER) throw new Error(`defineModelAgent: ${mismatch(deltas, result.output)}`);
    sink.value += (result.output as string).length;
  };

  // A run takes ~55 ms: one run per sample, tinybench's 5 (+2 warm-up) per contender per round; many short rounds (≈ 12 s in all).
  const settings: RoundSettings = { rounds: smoke ? 1 : 12, timePerRoundMs: 250, sampleMs: 20, smoke };
  try {
    log(`model-stream: defineModelAgent vs streamText, ${DELTAS} deltas per run, ${settings.rounds} round(s)`);
    const measured = await compareRounds(
      [
        { name: AI_SDK, op: aiSdkRun },
        { name: BATON, op: batonRun },
      ],
      settings,
    );
    const aiSdk = samplesOf(measured, AI_SDK);
    const baton = samplesOf(measured, BATON);
    const perRun = (samples: number[], batch: number): Figure =>
      scaleFigure(summarize(samples, 'ms/run', `mean over a batch of ${batch} sequential runs`), 1000, 'µs/run');
    const perDelta = (samples: number[], batch: number): Figure => scaleFigure(perRun(samples, batch), 1 / DELTAS, 'µs/delta');
    return {
      id: 'model-stream',
      title: '6. Model stream (2,000 deltas)',
      rows: [
        { key: 'model-stream.ai-sdk-us', metric: `${AI_SDK}, per run`, figure: perRun(aiSdk.samples, aiSdk.batch) },
        { key: 'model-stream.baton-us', metric: `${BATON}, per run`, figure: perRun(baton.samples, baton.batch) },
        { key: 'model-stream.ai-sdk-per-delta-us', metric: `${AI_SDK}, per delta`, figure: perDelta(aiSdk.samples, aiSdk.batch) },
        { key: 'model-stream.baton-per-delta-us', metric: `${BATON}, per delta`, figure: perDelta(baton.samples, baton.batch) },
        {
          key: 'model-stream.baton-added-per-delta-us',
          metric: 'Baton added cost per delta (defineModelAgent − streamText)',
          figure: summarize(
            perRoundDifference(baton.roundMedians, aiSdk.roundMedians, 1000 / DELTAS),
            'µs/delta',
            `round (difference of round medians ÷ ${DELTAS})`,
          ),
        },
        {
          key: 'model-stream.baton-vs-ai-sdk',
          metric: 'defineModelAgent ÷ AI SDK streamText (time per delta)',
          figure: summarize(perRoundRatio(baton.roundMedians, aiSdk.roundMedians), '×', 'round (ratio of round medians)'),
          target: { comparator: '<=', value: 1.5, label: '≤ 1.5×' },
        },
      ],
      settings: { ...settings, deltasPerRun: DELTAS, batches: { [AI_SDK]: aiSdk.batch, [BATON]: baton.batch } },
      notes: [
        `No network: both contenders read the same offline model, createScriptedModel({ answer, delayMs: 0 }) from @baton/ai-sdk, whose every call streams the same ${DELTAS} text deltas (one per word of a ${ANSWER.length}-character answer, whitespace kept) with no wait between them. The figures are therefore the cost of the software between the model's stream and the reader, not of a model.`,
        `AI SDK alone: streamText({ model, prompt }) and a for await over result.fullStream that concatenates the text-delta parts, as a user of the AI SDK alone would. Baton: defineModelAgent({ model, prompt }) run with engine.executeAgent on an engine from createEngineFactory with one subscriber that counts agent_output_delta events. Each run of either is checked (${DELTAS} deltas, text equal to the answer); a mismatch fails the case.`,
        'Baton runs the same streamText call (plus stopWhen, abortSignal: ctx.signal and an onError) and reads the same fullStream, so per delta it adds the mapping of the part, ctx.writeOutput, the agent_output_delta event (envelope: user/thread/run/request/engine/execution ids, seq, timestamp) and its dispatch to the subscriber; per run, it adds the engine run (agent_started, agent_completed, result). Both contenders run in the same rounds; the ratio and the added cost are per round, from the round medians.',
      ],
    };
  } finally {
    await factory.shutdown();
  }
}
