import { defineAgent } from '@baton/engine-contract';
import { createEngineFactory } from '@baton/engine-factory';
import { createOtelEventTap } from '@baton/otel';
import { metrics, trace } from '@opentelemetry/api';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, BatchSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { CaseOptions, CaseResult } from '../case-result.js';
import { benchContext, sink, trivialWork } from '../fixtures.js';
import { type Contender, compareRounds, perRoundDifference, perRoundRatio, type RoundSettings, samplesOf } from '../harness.js';
import { type Figure, scaleFigure, summarize } from '../stats.js';

const UNOBSERVED = 'engine.executeAgent, no listener, no tap';
const BARE = 'engine.executeAgent (1 listener), no tap';
const NO_SDK = 'engine.executeAgent (1 listener) + OTel tap, no SDK registered';
const BARE_AGAIN = 'engine.executeAgent (1 listener), no tap ‡';
const WITH_SDK = 'engine.executeAgent (1 listener) + OTel tap, SDK registered ‡';

/** An exporter that drops what it gets (counting it): the cost measured is Baton's and the SDK's, not a network's. */
class DiscardingExporter implements SpanExporter {
  exported = 0;
  export(spans: ReadableSpan[], done: (result: { code: number }) => void): void {
    this.exported += spans.length;
    done({ code: 0 });
  }
  async shutdown(): Promise<void> {}
}

/** A metric reader that is never asked to collect: what is measured is the recording, as between two exports. */
class IdleMetricReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

/**
 * Case 9: what `@baton/otel`'s tap costs per agent call, with no SDK registered (the path every
 * call takes in an app that ships the tap but does not export traces) and with an SDK registered
 * (a span per call through a BatchSpanProcessor, two counters and two histograms).
 */
export async function runOtelTap({ smoke, log }: CaseOptions): Promise<CaseResult> {
  const agent = defineAgent({ name: 'step', run: (input: number) => trivialWork(input) });
  const tap = createOtelEventTap();
  const plainFactory = createEngineFactory({ agents: [agent] });
  const tappedFactory = createEngineFactory({ agents: [agent], onEvent: [tap] });
  const unobserved = await plainFactory.createEngine(benchContext(900));
  const bare = await plainFactory.createEngine(benchContext(901));
  const tapped = await tappedFactory.createEngine(benchContext(902));
  let eventsSeen = 0;
  for (const engine of [bare, tapped]) {
    engine.subscribe(() => {
      eventsSeen++;
    });
  }
  let input = 0;
  const step =
    (engine: typeof bare): Contender['op'] =>
    async () => {
      const result = await engine.executeAgent({ agentName: 'step', input: input++ });
      if (result.status !== 'succeeded') throw new Error(`step ended ${result.status}: ${result.error?.message}`);
      sink.value += result.output as number;
    };

  const exporter = new DiscardingExporter();
  // A queue large enough that no span is dropped between two exports (a dropped span would cost less).
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new BatchSpanProcessor(exporter, { maxQueueSize: 65_536, maxExportBatchSize: 512, scheduledDelayMillis: 200 })],
  });
  const meterProvider = new MeterProvider({ readers: [new IdleMetricReader()] });
  const settings: RoundSettings = { rounds: smoke ? 1 : 10, timePerRoundMs: 300, sampleMs: 5, smoke };
  try {
    log(`otel-tap: bare vs tap without an SDK, ${settings.rounds} round(s)`);
    const withoutSdk = await compareRounds(
      [
        { name: UNOBSERVED, op: step(unobserved) },
        { name: BARE, op: step(bare) },
        { name: NO_SDK, op: step(tapped) },
      ],
      settings,
    );
    if (tap.openSpanCount() !== 0 || exporter.exported !== 0) throw new Error('The tap recorded something without an SDK');
    // The same tap, registered SDK: it looks the global providers up as events come.
    trace.setGlobalTracerProvider(tracerProvider);
    metrics.setGlobalMeterProvider(meterProvider);
    log(`otel-tap: bare vs tap with an SDK registered, ${settings.rounds} round(s)`);
    const withSdk = await compareRounds(
      [
        { name: BARE_AGAIN, op: step(bare) },
        { name: WITH_SDK, op: step(tapped) },
      ],
      settings,
    );
    await tracerProvider.forceFlush();
    if (exporter.exported === 0) throw new Error('The tap recorded no span with an SDK registered');
    if (eventsSeen === 0) throw new Error('The listeners saw no events');

    const measured = new Map([...withoutSdk, ...withSdk]);
    const perRun = (name: string): Figure => {
      const { samples, batch } = samplesOf(measured, name);
      return scaleFigure(summarize(samples, 'ms/run', `mean over a batch of ${batch} sequential runs`), 1000, 'µs/run');
    };
    const overheadPercent = (name: string, base: string): Figure =>
      summarize(
        perRoundRatio(samplesOf(measured, name).roundMedians, samplesOf(measured, base).roundMedians).map((ratio) => (ratio - 1) * 100),
        '%',
        'round (ratio of round medians − 1)',
      );
    const added = (name: string, base: string): Figure =>
      summarize(
        perRoundDifference(samplesOf(measured, name).roundMedians, samplesOf(measured, base).roundMedians, 1000),
        'µs/run',
        'round (difference of round medians)',
      );
    return {
      id: 'otel-tap',
      title: '9. OpenTelemetry tap',
      rows: [
        { key: 'otel-tap.unobserved-us', metric: UNOBSERVED, figure: perRun(UNOBSERVED) },
        { key: 'otel-tap.bare-us', metric: BARE, figure: perRun(BARE) },
        { key: 'otel-tap.no-sdk-us', metric: NO_SDK, figure: perRun(NO_SDK) },
        {
          key: 'otel-tap.no-sdk-overhead-pct',
          metric: 'OTel tap without an SDK: added cost per agent call, % of a bare call',
          figure: overheadPercent(NO_SDK, BARE),
          target: { comparator: '<=', value: 5, label: '≤ 5% of a bare call' },
        },
        { key: 'otel-tap.no-sdk-added-us', metric: 'OTel tap without an SDK: added cost per agent call', figure: added(NO_SDK, BARE) },
        { key: 'otel-tap.bare-again-us', metric: BARE_AGAIN, figure: perRun(BARE_AGAIN) },
        { key: 'otel-tap.sdk-us', metric: WITH_SDK, figure: perRun(WITH_SDK) },
        {
          key: 'otel-tap.sdk-overhead-pct',
          metric: 'OTel tap with an SDK: added cost per agent call, % of a bare call ‡',
          figure: overheadPercent(WITH_SDK, BARE_AGAIN),
        },
        { key: 'otel-tap.sdk-added-us', metric: 'OTel tap with an SDK: added cost per agent call ‡', figure: added(WITH_SDK, BARE_AGAIN) },
      ],
      settings: {
        ...settings,
        spansExported: exporter.exported,
        batches: Object.fromEntries(
          [UNOBSERVED, BARE, NO_SDK, BARE_AGAIN, WITH_SDK].map((name) => [name, samplesOf(measured, name).batch]),
        ),
      },
      notes: [
        'Every contender runs the same trivial async agent on its own engine (sequential calls). The bare call and the tapped call both have one counting listener, so both build the two events of a call (agent_started, agent_completed) and the figures isolate the tap; the unobserved row (no listener, no tap: no event is built) shows what building events costs.',
        'Without an SDK the tap does two global-provider lookups per event that could open a span or record a metric and keeps nothing. With an SDK (‡, measured after the global tracer and meter providers were registered, in the same process, with the same tap): one span per call through a BatchSpanProcessor to an exporter that drops the spans, and the agent-call counter and histograms on a MeterProvider whose reader is never asked to collect.',
      ],
    };
  } finally {
    trace.disable();
    metrics.disable();
    await Promise.all([plainFactory.shutdown(), tappedFactory.shutdown()]);
    await tracerProvider.shutdown();
    await meterProvider.shutdown();
  }
}
