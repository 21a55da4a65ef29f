import type { AgentEvent } from '@baton/engine-contract';
import { describe, expect, it } from 'vitest';
import type { ServerFrame } from '../server/protocol.js';
import { INITIAL_RUNS_STATE, runsReducer, type RunsAction, type RunsState } from './runs-state.js';

const envelope = { userId: 'alice', threadId: 't', runId: 'run-1', requestId: 'r', engineId: 'e', executionId: 'x', timestamp: 0 };
let seq = 0;
function eventFrame(event: Record<string, unknown>): RunsAction {
  const frame = { type: 'event', id: `id-${seq}`, event: { ...envelope, seq: seq++, ...event } as AgentEvent } as ServerFrame;
  return { type: 'frame', frame, now: 1000 + seq };
}
function apply(state: RunsState, ...actions: RunsAction[]): RunsState {
  return actions.reduce(runsReducer, state);
}

describe('runsReducer', () => {
  it('fills a card from ask to answer', () => {
    let state = apply(INITIAL_RUNS_STATE, { type: 'ask', clientRequestId: 'c1', question: 'Why?', now: 0 });
    expect(state.runs.c1).toMatchObject({ status: 'sending', question: 'Why?' });
    state = apply(
      state,
      { type: 'frame', frame: { type: 'accepted', runId: 'run-1', clientRequestId: 'c1' }, now: 1 },
      eventFrame({ type: 'workflow_started', agentName: 'workflow', workflowId: 'w', workflowName: 'triage-workflow' }),
      eventFrame({ type: 'agent_started', agentName: 'triage', stage: 'triage' }),
      eventFrame({ type: 'agent_thinking', agentName: 'triage', stage: 'triage', thought: 'Reading' }),
      eventFrame({ type: 'agent_completed', agentName: 'triage', stage: 'triage', status: 'succeeded', durationMs: 12 }),
      eventFrame({ type: 'workflow_planned', agentName: 'workflow', workflowId: 'w', path: 'insufficient', stages: ['triage', 'data_helper', 'reporting'] }),
    );
    const planned = state.runs.c1!;
    expect(planned.status).toBe('running');
    expect(planned.path).toBe('insufficient');
    expect(planned.stages.map((stage) => [stage.name, stage.status])).toEqual([
      ['triage', 'succeeded'],
      ['data_helper', 'queued'],
      ['reporting', 'queued'],
    ]);
    expect(planned.activity.map((line) => line.text)).toEqual(['Reading']);
    state = apply(
      state,
      eventFrame({ type: 'agent_started', agentName: 'data_helper', stage: 'data_helper' }),
      eventFrame({ type: 'tool_executing', agentName: 'data_helper', stage: 'data_helper', toolCallId: 'tc', toolName: 'lookup_benchmark' }),
      eventFrame({ type: 'tool_completed', agentName: 'data_helper', stage: 'data_helper', toolCallId: 'tc', toolName: 'lookup_benchmark', status: 'succeeded', durationMs: 3 }),
      eventFrame({ type: 'agent_completed', agentName: 'data_helper', stage: 'data_helper', status: 'succeeded', durationMs: 20 }),
      eventFrame({ type: 'agent_started', agentName: 'reporting', stage: 'reporting' }),
      eventFrame({ type: 'agent_completed', agentName: 'reporting', stage: 'reporting', status: 'succeeded', durationMs: 5, output: { headline: 'H', answer: 'A' } }),
      eventFrame({ type: 'workflow_completed', agentName: 'workflow', workflowId: 'w', path: 'insufficient', status: 'succeeded', durationMs: 40, succeededStages: 3, totalStages: 3 }),
    );
    expect(state.runs.c1).toMatchObject({ status: 'succeeded', durationMs: 40, answer: { headline: 'H', answer: 'A' } });
    expect(state.runs.c1!.stages.every((stage) => stage.status === 'succeeded')).toBe(true);
  });

  it('shows a refused ask (limit reached) on its card', () => {
    const state = apply(
      INITIAL_RUNS_STATE,
      { type: 'ask', clientRequestId: 'c4', question: 'Fourth', now: 0 },
      { type: 'frame', frame: { type: 'error', code: 'USER_LIMIT_EXCEEDED', message: 'x', clientRequestId: 'c4' }, now: 1 },
    );
    expect(state.runs.c4).toMatchObject({ status: 'rejected' });
    expect(state.runs.c4!.error).toMatch(/Limit reached/);
  });

  it('creates a card for a run first seen through events (another tab), with the question from triage input', () => {
    const state = apply(INITIAL_RUNS_STATE, eventFrame({ type: 'agent_started', agentName: 'triage', stage: 'triage', input: { request: 'From the other tab', previous: {} } }));
    expect(state.order).toEqual(['run-1']);
    expect(state.runs['run-1']).toMatchObject({ question: 'From the other tab', status: 'running' });
  });

  it('marks stages that never ran as skipped when a run is cancelled', () => {
    const state = apply(
      INITIAL_RUNS_STATE,
      eventFrame({ type: 'workflow_planned', agentName: 'workflow', workflowId: 'w', path: 'partial', stages: ['triage', 'data_helper', 'data', 'reporting'] }),
      { type: 'frame', frame: { type: 'result', runId: 'run-1', result: { workflowId: 'w', workflowName: 'n', status: 'cancelled', path: 'partial', stages: [], durationMs: 9 } }, now: 5 },
    );
    expect(state.runs['run-1']!.status).toBe('cancelled');
    expect(new Set(state.runs['run-1']!.stages.map((stage) => stage.status))).toEqual(new Set(['skipped']));
  });

  it('turns unanswered asks into an error when the connection drops', () => {
    const state = apply(INITIAL_RUNS_STATE, { type: 'ask', clientRequestId: 'c1', question: 'Q', now: 0 }, { type: 'connection-lost' });
    expect(state.runs.c1).toMatchObject({ status: 'rejected' });
  });
});
