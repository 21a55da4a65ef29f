import { metrics } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventScript, runError } from './__fixtures__/event-script.js';
import { counterPoints, createTestSdk, histogramPoints, type TestSdk } from './__fixtures__/otel-sdk.js';
import { createOtelEventTap, type OtelEventTap } from './otel-event-tap.js';

let sdk: TestSdk;
let tap: OtelEventTap;

/** One workflow run of `status`, whose one stage ends `stageStatus` after waiting `queuedMs` for a slot. */
function run(script: EventScript, workflowId: string, status: 'succeeded' | 'failed' | 'cancelled', queuedMs = 0): void {
  const stageStatus = status === 'succeeded' ? 'succeeded' : status === 'failed' ? 'failed' : 'cancelled';
  const error = stageStatus === 'failed' ? runError('AGENT_FAILED') : stageStatus === 'cancelled' ? runError('RUN_CANCELLED') : undefined;
  tap(script.workflowStarted(workflowId, 'ask'));
  script.advance(queuedMs);
  tap(script.agentStarted(`${workflowId}-stage`, 'answer', 'answer'));
  script.advance(100);
  tap(
    script.agentCompleted(`${workflowId}-stage`, 'answer', {
      status: stageStatus,
      durationMs: queuedMs + 100,
      stage: 'answer',
      ...(error === undefined ? {} : { error }),
    }),
  );
  tap(
    script.workflowCompleted(workflowId, {
      status,
      durationMs: queuedMs + 100,
      succeededStages: status === 'succeeded' ? 1 : 0,
      totalStages: 1,
    }),
  );
}

describe('createOtelEventTap: metrics', () => {
  beforeEach(() => {
    sdk = createTestSdk({ register: true });
    tap = createOtelEventTap();
  });
  afterEach(async () => {
    await sdk.shutdown();
  });

  it('counts finished workflow runs and agent calls by status', async () => {
    const script = new EventScript();
    run(script, 'wf-1', 'succeeded');
    run(script, 'wf-2', 'succeeded');
    run(script, 'wf-3', 'failed');
    run(script, 'wf-4', 'cancelled');
    const workflowRuns = counterPoints(await sdk.metric('baton.workflow.runs'));
    expect(workflowRuns).toEqual(
      expect.arrayContaining([
        { attributes: { 'baton.status': 'succeeded', 'baton.workflow_name': 'ask' }, value: 2 },
        { attributes: { 'baton.status': 'failed', 'baton.workflow_name': 'ask' }, value: 1 },
        { attributes: { 'baton.status': 'cancelled', 'baton.workflow_name': 'ask' }, value: 1 },
      ]),
    );
    expect(workflowRuns).toHaveLength(3);
    const agentRuns = counterPoints(await sdk.metric('baton.agent.runs'));
    expect(agentRuns).toEqual(
      expect.arrayContaining([
        { attributes: { 'baton.agent_name': 'answer', 'baton.status': 'succeeded' }, value: 2 },
        { attributes: { 'baton.agent_name': 'answer', 'baton.status': 'failed', 'error.type': 'AGENT_FAILED' }, value: 1 },
        { attributes: { 'baton.agent_name': 'answer', 'baton.status': 'cancelled', 'error.type': 'RUN_CANCELLED' }, value: 1 },
      ]),
    );
  });

  it('records run durations in seconds in histograms, with the units the conventions use', async () => {
    const script = new EventScript();
    run(script, 'wf-1', 'succeeded');
    run(script, 'wf-2', 'succeeded', 400);
    const durations = await sdk.metric('baton.workflow.duration');
    expect(durations.descriptor.unit).toBe('s');
    expect(histogramPoints(durations)).toEqual([
      { attributes: { 'baton.status': 'succeeded', 'baton.workflow_name': 'ask' }, count: 2, sum: 0.6 },
    ]);
    const agentDurations = histogramPoints(await sdk.metric('baton.agent.duration'));
    expect(agentDurations).toEqual([{ attributes: { 'baton.agent_name': 'answer', 'baton.status': 'succeeded' }, count: 2, sum: 0.6 }]);
  });

  it('records the queue wait of each call: start minus call time, or the whole wait for a call that never got a slot', async () => {
    const script = new EventScript();
    run(script, 'wf-1', 'succeeded', 250);
    tap(
      script.advance(70).agentCompleted('ex-queued', 'answer', { status: 'cancelled', durationMs: 70, error: runError('RUN_CANCELLED') }),
    );
    const waits = histogramPoints(await sdk.metric('baton.agent.queue_wait'));
    expect(waits).toEqual([{ attributes: { 'baton.agent_name': 'answer' }, count: 2, sum: 0.32 }]);
  });
});

describe('createOtelEventTap: metrics without a tracer provider', () => {
  it('records metrics with only a meter provider registered: entries are kept for the queue wait, then dropped', async () => {
    const metricsOnly = createTestSdk();
    metrics.setGlobalMeterProvider(metricsOnly.meterProvider);
    try {
      tap = createOtelEventTap();
      const script = new EventScript();
      tap(script.agentStarted('ex-1', 'answer'));
      expect(tap.openSpanCount()).toBe(1);
      tap(script.advance(50).agentCompleted('ex-1', 'answer', { status: 'succeeded', durationMs: 80 }));
      expect(tap.openSpanCount()).toBe(0);
      expect(metricsOnly.spans()).toHaveLength(0);
      expect(histogramPoints(await metricsOnly.metric('baton.agent.queue_wait'))[0]).toMatchObject({ count: 1, sum: 0.03 });
    } finally {
      metrics.disable();
      await metricsOnly.shutdown();
    }
  });
});
