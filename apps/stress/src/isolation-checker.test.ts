import type { AgentEvent } from '@baton/engine-contract';
import { describe, expect, it } from 'vitest';
import {
  cleanCall,
  cleanWorkflow,
  deliver,
  ENGINE,
  SUCCEED,
  syntheticChecker,
  syntheticEvent,
  syntheticMetrics,
  syntheticResult,
} from './__fixtures__/synthetic-stream.js';
import type { IsolationChecker } from './isolation-checker.js';
import type { ViolationRule } from './violation.js';

/** Runs a synthetic scenario to the end (finish with consistent metrics unless given) and returns the rules reported. */
function rulesOf(scenario: (checker: IsolationChecker) => number | void): Partial<Record<ViolationRule, number>> {
  const checker = syntheticChecker();
  const calls = scenario(checker);
  checker.noteDisposeStarted(ENGINE.engineId, 'cleanup');
  checker.noteDisposeReturned(ENGINE.engineId);
  return checker.finish(syntheticMetrics(typeof calls === 'number' ? calls : 1)).byRule;
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
      rulesOf((checker) => {
        const { events, result, expectation } = cleanWorkflow();
        deliver(checker, events);
        checker.recordWorkflowSettled(ENGINE.engineId, { result }, expectation);
        return 3;
      }),
    ).toEqual({});
  });

  // Each scenario breaks exactly one promise; the checker must name it.
  const scenarios: Array<[string, ViolationRule, (checker: IsolationChecker) => number | void]> = [
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
        deliver(checker, cleanCall('exec-1').slice(1).map((event, index) => ({ ...event, seq: index }) as AgentEvent));
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
        deliver(checker, ids.map((id, index) => syntheticEvent('agent_started', id, index)));
        deliver(checker, ids.map((id, index) => syntheticEvent('agent_completed', id, 3 + index, { status: 'succeeded', durationMs: 1 })));
        for (const id of ids) checker.recordCallSettled(ENGINE.engineId, { result: syntheticResult(id, 'succeeded', { durationMs: 1 }) }, SUCCEED);
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
        deliver(checker, [{ ...events[0]!, timestamp: 1_200 } as AgentEvent, events[1]!, { ...events[2]!, timestamp: 1_202 } as AgentEvent]);
        checker.recordCallSettled(ENGINE.engineId, { result: syntheticResult('exec-1', 'succeeded', { durationMs: 203, queuedMs: 200 }) }, SUCCEED);
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
});
