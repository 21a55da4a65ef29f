import type { AgentEvent } from '@baton/engine-contract';
import { SpanStatusCode } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventScript, runError } from './__fixtures__/event-script.js';
import { createTestSdk, type TestSdk } from './__fixtures__/otel-sdk.js';
import { createOtelEventTap } from './otel-event-tap.js';

let sdk: TestSdk;
beforeEach(() => {
  sdk = createTestSdk({ register: true });
});
afterEach(async () => {
  await sdk.shutdown();
});

/** A clock the test moves by hand. */
function manualClock(start = 1_000) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}

const abandoned = (name: string) => {
  const span = sdk.span(name);
  return {
    status: span.status.code,
    baton: span.attributes['baton.status'],
    type: span.attributes['error.type'],
    message: span.status.message,
  };
};

describe('createOtelEventTap: the bounded map of open spans', () => {
  it('ends a span whose terminal event did not come within openSpanTimeoutMs when the next span opens', () => {
    const clock = manualClock();
    const tap = createOtelEventTap({ openSpanTimeoutMs: 60_000, now: clock.now });
    const script = new EventScript();
    tap(script.agentStarted('ex-lost', 'lost'));
    tap(script.toolExecuting('ex-lost', 'lost', 'call-1', 'search'));
    clock.advance(59_999);
    tap(script.agentStarted('ex-young', 'young'));
    expect(tap.openSpanCount()).toBe(3);
    clock.advance(1);
    tap(script.agentStarted('ex-next', 'next'));
    // The lost call and its tool call are ended; the call opened 1 ms ago is not.
    expect(tap.openSpanCount()).toBe(2);
    expect(abandoned('baton.agent lost')).toEqual({
      status: SpanStatusCode.ERROR,
      baton: 'abandoned',
      type: 'BATON_SPAN_ABANDONED',
      message: 'BATON_SPAN_ABANDONED: no terminal event within openSpanTimeoutMs',
    });
    expect(abandoned('baton.tool search').type).toBe('BATON_SPAN_ABANDONED');
    expect(sdk.spans().map((span) => span.name)).not.toContain('baton.agent young');
    // Its late agent_completed finds nothing to end twice: the call is recorded as a span of its own.
    tap(script.agentCompleted('ex-lost', 'lost', { status: 'succeeded', durationMs: 60_000 }));
    expect(tap.openSpanCount()).toBe(2);
  });

  it('ends the expired spans on sweep(), without waiting for another span to open', () => {
    const clock = manualClock();
    const tap = createOtelEventTap({ openSpanTimeoutMs: 1_000, now: clock.now });
    const script = new EventScript();
    tap(script.workflowStarted('wf-1', 'ask'));
    tap(script.agentStarted('ex-1', 'research', 'research'));
    expect(tap.sweep()).toBe(0);
    clock.advance(1_000);
    expect(tap.sweep()).toBe(2);
    expect(tap.openSpanCount()).toBe(0);
    expect(abandoned('baton.workflow ask').type).toBe('BATON_SPAN_ABANDONED');
    // The engine index went with the run: a later stage on that engine is a root span.
    tap(script.agentStarted('ex-2', 'answer', 'answer'));
    tap(script.agentCompleted('ex-2', 'answer', { status: 'succeeded', durationMs: 1, stage: 'answer' }));
    expect(sdk.span('baton.agent answer').parentSpanContext).toBeUndefined();
  });

  it('holds at most maxOpenSpans: the oldest is ended to make room', () => {
    const tap = createOtelEventTap({ maxOpenSpans: 2 });
    const script = new EventScript();
    tap(script.agentStarted('ex-1', 'first'));
    tap(script.agentStarted('ex-2', 'second'));
    tap(script.agentStarted('ex-3', 'third'));
    expect(tap.openSpanCount()).toBe(2);
    expect(abandoned('baton.agent first').message).toBe(
      'BATON_SPAN_ABANDONED: more than maxOpenSpans spans were open; the oldest was ended',
    );
  });

  it('ends the previous span when a second start comes for the same id', () => {
    const tap = createOtelEventTap();
    const script = new EventScript();
    tap(script.agentStarted('ex-1', 'echo'));
    tap(script.agentStarted('ex-1', 'echo'));
    expect(tap.openSpanCount()).toBe(1);
    expect(sdk.spans()).toHaveLength(1);
    expect(sdk.spans()[0]?.status.message).toBe('BATON_SPAN_ABANDONED: a second start event came for the same id');
  });

  it('ends a tool call left open when its agent call ends, and everything on endOpenSpans()', () => {
    const tap = createOtelEventTap();
    const script = new EventScript();
    tap(script.agentStarted('ex-1', 'research'));
    tap(script.toolExecuting('ex-1', 'research', 'call-1', 'search'));
    tap(script.agentCompleted('ex-1', 'research', { status: 'succeeded', durationMs: 1 }));
    expect(abandoned('baton.tool search').message).toBe('BATON_SPAN_ABANDONED: its agent call ended first');
    expect(sdk.span('baton.agent research').status.code).toBe(SpanStatusCode.UNSET);
    tap(script.workflowStarted('wf-1', 'ask'));
    tap(script.agentStarted('ex-2', 'answer', 'answer'));
    tap(script.toolExecuting('ex-2', 'answer', 'call-2', 'lookup'));
    expect(tap.endOpenSpans()).toBe(3);
    expect(tap.openSpanCount()).toBe(0);
    expect(abandoned('baton.workflow ask').message).toBe(
      'BATON_SPAN_ABANDONED: the tap was closed (endOpenSpans) before the terminal event',
    );
    expect(sdk.spans().every((span) => span.ended)).toBe(true);
  });

  it('leaves nothing open after 10,000 runs with failures, timeouts, cancellations, suspensions and queued cancellations', async () => {
    const tap = createOtelEventTap();
    const script = new EventScript();
    let expectedSpans = 0;
    let peakOpen = 0;
    const emit = (event: AgentEvent) => {
      tap(event);
      peakOpen = Math.max(peakOpen, tap.openSpanCount());
    };
    for (let index = 0; index < 10_000; index++) {
      const workflowId = `wf-${index}`;
      const kind = index % 5; // 0 ok, 1 stage fails, 2 stage times out mid-tool, 3 cancelled in queue, 4 suspended
      emit(script.workflowStarted(workflowId, 'ask'));
      emit(script.workflowPlanned(workflowId, ['research', 'answer']));
      emit(script.agentStarted(`${workflowId}-r`, 'research', 'research'));
      emit(script.toolExecuting(`${workflowId}-r`, 'research', 'call-1', 'search'));
      expectedSpans += 3;
      if (kind === 2) {
        // The engine closes the tool call as failed before the timed-out agent_completed.
        emit(
          script.toolCompleted(`${workflowId}-r`, 'research', 'call-1', 'search', {
            status: 'failed',
            durationMs: 5,
            error: { name: 'BatonError', message: 'timed out' },
          }),
        );
        emit(
          script.agentCompleted(`${workflowId}-r`, 'research', {
            status: 'timed_out',
            durationMs: 5,
            stage: 'research',
            error: runError('RUN_TIMEOUT'),
          }),
        );
        emit(script.workflowCompleted(workflowId, { status: 'failed', durationMs: 6, succeededStages: 0, totalStages: 1 }));
        continue;
      }
      emit(script.toolCompleted(`${workflowId}-r`, 'research', 'call-1', 'search', { status: 'succeeded', durationMs: 1 }));
      if (kind === 1) {
        emit(
          script.agentCompleted(`${workflowId}-r`, 'research', {
            status: 'failed',
            durationMs: 2,
            stage: 'research',
            error: runError('AGENT_FAILED'),
          }),
        );
        emit(script.workflowCompleted(workflowId, { status: 'failed', durationMs: 3, succeededStages: 0, totalStages: 1 }));
        continue;
      }
      emit(script.agentCompleted(`${workflowId}-r`, 'research', { status: 'succeeded', durationMs: 2, stage: 'research' }));
      if (kind === 4) {
        emit(script.workflowSuspended(workflowId, 'answer'));
        continue;
      }
      if (kind === 3) {
        // Cancelled while waiting for a slot: agent_completed without agent_started.
        emit(
          script.agentCompleted(`${workflowId}-a`, 'answer', {
            status: 'cancelled',
            durationMs: 4,
            stage: 'answer',
            error: runError('RUN_CANCELLED'),
          }),
        );
        emit(script.workflowCompleted(workflowId, { status: 'cancelled', durationMs: 5, succeededStages: 1, totalStages: 2 }));
        expectedSpans += 1;
        continue;
      }
      emit(script.agentStarted(`${workflowId}-a`, 'answer', 'answer'));
      emit(
        script.agentCompleted(`${workflowId}-a`, 'answer', {
          status: 'succeeded',
          durationMs: 2,
          stage: 'answer',
          usage: { inputTokens: 3, outputTokens: 4, totalTokens: 7 },
        }),
      );
      emit(script.workflowCompleted(workflowId, { status: 'succeeded', durationMs: 5, succeededStages: 2, totalStages: 2 }));
      expectedSpans += 1;
    }
    expect(tap.openSpanCount()).toBe(0);
    expect(peakOpen).toBe(3);
    const spans = sdk.spans();
    expect(spans).toHaveLength(expectedSpans);
    expect(spans.every((span) => span.ended)).toBe(true);
    expect(spans.filter((span) => span.attributes['baton.status'] === 'abandoned')).toHaveLength(0);
    // Every agent span hangs from its own run's workflow span.
    const workflowSpanIds = new Map(
      spans
        .filter((span) => span.name === 'baton.workflow ask')
        .map((span) => [span.attributes['baton.workflow_id'], span.spanContext().spanId]),
    );
    for (const span of spans.filter((candidate) => candidate.name.startsWith('baton.agent'))) {
      expect(span.parentSpanContext?.spanId).toBe(workflowSpanIds.get(span.attributes['baton.workflow_id']));
    }
    const runs = (await sdk.metric('baton.workflow.runs')).dataPoints.reduce((sum, point) => sum + (point.value as number), 0);
    expect(runs).toBe(8_000);
    // A safety net only: the test asserts what is left open, never how fast (the SDK makes ~40,000 spans).
  }, 180_000);
});
