import { type AgentEvent, InvalidConfigError, InvalidEventError } from '@baton/engine-contract';
import type { Meter, Tracer } from '@opentelemetry/api';
import { EventSpanRecorder } from './event-span-recorder.js';

/** The most spans the tap keeps open by default; beyond it the oldest is ended to make room. */
export const DEFAULT_MAX_OPEN_SPANS = 10_000;
/** How long (ms) a span may wait for its terminal event by default before the tap ends it. */
export const DEFAULT_OPEN_SPAN_TIMEOUT_MS = 3_600_000;

/** What `createOtelEventTap` accepts; every field is optional. */
export interface OtelEventTapOptions {
  /**
   * The tracer to start spans with. Default: a tracer of the global tracer provider, looked up as
   * events come (an SDK registered after the tap was made is picked up); without an SDK, no span.
   */
  tracer?: Tracer;
  /**
   * The meter to record run metrics with. Default: the global meter provider's, looked up the same
   * way; without an SDK, no metric.
   */
  meter?: Meter;
  /** The most spans kept open at once (default 10,000); the oldest is ended (status ERROR) to make room. */
  maxOpenSpans?: number;
  /**
   * How long (ms) a span may wait for its terminal event (default one hour): one that waited longer is
   * ended with status ERROR (`error.type: BATON_SPAN_ABANDONED`) when the next span opens, or by `sweep()`.
   */
  openSpanTimeoutMs?: number;
  /** The clock the timeout is measured with (epoch ms). Default `Date.now`. */
  now?: () => number;
}

/** The tap: a function for the factory's `onEvent` (or `engine.subscribe`), with a few controls. */
export interface OtelEventTap {
  /** Records one event. Never throws for an event of the contract; thoughts and output deltas are ignored. */
  (event: AgentEvent): void;
  /** How many spans the tap holds open (runs, calls and tool calls in flight; 0 when no SDK is registered). */
  openSpanCount(): number;
  /** Ends the spans open longer than `openSpanTimeoutMs` (status ERROR); returns how many it ended. */
  sweep(): number;
  /** Ends every open span (status ERROR), e.g. before the tracer provider shuts down; returns how many. */
  endOpenSpans(): number;
}

const OPTION_KEYS = 'tracer?, meter?, maxOpenSpans?, openSpanTimeoutMs?, now?';

function fail(message: string): never {
  throw new InvalidConfigError({ message: `createOtelEventTap: ${message}` });
}

function positiveInteger(value: unknown, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1)
    fail(`${field} must be an integer ≥ 1 (got ${String(value)})`);
  return value;
}

function hasMethod(value: unknown, method: string): boolean {
  return typeof value === 'object' && value !== null && typeof (value as Record<string, unknown>)[method] === 'function';
}

/**
 * Creates a tap that turns Baton events into OpenTelemetry spans and metrics. Spans: one per workflow
 * run (`baton.workflow <workflowName>`), a child per agent call (`baton.agent <agentName>`), a child
 * of that per tool call (`baton.tool <toolName>`), with `baton.*` ids, `baton.status`, GenAI
 * semantic-convention attributes (`gen_ai.usage.input_tokens` / `output_tokens` where usage was
 * reported) and status ERROR with `error.type` set to the error code on failure and timeout. Metrics:
 * `baton.workflow.duration`, `baton.workflow.runs`, `baton.agent.duration`, `baton.agent.runs` (by
 * `baton.status`) and `baton.agent.queue_wait`. Nothing is recorded, and nothing kept, while no SDK is
 * registered (and no tracer or meter was given).
 * @throws InvalidConfigError for options that are not an object, a tracer without `startSpan`, a meter
 *   without `createHistogram`, limits that are not integers ≥ 1, or a clock that is not a function.
 * @example
 * const factory = createEngineFactory({ agents, onEvent: [bus.publish, createOtelEventTap()] });
 */
export function createOtelEventTap(options: OtelEventTapOptions = {}): OtelEventTap {
  if (typeof options !== 'object' || options === null) fail(`expects options { ${OPTION_KEYS} } or nothing`);
  const { tracer, meter, now } = options;
  if (tracer !== undefined && !hasMethod(tracer, 'startSpan')) fail('tracer must be an OpenTelemetry Tracer (with startSpan)');
  if (meter !== undefined && !hasMethod(meter, 'createHistogram')) fail('meter must be an OpenTelemetry Meter (with createHistogram)');
  if (now !== undefined && typeof now !== 'function') fail('now must be a function returning epoch ms');
  const recorder = new EventSpanRecorder({
    tracer,
    meter,
    maxOpenSpans: positiveInteger(options.maxOpenSpans, 'maxOpenSpans', DEFAULT_MAX_OPEN_SPANS),
    openSpanTimeoutMs: positiveInteger(options.openSpanTimeoutMs, 'openSpanTimeoutMs', DEFAULT_OPEN_SPAN_TIMEOUT_MS),
    now: now ?? Date.now,
  });
  const tap = (event: AgentEvent): void => {
    if (typeof event !== 'object' || event === null) {
      throw new InvalidEventError({
        message: `The OpenTelemetry tap expects an AgentEvent object, got ${event === null ? 'null' : typeof event}`,
      });
    }
    recorder.record(event);
  };
  return Object.assign(tap, {
    openSpanCount: () => recorder.openCount,
    sweep: () => recorder.sweep(),
    endOpenSpans: () => recorder.endAll(),
  });
}
