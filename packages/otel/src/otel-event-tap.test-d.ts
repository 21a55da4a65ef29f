import type { AgentEvent } from '@baton/engine-contract';
import type { Meter, Tracer } from '@opentelemetry/api';
import { describe, expectTypeOf, it } from 'vitest';
import { createOtelEventTap, type OtelEventTap, type OtelEventTapOptions } from './index.js';

describe('createOtelEventTap types', () => {
  it('returns a function that fits an event tap (the factory onEvent, engine.subscribe)', () => {
    const tap = createOtelEventTap();
    expectTypeOf(tap).toEqualTypeOf<OtelEventTap>();
    expectTypeOf(tap).toMatchTypeOf<(event: AgentEvent) => void>();
    expectTypeOf(tap).parameters.toEqualTypeOf<[AgentEvent]>();
    expectTypeOf(tap.openSpanCount).returns.toEqualTypeOf<number>();
    expectTypeOf(tap.sweep).returns.toEqualTypeOf<number>();
    expectTypeOf(tap.endOpenSpans).returns.toEqualTypeOf<number>();
  });

  it('takes OpenTelemetry API tracers and meters, and optional limits and clock', () => {
    expectTypeOf<OtelEventTapOptions['tracer']>().toEqualTypeOf<Tracer | undefined>();
    expectTypeOf<OtelEventTapOptions['meter']>().toEqualTypeOf<Meter | undefined>();
    expectTypeOf(createOtelEventTap).parameter(0).toEqualTypeOf<OtelEventTapOptions | undefined>();
    // @ts-expect-error: maxOpenSpans is a number
    createOtelEventTap({ maxOpenSpans: '10' });
    // @ts-expect-error: unknown option
    createOtelEventTap({ tracerProvider: {} });
  });
});
