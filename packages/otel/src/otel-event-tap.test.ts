import { type AgentEvent, InvalidEventError } from '@baton/engine-contract';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventScript, runError } from './__fixtures__/event-script.js';
import { createTestSdk, type TestSdk } from './__fixtures__/otel-sdk.js';
import { createOtelEventTap, type OtelEventTap } from './otel-event-tap.js';

let sdk: TestSdk;
let tap: OtelEventTap;
const feed = (...events: AgentEvent[]) => {
  for (const event of events) tap(event);
};
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
const idOf = (span: ReadableSpan) => span.spanContext().spanId;

beforeEach(() => {
  sdk = createTestSdk({ register: true });
  tap = createOtelEventTap();
});
afterEach(async () => {
  await sdk.shutdown();
});

/** A two-stage workflow run: triage, then `research` (one tool call, usage reported). */
function researchRun(script: EventScript, workflowId = 'wf-1'): AgentEvent[] {
  return [
    script.workflowStarted(workflowId, 'ask'),
    script.agentStarted('ex-triage', 'triage', 'triage'),
    script.advance(5).agentCompleted('ex-triage', 'triage', { status: 'succeeded', durationMs: 5, stage: 'triage' }),
    script.workflowPlanned(workflowId, ['triage', 'research']),
    script.agentStarted('ex-research', 'research', 'research'),
    script.thinking('ex-research', 'research', 'looking up tides'),
    script.toolExecuting('ex-research', 'research', 'call-1', 'search'),
    script.advance(20).toolCompleted('ex-research', 'research', 'call-1', 'search', { status: 'succeeded', durationMs: 20 }),
    script.outputDelta('ex-research', 'research', 'The Moon.'),
    script.advance(10).agentCompleted('ex-research', 'research', {
      status: 'succeeded',
      durationMs: 30,
      stage: 'research',
      usage: { inputTokens: 120, outputTokens: 45, totalTokens: 165 },
    }),
    script.workflowCompleted(workflowId, { status: 'succeeded', durationMs: 35, succeededStages: 2, totalStages: 2 }),
  ];
}

describe('createOtelEventTap: span structure', () => {
  it('nests workflow → agent call → tool call, one trace, linked by the ids in the events', () => {
    feed(...researchRun(new EventScript()));
    const workflow = sdk.span('baton.workflow ask');
    const triage = sdk.span('baton.agent triage');
    const research = sdk.span('baton.agent research');
    const search = sdk.span('baton.tool search');
    expect(parentOf(workflow)).toBeUndefined();
    expect(parentOf(triage)).toBe(idOf(workflow));
    expect(parentOf(research)).toBe(idOf(workflow));
    expect(parentOf(search)).toBe(idOf(research));
    const traceIds = new Set([workflow, triage, research, search].map((span) => span.spanContext().traceId));
    expect(traceIds.size).toBe(1);
    // Thoughts and deltas are not spans.
    expect(sdk.spans()).toHaveLength(4);
    expect(sdk.spans().every((span) => span.kind === SpanKind.INTERNAL)).toBe(true);
    expect(tap.openSpanCount()).toBe(0);
  });

  it('takes span times from the event timestamps, so spans agree with the durations Baton reports', () => {
    const script = new EventScript();
    const startedAt = script.time;
    feed(...researchRun(script));
    const toMs = (time: [number, number]) => time[0] * 1000 + time[1] / 1e6;
    const research = sdk.span('baton.agent research');
    expect(toMs(research.startTime)).toBe(startedAt + 5);
    expect(toMs(research.endTime) - toMs(research.startTime)).toBe(30);
    expect(toMs(sdk.span('baton.tool search').endTime) - toMs(sdk.span('baton.tool search').startTime)).toBe(20);
    expect(toMs(sdk.span('baton.workflow ask').endTime) - toMs(sdk.span('baton.workflow ask').startTime)).toBe(35);
  });

  it('makes an agent call outside a workflow a root span, and keeps the runs of two engines apart', () => {
    const alice = new EventScript();
    const bob = new EventScript({ userId: 'u_bob', threadId: 't_bob', runId: 'r_bob', requestId: 'q_bob', engineId: 'engine-bob' });
    feed(
      alice.workflowStarted('wf-alice', 'ask'),
      bob.agentStarted('ex-bob', 'summarise'),
      alice.agentStarted('ex-alice', 'research', 'research'),
      bob.agentCompleted('ex-bob', 'summarise', { status: 'succeeded', durationMs: 1 }),
      alice.agentCompleted('ex-alice', 'research', { status: 'succeeded', durationMs: 1, stage: 'research' }),
      alice.workflowCompleted('wf-alice', { status: 'succeeded', durationMs: 2, succeededStages: 1, totalStages: 1 }),
    );
    const bobSpan = sdk.span('baton.agent summarise');
    expect(parentOf(bobSpan)).toBeUndefined();
    expect(bobSpan.attributes['baton.user_id']).toBe('u_bob');
    expect(parentOf(sdk.span('baton.agent research'))).toBe(idOf(sdk.span('baton.workflow ask')));
  });

  it('with two runs open on one engine, parents a stage under the run whose plan lists it', () => {
    const script = new EventScript();
    feed(
      script.workflowStarted('wf-a', 'first'),
      script.workflowPlanned('wf-a', ['collect']),
      script.workflowStarted('wf-b', 'second'),
      script.workflowPlanned('wf-b', ['answer']),
      script.agentStarted('ex-collect', 'collect', 'collect'),
      script.agentStarted('ex-answer', 'answer', 'answer'),
      script.agentCompleted('ex-collect', 'collect', { status: 'succeeded', durationMs: 1, stage: 'collect' }),
      script.agentCompleted('ex-answer', 'answer', { status: 'succeeded', durationMs: 1, stage: 'answer' }),
      script.workflowCompleted('wf-a', { status: 'succeeded', durationMs: 1, succeededStages: 1, totalStages: 1 }),
      script.workflowCompleted('wf-b', { status: 'succeeded', durationMs: 1, succeededStages: 1, totalStages: 1 }),
    );
    expect(parentOf(sdk.span('baton.agent collect'))).toBe(idOf(sdk.span('baton.workflow first')));
    expect(parentOf(sdk.span('baton.agent answer'))).toBe(idOf(sdk.span('baton.workflow second')));
    expect(sdk.span('baton.agent answer').attributes['baton.workflow_id']).toBe('wf-b');
  });

  it('records a call that never got a slot (cancelled in the queue) as a span of its whole wait', () => {
    const script = new EventScript();
    feed(
      script.advance(40).agentCompleted('ex-queued', 'research', { status: 'cancelled', durationMs: 40, error: runError('RUN_CANCELLED') }),
    );
    const span = sdk.span('baton.agent research');
    expect(span.attributes['baton.status']).toBe('cancelled');
    expect(span.attributes['baton.queued_ms']).toBe(40);
    expect(span.attributes['baton.error_code']).toBe('RUN_CANCELLED');
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('ends a suspended run as `suspended` and starts a resumed run under a new `baton.workflow` span', () => {
    const script = new EventScript();
    feed(
      script.workflowStarted('wf-gate', 'publish'),
      script.workflowPlanned('wf-gate', ['draft', 'publish']),
      script.agentStarted('ex-draft', 'draft', 'draft'),
      script.agentCompleted('ex-draft', 'draft', { status: 'succeeded', durationMs: 1, stage: 'draft' }),
      script.workflowSuspended('wf-gate', 'publish'),
    );
    expect(tap.openSpanCount()).toBe(0);
    const suspended = sdk.span('baton.workflow publish');
    expect(suspended.attributes).toMatchObject({ 'baton.status': 'suspended', 'baton.suspended_stage': 'publish' });
    expect(suspended.status.code).toBe(SpanStatusCode.UNSET);
    feed(
      script.workflowResumed('wf-gate', ['draft']),
      script.agentStarted('ex-publish', 'publish', 'publish'),
      script.agentCompleted('ex-publish', 'publish', { status: 'succeeded', durationMs: 1, stage: 'publish' }),
      script.workflowCompleted('wf-gate', { status: 'succeeded', durationMs: 2, succeededStages: 2, totalStages: 2 }),
    );
    const resumed = sdk.span('baton.workflow');
    expect(resumed.attributes).toMatchObject({ 'baton.resumed': true, 'baton.completed_stages': ['draft'], 'baton.status': 'succeeded' });
    expect(parentOf(sdk.span('baton.agent publish'))).toBe(idOf(resumed));
  });

  it('refuses a value that is not an event with InvalidEventError, and ignores event types it does not trace', () => {
    expect(() => tap(null as unknown as AgentEvent)).toThrow(InvalidEventError);
    expect(() => tap('agent_started' as unknown as AgentEvent)).toThrow(/expects an AgentEvent object, got string/);
    const script = new EventScript();
    feed(script.thinking('ex-1', 'research', 'hmm'), script.outputDelta('ex-1', 'research', 'a'));
    expect(sdk.spans()).toHaveLength(0);
    expect(tap.openSpanCount()).toBe(0);
  });
});

describe('createOtelEventTap: attributes', () => {
  it('puts the Baton ids, the status and the GenAI conventions on every span', () => {
    feed(...researchRun(new EventScript()));
    const ids = {
      'baton.user_id': 'u_alice',
      'baton.thread_id': 't_alice',
      'baton.run_id': 'r_alice',
      'baton.request_id': 'q_alice',
      'baton.engine_id': 'engine-alice',
      'gen_ai.conversation.id': 't_alice',
    };
    expect(sdk.span('baton.workflow ask').attributes).toMatchObject({
      ...ids,
      'baton.workflow_id': 'wf-1',
      'baton.execution_id': 'wf-1',
      'baton.workflow_name': 'ask',
      'baton.workflow_path': 'sufficient',
      'baton.status': 'succeeded',
      'baton.stages_succeeded': 2,
      'baton.stages_total': 2,
      'gen_ai.operation.name': 'invoke_workflow',
      'gen_ai.workflow.name': 'ask',
    });
    expect(sdk.span('baton.agent research').attributes).toMatchObject({
      ...ids,
      'baton.execution_id': 'ex-research',
      'baton.workflow_id': 'wf-1',
      'baton.agent_name': 'research',
      'baton.stage': 'research',
      'baton.status': 'succeeded',
      'baton.queued_ms': 0,
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': 'research',
      'gen_ai.usage.input_tokens': 120,
      'gen_ai.usage.output_tokens': 45,
    });
    expect(sdk.span('baton.tool search').attributes).toMatchObject({
      ...ids,
      'baton.execution_id': 'ex-research',
      'baton.tool_name': 'search',
      'baton.tool_call_id': 'call-1',
      'baton.status': 'succeeded',
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'search',
      'gen_ai.tool.call.id': 'call-1',
    });
  });

  it('leaves the token attributes out when the call reported no usage', () => {
    feed(...researchRun(new EventScript()));
    const triage = sdk.span('baton.agent triage').attributes;
    expect(triage).not.toHaveProperty('gen_ai.usage.input_tokens');
    expect(triage).not.toHaveProperty('gen_ai.usage.output_tokens');
  });

  it('derives the queue wait from agent_started and the call duration of agent_completed', () => {
    const script = new EventScript();
    // Called at t, got a slot at t + 15, ended at t + 25: duration 25 (from the call), queued 15.
    script.advance(15);
    feed(
      script.agentStarted('ex-1', 'research'),
      script.advance(10).agentCompleted('ex-1', 'research', { status: 'succeeded', durationMs: 25 }),
    );
    expect(sdk.span('baton.agent research').attributes['baton.queued_ms']).toBe(15);
  });
});

describe('createOtelEventTap: error status', () => {
  it('sets status ERROR with the error code on a failed or timed-out call, and not on a cancelled one', () => {
    const script = new EventScript();
    feed(
      script.agentStarted('ex-fail', 'flaky'),
      script.agentCompleted('ex-fail', 'flaky', { status: 'failed', durationMs: 3, error: runError('AGENT_FAILED', 'provider said 500') }),
      script.agentStarted('ex-slow', 'slow'),
      script.agentCompleted('ex-slow', 'slow', { status: 'timed_out', durationMs: 30_000, error: runError('RUN_TIMEOUT') }),
      script.agentStarted('ex-stop', 'stopped'),
      script.agentCompleted('ex-stop', 'stopped', { status: 'cancelled', durationMs: 2, error: runError('RUN_CANCELLED') }),
    );
    const failed = sdk.span('baton.agent flaky');
    expect(failed.status).toEqual({ code: SpanStatusCode.ERROR, message: 'AGENT_FAILED: provider said 500' });
    expect(failed.attributes).toMatchObject({ 'error.type': 'AGENT_FAILED', 'baton.error_code': 'AGENT_FAILED', 'baton.status': 'failed' });
    const timedOut = sdk.span('baton.agent slow');
    expect(timedOut.status.code).toBe(SpanStatusCode.ERROR);
    expect(timedOut.attributes['error.type']).toBe('RUN_TIMEOUT');
    const cancelled = sdk.span('baton.agent stopped');
    expect(cancelled.status.code).toBe(SpanStatusCode.UNSET);
    expect(cancelled.attributes).not.toHaveProperty('error.type');
    expect(cancelled.attributes['baton.error_code']).toBe('RUN_CANCELLED');
  });

  it("fails a workflow span with the first failing stage's code, and a failed tool span with the error's name", () => {
    const script = new EventScript();
    feed(
      script.workflowStarted('wf-1', 'ask'),
      script.agentStarted('ex-1', 'research', 'research'),
      script.toolExecuting('ex-1', 'research', 'call-1', 'search'),
      script.toolCompleted('ex-1', 'research', 'call-1', 'search', {
        status: 'failed',
        durationMs: 1,
        error: { name: 'TypeError', message: 'fetch failed' },
      }),
      script.agentCompleted('ex-1', 'research', { status: 'timed_out', durationMs: 9, stage: 'research', error: runError('RUN_TIMEOUT') }),
      script.workflowCompleted('wf-1', { status: 'failed', durationMs: 10, succeededStages: 0, totalStages: 1 }),
    );
    const workflow = sdk.span('baton.workflow ask');
    expect(workflow.status).toEqual({ code: SpanStatusCode.ERROR, message: 'RUN_TIMEOUT: 0 of 1 stages succeeded' });
    expect(workflow.attributes['error.type']).toBe('RUN_TIMEOUT');
    const tool = sdk.span('baton.tool search');
    expect(tool.status).toEqual({ code: SpanStatusCode.ERROR, message: 'TypeError: fetch failed' });
    expect(tool.attributes).toMatchObject({ 'error.type': 'TypeError', 'baton.status': 'failed' });
  });

  it('fails a workflow none of whose stages reported a code with error.type `_OTHER`, and leaves a cancelled one unset', () => {
    const script = new EventScript();
    feed(
      script.workflowStarted('wf-1', 'broken'),
      script.workflowCompleted('wf-1', { status: 'failed', durationMs: 1, succeededStages: 0, totalStages: 0, path: '' }),
      script.workflowStarted('wf-2', 'stopped'),
      script.workflowCompleted('wf-2', { status: 'cancelled', durationMs: 1, succeededStages: 0, totalStages: 1 }),
    );
    expect(sdk.span('baton.workflow broken').attributes['error.type']).toBe('_OTHER');
    expect(sdk.span('baton.workflow broken').status.code).toBe(SpanStatusCode.ERROR);
    expect(sdk.span('baton.workflow stopped').status.code).toBe(SpanStatusCode.UNSET);
    expect(sdk.span('baton.workflow stopped').attributes['baton.status']).toBe('cancelled');
  });
});
