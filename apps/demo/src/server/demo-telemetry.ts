import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { NodeSDK, type NodeSDKConfiguration } from '@opentelemetry/sdk-node';

/** The OpenTelemetry Node SDK of the demo, when it was started. */
export interface DemoTelemetry {
  /** Where traces go (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, else `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces`); `undefined` when off. */
  readonly tracesEndpoint: string | undefined;
  /** Exports what is buffered, stops the SDK and unregisters its global providers. Idempotent. */
  shutdown(): Promise<void>;
}

/** What a test may put in place of the network: span processors (an in-memory exporter), metric readers and log processors. */
export type DemoTelemetryOverrides = Pick<Partial<NodeSDKConfiguration>, 'spanProcessors' | 'metricReaders' | 'logRecordProcessors'>;

const OFF: DemoTelemetry = Object.freeze({ tracesEndpoint: undefined, shutdown: async () => {} });

/**
 * Starts the OpenTelemetry Node SDK when `OTEL_EXPORTER_OTLP_ENDPOINT` (or
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set, and does nothing otherwise. Traces go over OTLP/HTTP
 * (`@opentelemetry/exporter-trace-otlp-http`, which reads the standard variables itself:
 * `OTEL_EXPORTER_OTLP_HEADERS`, `OTEL_EXPORTER_OTLP_TIMEOUT`, ...); metrics and logs follow the SDK's
 * own variables (`OTEL_METRICS_EXPORTER`, default `otlp`; `none` turns them off). The service is
 * `baton-demo` unless `OTEL_SERVICE_NAME` says otherwise. The demo's engine factory carries
 * `createOtelEventTap()` either way: without the SDK it records nothing and keeps nothing.
 */
export function startDemoTelemetry(env: NodeJS.ProcessEnv, overrides: DemoTelemetryOverrides = {}): DemoTelemetry {
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT || undefined;
  const tracesOnly = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || undefined;
  if (base === undefined && tracesOnly === undefined) return OFF;
  const tracesEndpoint = tracesOnly ?? `${base!.replace(/\/+$/, '')}/v1/traces`;
  const sdk = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME || 'baton-demo',
    ...(overrides.spanProcessors === undefined ? { traceExporter: new OTLPTraceExporter({ url: tracesEndpoint }) } : {}),
    ...overrides,
  });
  sdk.start();
  let stopped: Promise<void> | undefined;
  return {
    tracesEndpoint,
    shutdown() {
      stopped ??= sdk.shutdown().finally(() => {
        // The SDK flushes and stops its providers but leaves them registered; a later start (tests) needs them gone.
        trace.disable();
        metrics.disable();
        context.disable();
        propagation.disable();
      });
      return stopped;
    },
  };
}
