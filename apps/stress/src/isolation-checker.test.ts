import type { AgentEvent } from '@baton/engine-contract';
import { describe, expect, it } from 'vitest';
import {
  cleanCall,
  cleanWorkflow,
  deliver,
  ENGINE,
  resumedWorkflow,
  SUCCEED,
  syntheticChecker,
  syntheticEvent,
  syntheticMetrics,
  syntheticResult,
} from './__fixtures__/synthetic-stream.js';
import type { CallExpectation, IsolationChecker } from './isolation-checker.js';
import { LATE_DELTA, plannedDelta } from './streamed-output.js';
import type { ViolationRule } from './violation.js';

/**
 * Runs a synthetic scenario to the end (finish with consistent metrics unless given) and returns the
 * rules reported. A scenario returns how many calls it made when that is not 1.
 */
function rulesOf(
  scenario: (checker: IsolationChecker) => unknown,
  tokens = { inputTokens: 0, outputTokens: 0 },
): Partial<Record<ViolationRule, number>> {
  const checker = syntheticChecker();
  const calls = scenario(checker);
  checker.noteDisposeStarted(ENGINE.engineId, 'cleanup');
  checker.noteDisposeReturned(ENGINE.engineId);
  return checker.finish(syntheticMetrics(typeof calls === 'number' ? calls : 1, tokens)).byRule;
}

/** The usage reports of the streaming call below: 10/4 (total 14), then 5/1 with a total of 9. */
const REPORTS = [
  { inputTokens: 10, outputTokens: 4 },
  { inputTokens: 5, outputTokens: 1, totalTokens: 9 },
];
const ALL_USAGE = { inputTokens: 15, outputTokens: 5, totalTokens: 23 };
const STREAMING: CallExpectation = Object.freeze({ ...SUCCEED, deltas: 2, usageReports: REPORTS });

/** A well-behaved streaming call: started, two numbered deltas, succeeded with the usage of `REPORTS`. */
function streamingCall(executionId: string, completed: Record<string, unknown> = {}): AgentEvent[] {
  return [
    syntheticEvent('agent_started', executionId, 0),
    syntheticEvent('agent_output_delta', executionId, 1, { delta: plannedDelta(0) }),
    syntheticEvent('agent_output_delta', executionId, 2, { delta: plannedDelta(1) }),
    syntheticEvent('agent_completed', executionId, 3, {
      status: 'succeeded',
      durationMs: 2,
      output: { token: '[REDACTED]' },
      usage: ALL_USAGE,
      ...completed,
    }),
  ];
}

describe('IsolationChecker on synthetic streams', () => {
  it('passes a well-behaved call and a well-behaved workflow (so that what it reports below is the fault, not noise)', () => {
    expect(
      rulesOf((checker) => {
        deliver(checker, cleanCall('exec-1'));
        checker.recordCallSettled(ENGINE.engineId, { result: syntheticResult('exec-1') }, SUCCEED);
      }),
    ).toEqual({});
    expect(
      rulesOf(
        (checker) => {
          deliver(checker, streamingCall('exec-1'));
          checker.recordCallSettled(ENGINE.engineId, { result: syntheticResult('exec-1', 'succeeded', { usage: ALL_USAGE }) }, STREAMING);
        },
        { inputTokens: 15, outputTokens: 5 },
      ),
    ).toEqual({});
    expect(
      rulesOf((checker) => {
        const { events, result, expectation } = cleanWorkflow();
        deliver(checker, events);
        checker.recordWorkflowSettled(ENGINE.engineId, { result }, expectation);
        return 3;
      }),
    ).toEqual({});
  });

  it('passes a well-behaved resumed workflow: workflow_resumed first, the stages completed before not called again', () => {
    const checker = syntheticChecker();
    const { events, result, expectation } = resumedWorkflow();
    deliver(checker, events);
    checker.recordWorkflowSettled(ENGINE.engineId, { result }, expectation);
    checker.noteDisposeStarted(ENGINE.engineId, 'cleanup');
    checker.noteDisposeReturned(ENGINE.engineId);
    const report = checker.finish(syntheticMetrics(2));
    expect(report.violations).toEqual([]);
    expect(report.counts).toMatchObject({ workflows: 1, workflowsSucceeded: 1, executions: 2 });
  });

  // Each scenario breaks exactly one promise; the checker must name it.
  const scenarios: Array<[string, ViolationRule, (checker: IsolationChecker) => unknown]> = [
    [
      'a gap in seq',
      'seq-gap',
      (checker) => {
        const events = cleanCall('exec-1');
        deliver(checker, [events[0]!, { ...events[2]!, seq: 3 } as AgentEvent]);
        checker.recordCallSettled(ENGINE.engineId, { result: syntheticResult('exec-1') }, SUCCEED);
      },
    ],
    [
      "another user's userId",
      'foreign-ids',
      (checker) => {
        const events = cleanCall('exec-1');
        deliver(checker, [events[0]!, { ...events[1]!, userId: 'user-b' } as AgentEvent, events[2]!]);
        checker.recordCallSettled(ENGINE.engineId, { result: syntheticResult('exec-1') }, SUCCEED);
      },
    ],
    [
      'two agent_completed for one call',
      'duplicate-completed',
      (checker) => {
        deliver(checker, [...cleanCall('exec-1'), syntheticEvent('agent_completed', 'exec-1', 3, { status: 'failed', durationMs: 3 })]);
        checker.recordCallSettled(ENGINE.engineId, { result: syntheticResult('exec-1') }, SUCCEED);
      },
    ],
    [
      'a call whose first event is not agent_started',
      'first-event',
      (checker) => {
        deliver(
          checker,
          cleanCall('exec-1')
            .slice(1)
            .map((event, index) => ({ ...event, seq: index }) as AgentEvent),
        );
        checker.recordCallSettled(ENGINE.engineId, { result: syntheticResult('exec-1') }, SUCCEED);
      },
    ],
    [
      'a result whose status differs from agent_completed',
      'result-status-mismatch',
      (checker) => {
        deliver(checker, cleanCall('exec-1'));
        checker.recordCallSettled(
          ENGINE.engineId,
          { result: syntheticResult('exec-1', 'timed_out', { error: { code: 'RUN_TIMEOUT', name: 'TimeoutError', message: 'late' } }) },
          SUCCEED,
        );
      },
    ],
    [
      'an event the tap saw but the listener did not',
      'tap-mismatch',
      (checker) => {
        deliver(checker, cleanCall('exec-1'));
        checker.onTapEvent(syntheticEvent('agent_thinking', 'exec-1', 3, { thought: 'ghost' }));
        checker.recordCallSettled(ENGINE.engineId, { result: syntheticResult('exec-1') }, SUCCEED);
      },
    ],
    [
      'an event after dispose() returned',
      'event-after-dispose',
      (checker) => {
        const events = cleanCall('exec-1');
        deliver(checker, events.slice(0, 2));
        checker.noteDisposeStarted(ENGINE.engineId, 'engine');
        checker.noteDisposeReturned(ENGINE.engineId);
        deliver(checker, events.slice(2));
        checker.recordCallSettled(ENGINE.engineId, { result: syntheticResult('exec-1') }, SUCCEED);
      },
    ],
    [
      'more calls running than the engine allows',
      'concurrency-limit',
      (checker) => {
        const ids = ['exec-1', 'exec-2', 'exec-3'];
        deliver(
          checker,
          ids.map((id, index) => syntheticEvent('agent_started', id, index)),
        );
        deliver(
          checker,
          ids.map((id, index) => syntheticEvent('agent_completed', id, 3 + index, { status: 'succeeded', durationMs: 1 })),
        );
        for (const id of ids)
          checker.recordCallSettled(ENGINE.engineId, { result: syntheticResult(id, 'succeeded', { durationMs: 1 }) }, SUCCEED);
        return 3;
      },
    ],
    [
      'an unredacted secret in a tool input',
      'redaction',
      (checker) => {
        const events = cleanCall('exec-1');
        deliver(checker, [
          events[0]!,
          syntheticEvent('tool_executing', 'exec-1', 1, { toolCallId: 't1', toolName: 'lookup', input: { apiKey: 'synthetic-secret' } }),
          { ...events[2]!, seq: 2 } as AgentEvent,
        ]);
        checker.recordCallSettled(ENGINE.engineId, { result: syntheticResult('exec-1') }, SUCCEED);
      },
    ],
    [
      'a throwing agent reported as succeeded',
      'fault-mismatch',
      (checker) => {
        deliver(checker, cleanCall('exec-1'));
        checker.recordCallSettled(ENGINE.engineId, { result: syntheticResult('exec-1') }, { ...SUCCEED, outcome: 'throw-string' });
      },
    ],
    [
      'a success after the deadline',
      'deadline-overrun',
      (checker) => {
        const events = cleanCall('exec-1');
        // Started at once (t=1000), settled 250 ms later: past its 100 ms deadline.
        deliver(checker, [events[0]!, events[1]!, { ...events[2]!, timestamp: 1_250 } as AgentEvent]);
        checker.recordCallSettled(ENGINE.engineId, { result: syntheticResult('exec-1', 'succeeded', { durationMs: 250 }) }, SUCCEED);
      },
    ],
    [
      'a queued call started after its deadline',
      'late-start',
      (checker) => {
        const events = cleanCall('exec-1');
        deliver(checker, [
          { ...events[0]!, timestamp: 1_200 } as AgentEvent,
          events[1]!,
          { ...events[2]!, timestamp: 1_202 } as AgentEvent,
        ]);
        checker.recordCallSettled(
          ENGINE.engineId,
          { result: syntheticResult('exec-1', 'succeeded', { durationMs: 203, queuedMs: 200 }) },
          SUCCEED,
        );
      },
    ],
    [
      'a call nobody got a result for',
      'unsettled',
      (checker) => {
        deliver(checker, cleanCall('exec-1'));
      },
    ],
    [
      'factory metrics that do not balance',
      'metrics',
      (checker) => {
        deliver(checker, cleanCall('exec-1'));
        checker.recordCallSettled(ENGINE.engineId, { result: syntheticResult('exec-1') }, SUCCEED);
        return 2;
      },
    ],
    [
      'a workflow result whose status disagrees with workflow_completed',
      'workflow-result',
      (checker) => {
        const { events, result, expectation } = cleanWorkflow();
        deliver(checker, events);
        checker.recordWorkflowSettled(ENGINE.engineId, { result: { ...result, status: 'failed' } }, expectation);
        return 3;
      },
    ],
    [
      'a workflow without workflow_completed',
      'workflow-order',
      (checker) => {
        const { events, result, expectation } = cleanWorkflow();
        deliver(checker, events.slice(0, -1));
        checker.recordWorkflowSettled(ENGINE.engineId, { result }, expectation);
        return 3;
      },
    ],
    [
      'a resumed workflow that called a stage completed before the resumption again',
      'workflow-rules',
      (checker) => {
        const { events, result, expectation } = resumedWorkflow();
        const triage = cleanWorkflow().events.slice(1, 3);
        const shifted = events.slice(1).map((event) => ({ ...event, seq: event.seq + 2 }) as AgentEvent);
        deliver(checker, [events[0]!, ...triage, ...shifted]);
        const stages = [{ ...result.stages[0]!, executionId: 'exec-triage' }, ...result.stages.slice(1)];
        checker.recordWorkflowSettled(ENGINE.engineId, { result: { ...result, stages } }, expectation);
        return 3;
      },
    ],
    [
      'workflow_resumed listing a stage the result does not have',
      'workflow-result',
      (checker) => {
        const { events, result, expectation } = resumedWorkflow();
        const resumed = { ...events[0]!, completedStages: ['triage', 'optimization'] } as AgentEvent;
        deliver(checker, [resumed, ...events.slice(1)]);
        checker.recordWorkflowSettled(ENGINE.engineId, { result }, expectation);
        return 2;
      },
    ],
    [
      'workflow_resumed after workflow_started of the same run',
      'workflow-order',
      (checker) => {
        const { events, result, expectation } = cleanWorkflow();
        const resumed = { ...resumedWorkflow().events[0]!, seq: 1 } as AgentEvent;
        const shifted = events.slice(1).map((event) => ({ ...event, seq: event.seq + 1 }) as AgentEvent);
        deliver(checker, [events[0]!, resumed, ...shifted]);
        checker.recordWorkflowSettled(ENGINE.engineId, { result }, expectation);
        return 3;
      },
    ],
    [
      'an output delta after its agent_completed',
      'event-after-completed',
      (checker) => {
        deliver(checker, [...cleanCall('exec-1'), syntheticEvent('agent_output_delta', 'exec-1', 3, { delta: plannedDelta(0) })]);
        checker.recordCallSettled(ENGINE.engineId, { result: syntheticResult('exec-1') }, SUCCEED);
      },
    ],
    [
      'output deltas out of the order they were written',
      'output-delta',
      (checker) => {
        const [started, first, second, completed] = streamingCall('exec-1');
        deliver(checker, [started!, { ...second!, seq: 1 } as AgentEvent, { ...first!, seq: 2 } as AgentEvent, completed!]);
        checker.recordCallSettled(ENGINE.engineId, { result: syntheticResult('exec-1', 'succeeded', { usage: ALL_USAGE }) }, STREAMING);
      },
    ],
    [
      'an empty output delta',
      'output-delta',
      (checker) => {
        deliver(checker, [
          syntheticEvent('agent_started', 'exec-1', 0),
          syntheticEvent('agent_output_delta', 'exec-1', 1, { delta: '' }),
          syntheticEvent('agent_completed', 'exec-1', 2, { status: 'succeeded', durationMs: 2 }),
        ]);
        checker.recordCallSettled(ENGINE.engineId, { result: syntheticResult('exec-1') }, SUCCEED);
      },
    ],
    [
      'a finished call that lost an output delta',
      'output-delta',
      (checker) => {
        const [started, first, , completed] = streamingCall('exec-1');
        deliver(checker, [started!, first!, { ...completed!, seq: 2 } as AgentEvent]);
        checker.recordCallSettled(ENGINE.engineId, { result: syntheticResult('exec-1', 'succeeded', { usage: ALL_USAGE }) }, STREAMING);
      },
    ],
    [
      'a timed-out call that streamed what its agent wrote after the deadline',
      'output-delta',
      (checker) => {
        const events = streamingCall('exec-1', {
          status: 'timed_out',
          error: { code: 'RUN_TIMEOUT', name: 'TimeoutError', message: 'late' },
        });
        deliver(checker, [
          ...events.slice(0, 3),
          syntheticEvent('agent_output_delta', 'exec-1', 3, { delta: LATE_DELTA }),
          { ...events[3]!, seq: 4 } as AgentEvent,
        ]);
        const error = { code: 'RUN_TIMEOUT' as const, name: 'TimeoutError', message: 'late' };
        checker.recordCallSettled(
          ENGINE.engineId,
          { result: syntheticResult('exec-1', 'timed_out', { error, usage: ALL_USAGE }) },
          { ...STREAMING, outcome: 'hang' },
        );
      },
    ],
    [
      'a result whose usage differs from its agent_completed',
      'usage',
      (checker) => {
        deliver(checker, streamingCall('exec-1'));
        checker.recordCallSettled(
          ENGINE.engineId,
          { result: syntheticResult('exec-1', 'succeeded', { usage: { ...ALL_USAGE, outputTokens: 6 } }) },
          STREAMING,
        );
      },
    ],
    [
      'a finished call whose usage is not the sum of its reports',
      'usage',
      (checker) => {
        const usage = { inputTokens: 10, outputTokens: 4, totalTokens: 14 };
        deliver(checker, streamingCall('exec-1', { usage }));
        checker.recordCallSettled(ENGINE.engineId, { result: syntheticResult('exec-1', 'succeeded', { usage }) }, STREAMING);
      },
    ],
    [
      'a timed-out call that counted usage reported after its deadline',
      'usage',
      (checker) => {
        const error = { code: 'RUN_TIMEOUT' as const, name: 'TimeoutError', message: 'late' };
        const usage = { inputTokens: 1_000_015, outputTokens: 1_000_005, totalTokens: 2_000_023 };
        deliver(checker, streamingCall('exec-1', { status: 'timed_out', error, usage }));
        checker.recordCallSettled(
          ENGINE.engineId,
          { result: syntheticResult('exec-1', 'timed_out', { error, usage }) },
          { ...STREAMING, outcome: 'hang' },
        );
      },
    ],
    [
      'executeAgent rejecting on a live engine',
      'unexpected-error',
      (checker) => {
        checker.recordCallSettled(ENGINE.engineId, { error: new Error('boom') }, SUCCEED);
        return 0;
      },
    ],
  ];

  it.each(scenarios)('reports %s as %s', (_name, rule, scenario) => {
    const byRule = rulesOf(scenario);
    expect(byRule[rule], `reported: ${JSON.stringify(byRule)}`).toBeGreaterThan(0);
  });

  it('accepts a call cut short after a first part of its deltas and reports, and counts it', () => {
    const checker = syntheticChecker();
    const error = { code: 'RUN_CANCELLED' as const, name: 'AbortError', message: 'cancelled' };
    const partial = { inputTokens: 10, outputTokens: 4, totalTokens: 14 };
    deliver(checker, [
      syntheticEvent('agent_started', 'exec-1', 0),
      syntheticEvent('agent_output_delta', 'exec-1', 1, { delta: plannedDelta(0) }),
      syntheticEvent('agent_completed', 'exec-1', 2, { status: 'cancelled', durationMs: 2, error, usage: partial }),
    ]);
    checker.recordCallSettled(
      ENGINE.engineId,
      { result: syntheticResult('exec-1', 'cancelled', { error, usage: partial }) },
      { ...STREAMING, cancelIntent: true },
    );
    checker.noteDisposeStarted(ENGINE.engineId, 'cleanup');
    checker.noteDisposeReturned(ENGINE.engineId);
    const report = checker.finish(syntheticMetrics(1, { runsSucceeded: 0, runsCancelled: 1, inputTokens: 10, outputTokens: 4 }));
    expect(report.byRule).toEqual({});
    expect(report.counts).toMatchObject({ outputDeltas: 1, callsWithUsage: 1, callsWithPartialUsage: 1, inputTokens: 10, outputTokens: 4 });
  });

  it('reports engine stats and factory metrics whose token sums disagree with the agent_completed events', () => {
    const checker = syntheticChecker();
    deliver(checker, streamingCall('exec-1'));
    checker.recordCallSettled(ENGINE.engineId, { result: syntheticResult('exec-1', 'succeeded', { usage: ALL_USAGE }) }, STREAMING);
    checker.noteDisposeStarted(ENGINE.engineId, 'cleanup');
    checker.noteDisposeReturned(ENGINE.engineId);
    checker.recordEngineStats({
      engineId: ENGINE.engineId,
      userId: ENGINE.userId,
      runsStarted: 1,
      runsSucceeded: 1,
      runsFailed: 0,
      runsTimedOut: 0,
      runsCancelled: 0,
      activeRuns: 0,
      queuedRuns: 0,
      maxConcurrentRuns: 2,
      peakConcurrentRuns: 1,
      avgRunMs: 2,
      maxRunMs: 2,
      avgQueueMs: 0,
      orphanedRuns: 0,
      listenerErrors: 0,
      inputTokens: 15,
      outputTokens: 4,
    });
    const report = checker.finish(syntheticMetrics(1, { inputTokens: 16, outputTokens: 5 }));
    expect(report.byRule).toEqual({ 'engine-stats': 1, metrics: 1 });
    expect(report.violations.map((violation) => violation.message).join('\n')).toMatch(
      /tokens 15\/4, agent_completed usage 15\/5[\s\S]*inputTokens 16, checker saw 15/,
    );
  });
});
