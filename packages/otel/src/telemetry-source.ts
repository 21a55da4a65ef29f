import { createNoopMeter, type Meter, type MeterProvider, metrics, ProxyTracerProvider, type Tracer, trace } from '@opentelemetry/api';
import { INSTRUMENTATION_SCOPE } from './attribute-names.js';
import { createRunInstruments, type RunInstruments } from './run-instruments.js';

// What the API hands out when no SDK is registered: a proxy provider without a delegate answers with
// the API's no-op provider, and the no-op meter provider with the one no-op meter. Identity checks
// against them are how the tap tells "no SDK" apart, in a few property reads, without starting a span.
const NOOP_TRACER_PROVIDER = new ProxyTracerProvider().getDelegate();
const NOOP_METER = createNoopMeter();

// Where every copy of @opentelemetry/api 1.x registers the global providers: the cross-copy protocol of
// the API (each copy reads and writes this registry object, keyed by `trace`, `metrics`, ...). Reading
// it is the one check the tap makes per event while nothing is registered, the path every agent call
// of an app without an SDK takes; the public API answers the same question in about four lookups.
const GLOBAL_REGISTRY_KEY = Symbol.for('opentelemetry.js.api.1');

interface GlobalRegistry {
  trace?: unknown;
  metrics?: unknown;
}

/** A provider that delegates (the API's proxy, from this copy of the API or another). */
interface Delegating {
  getDelegate(): unknown;
}

function isDelegating(provider: object): provider is Delegating {
  return typeof (provider as Partial<Delegating>).getDelegate === 'function';
}

/** What the tap records with; either given once (options) or looked up in the global providers. @internal */
export interface TelemetrySourceOptions {
  tracer?: Tracer | undefined;
  meter?: Meter | undefined;
}

/**
 * Hands the tap its tracer and metric instruments, or `undefined` when nothing would record them.
 *
 * Given a tracer or meter, it always returns that one. Otherwise it asks the global providers on every
 * call, because an SDK is often registered after the tap was made (the tap is built with the factory,
 * the SDK started later in `main`), and caches what it got per provider, so that the common answers
 * ("no SDK", "the same SDK as before") cost a global lookup and an identity check. The API's
 * `ProxyTracer` is not kept: it is bound to the proxy it came from, and would miss an SDK registered
 * through another copy of `@opentelemetry/api`. Metric instruments cannot be proxied at all (a meter
 * taken before the SDK stays a no-op), hence one set per meter provider.
 * @internal
 */
export class TelemetrySource {
  readonly #givenTracer: Tracer | undefined;
  readonly #givenInstruments: RunInstruments | undefined;
  #tracerDelegate: unknown;
  #tracer: Tracer | undefined;
  #meterProvider: MeterProvider | undefined;
  #instruments: RunInstruments | undefined;

  constructor(options: TelemetrySourceOptions) {
    this.#givenTracer = options.tracer;
    this.#givenInstruments = options.meter === undefined ? undefined : createRunInstruments(options.meter);
  }

  /**
   * False when nothing can be recorded: no tracer or meter was given, and no tracer or meter provider
   * is registered globally. True does not promise an SDK (the public lookups decide); false is certain.
   */
  mayRecord(): boolean {
    if (this.#givenTracer !== undefined || this.#givenInstruments !== undefined) return true;
    const registry = (globalThis as Record<symbol, GlobalRegistry | undefined>)[GLOBAL_REGISTRY_KEY];
    return registry !== undefined && (registry.trace !== undefined || registry.metrics !== undefined);
  }

  /** The tracer to start spans with; `undefined` when no tracer was given and no SDK is registered. */
  tracer(): Tracer | undefined {
    if (this.#givenTracer !== undefined) return this.#givenTracer;
    const provider = trace.getTracerProvider();
    const delegate = isDelegating(provider) ? provider.getDelegate() : provider;
    if (delegate === NOOP_TRACER_PROVIDER) return undefined;
    if (delegate !== this.#tracerDelegate) {
      this.#tracerDelegate = delegate;
      this.#tracer = provider.getTracer(INSTRUMENTATION_SCOPE);
    }
    return this.#tracer;
  }

  /** The instruments to record run metrics with; `undefined` when no meter was given and no SDK is registered. */
  instruments(): RunInstruments | undefined {
    if (this.#givenInstruments !== undefined) return this.#givenInstruments;
    const provider = metrics.getMeterProvider();
    if (provider !== this.#meterProvider) {
      this.#meterProvider = provider;
      const meter = provider.getMeter(INSTRUMENTATION_SCOPE);
      this.#instruments = meter === NOOP_METER ? undefined : createRunInstruments(meter);
    }
    return this.#instruments;
  }
}
