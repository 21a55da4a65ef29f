import type { AgentEvent } from '@baton/engine-contract';
import { describe, expect, it } from 'vitest';
import type { ServerFrame } from '../server/protocol.js';
import { type SocketRecord, WireChecker } from './wire-checker.js';

/** An event frame of user `alice`'s run `run-a` on engine `engine-a`. */
function eventFrame(seq: number, type: AgentEvent['type'], fields: Partial<AgentEvent> = {}): ServerFrame {
  return {
    type: 'event',
    id: `epoch-${String(seq).padStart(4, '0')}`,
    event: {
      type,
      userId: 'alice',
      threadId: 'thread-a',
      runId: 'run-a',
      requestId: 'request-a',
      engineId: 'engine-a',
      executionId: 'workflow-a',
      agentName: 'workflow',
      seq,
      timestamp: seq,
      ...(type === 'workflow_started' ? { workflowId: 'workflow-a', workflowName: 'triage-workflow' } : {}),
      ...(type === 'workflow_completed'
        ? { workflowId: 'workflow-a', path: '', status: 'cancelled', durationMs: 1, succeededStages: 0, totalStages: 0 }
        : {}),
      ...fields,
    } as AgentEvent,
  };
}

const result: ServerFrame = {
  type: 'result',
  runId: 'run-a',
  result: { workflowId: 'workflow-a', workflowName: 'triage-workflow', status: 'cancelled', path: '', stages: [], durationMs: 1 },
};
const clean: ServerFrame[] = [eventFrame(0, 'workflow_started'), eventFrame(1, 'workflow_completed'), result];
const record = (frames: ServerFrame[], label = 'socket a'): SocketRecord => ({ label, userId: 'alice', tag: 'userbc', frames });

function rulesFor(frames: ServerFrame[]): string[] {
  const checker = new WireChecker();
  checker.checkSocket(record(frames), new Set(['run-a']), true);
  return checker.violations.map((violation) => violation.rule);
}

describe('WireChecker', () => {
  it('passes a clean stream', () => {
    expect(rulesFor(clean)).toEqual([]);
  });

  it.each([
    ["another user's event", [eventFrame(0, 'workflow_started', { userId: 'bob' }), ...clean.slice(1)], 'foreign-event'],
    ["another user's run", [...clean, eventFrame(0, 'workflow_started', { runId: 'run-b', engineId: 'engine-b' })], 'foreign-run'],
    ['a gap in seq', [clean[0]!, eventFrame(2, 'workflow_completed'), result], 'seq-gap'],
    ['an event after the result', [...clean, eventFrame(2, 'agent_thinking')], 'event-after-result'],
    [
      "another user's question text",
      [...clean, { type: 'error', code: 'INVALID_REQUEST', message: 'asked by userzz' } as ServerFrame],
      'foreign-text',
    ],
    ['a missing workflow_completed', [clean[0]!, result], 'workflow-order'],
  ] as Array<[string, ServerFrame[], string]>)('reports %s', (_name, frames, rule) => {
    expect(rulesFor(frames)).toContain(rule);
  });

  it('reports sockets of one user that saw different streams', () => {
    const checker = new WireChecker();
    checker.compareStreams(record(clean), record([clean[0]!, result], 'socket b'), false);
    expect(checker.violations.map((violation) => violation.rule)).toEqual(['stream-mismatch']);
    const prefix = new WireChecker();
    prefix.compareStreams(record(clean), record([clean[0]!], 'closed socket'), true);
    expect(prefix.violations).toEqual([]);
  });
});
