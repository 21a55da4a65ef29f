import { type AgentEvent, InvalidConfigError } from '@baton/engine-contract';
import { metrics, trace } from '@opentelemetry/api';
import { AlwaysOffSampler } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventScript, runError } from './__fixtures__/event-script.js';
import { createTestSdk, type TestSdk } from './__fixtures__/otel-sdk.js';
import { createOtelEventTap } from './otel-event-tap.js';

const sdks: TestSdk[] = [];
afterEach(async () => {
  trace.disable();
  metrics.disable();
  for (const sdk of sdks.splice(0)) await sdk.shutdown();
});
function sdk(options: Parameters<typeof createTestSdk>[0] = {}): TestSdk {
  const made = createTestSdk(options);
  sdks.push(made);
  return made;
}

/** A workflow run with a tool call and a failing stage. */
function run(script: EventScript, workflowId: string): AgentEvent[] {
  return [
    script.workflowStarted(workflowId, 'ask'),
    script.agentStarted(`${workflowId}-a`, 'research', 'research'),
    script.toolExecuting(`${workflowId}-a`, 'research', 'call-1', 'search'),
    script.toolCompleted(`${workflowId}-a`, 'research', 'call-1', 'search', { status: 'succeeded', durationMs: 1 }),
    script.agentCompleted(`${workflowId}-a`, 'research', {
      status: 'failed',
      durationMs: 2,
      stage: 'research',
      error: runError('AGENT_FAILED'),
    }),
    script.workflowCompleted(workflowId, { status: 'failed', durationMs: 3, succeededStages: 0, totalStages: 1 }),
  ];
}

describe('createOtelEventTap without an SDK', () => {
  it('records nothing and keeps nothing open while no SDK is registered', async () => {
    const tap = createOtelEventTap();
    const script = new EventScript();
    const events = run(script, 'wf-1');
    for (const event of events.slice(0, 3)) tap(event);
    // Mid-run: the run, its call and its tool call would be open with an SDK.
    expect(tap.openSpanCount()).toBe(0);
    for (const event of events.slice(3)) tap(event);
    expect(tap.openSpanCount()).toBe(0);
    // An SDK registered afterwards has nothing from before it.
    const late = sdk({ register: true });
    expect(late.spans()).toHaveLength(0);
    await expect(late.metric('baton.agent.runs')).rejects.toThrow(/No metric/);
  });

  it('never asks the global tracer provider for a tracer while it is the no-op one', () => {
    const getTracer = vi.spyOn(trace.getTracerProvider(), 'getTracer');
    const tap = createOtelEventTap();
    for (const event of run(new EventScript(), 'wf-1')) tap(event);
    // Also with a meter provider registered (the global registry exists, the tracer provider is still the no-op).
    metrics.setGlobalMeterProvider(sdk().meterProvider);
    for (const event of run(new EventScript(), 'wf-2')) tap(event);
    expect(getTracer).not.toHaveBeenCalled();
  });

  it('picks up an SDK registered after the tap was made, and stops when it is unregistered', async () => {
    const tap = createOtelEventTap();
    const script = new EventScript();
    for (const event of run(script, 'wf-before')) tap(event);
    const registered = sdk({ register: true });
    for (const event of run(script, 'wf-during')) tap(event);
    expect(registered.spans().map((span) => span.attributes['baton.execution_id'])).toEqual(['wf-during-a', 'wf-during-a', 'wf-during']);
    trace.disable();
    metrics.disable();
    for (const event of run(script, 'wf-after')) tap(event);
    expect(registered.spans()).toHaveLength(3);
    expect(tap.openSpanCount()).toBe(0);
  });

  it('uses a tracer and meter given as options whatever the global providers are', async () => {
    const given = sdk();
    const tap = createOtelEventTap({ tracer: given.tracerProvider.getTracer('mine'), meter: given.meterProvider.getMeter('mine') });
    for (const event of run(new EventScript(), 'wf-1')) tap(event);
    expect(given.spans().map((span) => span.name)).toEqual(['baton.tool search', 'baton.agent research', 'baton.workflow ask']);
    expect(given.spans()[0]?.instrumentationScope.name).toBe('mine');
    expect((await given.metric('baton.workflow.runs')).dataPoints).toHaveLength(1);
  });

  it('keeps nothing for the no-op tracer of the API given as an option (no SDK behind it)', () => {
    const tap = createOtelEventTap({ tracer: trace.getTracer('unregistered') });
    const script = new EventScript();
    tap(script.agentStarted('ex-1', 'research'));
    expect(tap.openSpanCount()).toBe(0);
  });

  it('keeps sampled-out spans until their end, so that their children stay in the unsampled trace', () => {
    const sampledOut = sdk({ register: true, sampler: new AlwaysOffSampler() });
    const tap = createOtelEventTap();
    const events = run(new EventScript(), 'wf-1');
    for (const event of events.slice(0, 3)) tap(event);
    expect(tap.openSpanCount()).toBe(3);
    for (const event of events.slice(3)) tap(event);
    expect(tap.openSpanCount()).toBe(0);
    expect(sampledOut.spans()).toHaveLength(0);
  });
});

describe('createOtelEventTap options', () => {
  it.each([
    [
      'options that are not an object',
      'nope',
      'createOtelEventTap: expects options { tracer?, meter?, maxOpenSpans?, openSpanTimeoutMs?, now? } or nothing',
    ],
    ['a tracer without startSpan', { tracer: {} }, 'createOtelEventTap: tracer must be an OpenTelemetry Tracer (with startSpan)'],
    [
      'a meter without createHistogram',
      { meter: { createCounter() {} } },
      'createOtelEventTap: meter must be an OpenTelemetry Meter (with createHistogram)',
    ],
    ['a clock that is not a function', { now: 5 }, 'createOtelEventTap: now must be a function returning epoch ms'],
    ['maxOpenSpans 0', { maxOpenSpans: 0 }, 'createOtelEventTap: maxOpenSpans must be an integer ≥ 1 (got 0)'],
    ['a fractional maxOpenSpans', { maxOpenSpans: 1.5 }, 'createOtelEventTap: maxOpenSpans must be an integer ≥ 1 (got 1.5)'],
    [
      'a string openSpanTimeoutMs',
      { openSpanTimeoutMs: '60000' },
      'createOtelEventTap: openSpanTimeoutMs must be an integer ≥ 1 (got 60000)',
    ],
  ])('refuses %s with InvalidConfigError', (_case, options, message) => {
    const attempt = () => createOtelEventTap(options as never);
    expect(attempt).toThrow(InvalidConfigError);
    expect(attempt).toThrow(message);
  });

  it('accepts no options, and undefined fields', () => {
    expect(createOtelEventTap().openSpanCount()).toBe(0);
    expect(createOtelEventTap({ tracer: undefined, maxOpenSpans: undefined }).openSpanCount()).toBe(0);
  });
});
