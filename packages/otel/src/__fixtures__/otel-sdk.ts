import { metrics, trace } from '@opentelemetry/api';
import { type DataPoint, type Histogram, MeterProvider, type MetricData, MetricReader } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  type Sampler,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';

/** A reader that exports nothing by itself: a test collects when it wants to look. */
class TestMetricReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

/** An OpenTelemetry SDK in memory: spans to an in-memory exporter, metrics to a collecting reader. */
export interface TestSdk {
  readonly tracerProvider: BasicTracerProvider;
  readonly meterProvider: MeterProvider;
  /** Every finished span, in the order they ended. */
  spans(): ReadableSpan[];
  /** The one finished span named `name` (throws when there are none or several). */
  span(name: string): ReadableSpan;
  /** The metric named `name` from a fresh collection (throws when absent). */
  metric(name: string): Promise<MetricData>;
  /** Unregisters the global providers (when registered) and shuts the SDK down. */
  shutdown(): Promise<void>;
}

/** Makes an in-memory SDK; `register: true` installs it as the global tracer and meter provider. */
export function createTestSdk(options: { register?: boolean; sampler?: Sampler } = {}): TestSdk {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
    ...(options.sampler === undefined ? {} : { sampler: options.sampler }),
  });
  const reader = new TestMetricReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  if (options.register === true) {
    trace.setGlobalTracerProvider(tracerProvider);
    metrics.setGlobalMeterProvider(meterProvider);
  }
  const spans = () => exporter.getFinishedSpans();
  return {
    tracerProvider,
    meterProvider,
    spans,
    span(name) {
      const found = spans().filter((span) => span.name === name);
      if (found.length !== 1)
        throw new Error(
          `Expected one span "${name}", found ${found.length}: ${spans()
            .map((span) => span.name)
            .join(', ')}`,
        );
      return found[0]!;
    },
    async metric(name) {
      const { resourceMetrics } = await reader.collect();
      for (const scope of resourceMetrics.scopeMetrics) {
        const found = scope.metrics.find((metric) => metric.descriptor.name === name);
        if (found !== undefined) return found;
      }
      throw new Error(`No metric "${name}" was recorded`);
    },
    async shutdown() {
      if (options.register === true) {
        trace.disable();
        metrics.disable();
      }
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
    },
  };
}

/** The sum data points of a counter, as `{ attributes, value }`. */
export function counterPoints(metric: MetricData): { attributes: Record<string, unknown>; value: number }[] {
  return (metric.dataPoints as DataPoint<number>[]).map((point) => ({ attributes: { ...point.attributes }, value: point.value }));
}

/** The histogram data points of a histogram, as `{ attributes, count, sum }`. */
export function histogramPoints(metric: MetricData): { attributes: Record<string, unknown>; count: number; sum: number }[] {
  return (metric.dataPoints as DataPoint<Histogram>[]).map((point) => ({
    attributes: { ...point.attributes },
    count: point.value.count,
    sum: point.value.sum ?? Number.NaN,
  }));
}
