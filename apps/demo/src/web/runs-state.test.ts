import type { AgentEvent } from '@baton/engine-contract';
import { describe, expect, it } from 'vitest';
import type { ServerFrame } from '../server/protocol.js';
import { splitAnswerText } from '../shared/answer-text.js';
import { INITIAL_RUNS_STATE, type RunsAction, type RunsState, runsReducer } from './runs-state.js';

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
      eventFrame({
        type: 'workflow_planned',
        agentName: 'workflow',
        workflowId: 'w',
        path: 'insufficient',
        stages: ['triage', 'data_helper', 'reporting'],
      }),
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
      eventFrame({
        type: 'tool_executing',
        agentName: 'data_helper',
        stage: 'data_helper',
        toolCallId: 'tc',
        toolName: 'lookup_benchmark',
      }),
      eventFrame({
        type: 'tool_completed',
        agentName: 'data_helper',
        stage: 'data_helper',
        toolCallId: 'tc',
        toolName: 'lookup_benchmark',
        status: 'succeeded',
        durationMs: 3,
      }),
      eventFrame({ type: 'agent_completed', agentName: 'data_helper', stage: 'data_helper', status: 'succeeded', durationMs: 20 }),
      eventFrame({ type: 'agent_started', agentName: 'reporting', stage: 'reporting' }),
      eventFrame({
        type: 'agent_completed',
        agentName: 'reporting',
        stage: 'reporting',
        status: 'succeeded',
        durationMs: 5,
        output: { headline: 'H', answer: 'A' },
      }),
      eventFrame({
        type: 'workflow_completed',
        agentName: 'workflow',
        workflowId: 'w',
        path: 'insufficient',
        status: 'succeeded',
        durationMs: 40,
        succeededStages: 3,
        totalStages: 3,
      }),
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
    const state = apply(
      INITIAL_RUNS_STATE,
      eventFrame({ type: 'agent_started', agentName: 'triage', stage: 'triage', input: { request: 'From the other tab', previous: {} } }),
    );
    expect(state.order).toEqual(['run-1']);
    expect(state.runs['run-1']).toMatchObject({ question: 'From the other tab', status: 'running' });
  });

  it('marks stages that never ran as skipped when a run is cancelled', () => {
    const state = apply(
      INITIAL_RUNS_STATE,
      eventFrame({
        type: 'workflow_planned',
        agentName: 'workflow',
        workflowId: 'w',
        path: 'partial',
        stages: ['triage', 'data_helper', 'data', 'reporting'],
      }),
      {
        type: 'frame',
        frame: {
          type: 'result',
          runId: 'run-1',
          result: { workflowId: 'w', workflowName: 'n', status: 'cancelled', path: 'partial', stages: [], durationMs: 9 },
        },
        now: 5,
      },
    );
    expect(state.runs['run-1']!.status).toBe('cancelled');
    expect(new Set(state.runs['run-1']!.stages.map((stage) => stage.status))).toEqual(new Set(['skipped']));
  });

  it('turns unanswered asks into an error when the connection drops', () => {
    const state = apply(INITIAL_RUNS_STATE, { type: 'ask', clientRequestId: 'c1', question: 'Q', now: 0 }, { type: 'connection-lost' });
    expect(state.runs.c1).toMatchObject({ status: 'rejected' });
  });
});

describe('runsReducer: the streamed answer', () => {
  const reporting = { agentName: 'reporting', stage: 'reporting', executionId: 'exec-r' };
  const delta = (text: string, executionId = 'exec-r') =>
    eventFrame({ type: 'agent_output_delta', ...reporting, executionId, delta: text });
  const started = () =>
    apply(
      INITIAL_RUNS_STATE,
      eventFrame({
        type: 'workflow_planned',
        agentName: 'workflow',
        workflowId: 'w',
        path: 'insufficient',
        stages: ['triage', 'data_helper', 'reporting'],
      }),
      eventFrame({ type: 'agent_started', ...reporting }),
    );

  it('grows with each delta of the reporting call, then the finished answer replaces it', () => {
    let state = apply(started(), delta('Five '), delta('steps.'));
    expect(state.runs['run-1']).toMatchObject({ status: 'running', streamedAnswer: { executionId: 'exec-r', text: 'Five steps.' } });
    expect(state.runs['run-1']!.answer).toBeUndefined();
    state = apply(state, delta('\n\n'), delta('### Why\n\n'), delta('- **Tag** '));
    const text = state.runs['run-1']!.streamedAnswer!.text;
    expect(text).toBe('Five steps.\n\n### Why\n\n- **Tag** ');
    // Where the page puts it: the headline is complete, the body is growing.
    expect(splitAnswerText(text)).toEqual({ headline: 'Five steps.', answer: '### Why\n\n- **Tag** ' });
    state = apply(
      state,
      eventFrame({
        type: 'agent_completed',
        ...reporting,
        status: 'succeeded',
        durationMs: 5,
        output: { headline: 'Five steps.', answer: '### Why\n\n- **Tag** everything.', basedOn: [] },
      }),
    );
    expect(state.runs['run-1']!.answer).toEqual({ headline: 'Five steps.', answer: '### Why\n\n- **Tag** everything.' });
    expect(state.runs['run-1']!.streamedAnswer).toBeUndefined();
    // A delta after the finished answer (the engine never sends one) does not bring the streamed text back.
    state = apply(state, delta('late '));
    expect(state.runs['run-1']!.streamedAnswer).toBeUndefined();
  });

  it("follows the reporting call whose start it saw, and ignores other stages' output", () => {
    let state = apply(
      started(),
      delta('First '),
      eventFrame({
        type: 'agent_output_delta',
        agentName: 'data_helper',
        stage: 'data_helper',
        executionId: 'exec-h',
        delta: 'helper text',
      }),
      delta('stray ', 'exec-r2'),
    );
    expect(state.runs['run-1']!.streamedAnswer).toEqual({ executionId: 'exec-r', text: 'First ' });
    state = apply(
      state,
      eventFrame({ type: 'agent_started', ...reporting, executionId: 'exec-r2' }),
      delta('Second ', 'exec-r2'),
      delta('try', 'exec-r2'),
    );
    expect(state.runs['run-1']!.streamedAnswer).toEqual({ executionId: 'exec-r2', text: 'Second try' });
  });

  it('shows no half answer to a page that joined mid-answer: it waits for the finished one', () => {
    let state = apply(INITIAL_RUNS_STATE, delta('middle '), delta('words'));
    expect(state.runs['run-1']!.streamedAnswer).toBeUndefined();
    state = apply(
      state,
      eventFrame({ type: 'agent_completed', ...reporting, status: 'succeeded', durationMs: 5, output: { headline: 'H', answer: 'A' } }),
    );
    expect(state.runs['run-1']!.answer).toEqual({ headline: 'H', answer: 'A' });
  });

  it('keeps what was written when the run is cancelled mid-answer', () => {
    const state = apply(started(), delta('Half '), delta('an answer'), {
      type: 'frame',
      frame: {
        type: 'result',
        runId: 'run-1',
        result: { workflowId: 'w', workflowName: 'n', status: 'cancelled', path: 'insufficient', stages: [], durationMs: 9 },
      },
      now: 5,
    });
    expect(state.runs['run-1']).toMatchObject({ status: 'cancelled', streamedAnswer: { text: 'Half an answer' } });
    expect(state.runs['run-1']!.answer).toBeUndefined();
  });

  it('takes the answer from the result when the reporting agent_completed was missed (replay unavailable)', () => {
    const output = { headline: 'H', answer: 'A', basedOn: [] };
    const state = apply(started(), delta('H'), {
      type: 'frame',
      frame: {
        type: 'result',
        runId: 'run-1',
        result: {
          workflowId: 'w',
          workflowName: 'n',
          status: 'succeeded',
          path: 'insufficient',
          stages: [{ agentName: 'reporting', status: 'succeeded', output }],
          durationMs: 9,
        },
      },
      now: 5,
    });
    expect(state.runs['run-1']).toMatchObject({ status: 'succeeded', answer: { headline: 'H', answer: 'A' } });
    expect(state.runs['run-1']!.streamedAnswer).toBeUndefined();
  });

  it('reads a plain-text output too (headline, blank line, body)', () => {
    const state = apply(
      started(),
      eventFrame({ type: 'agent_completed', ...reporting, status: 'succeeded', durationMs: 5, output: 'Headline\n\nBody' }),
    );
    expect(state.runs['run-1']!.answer).toEqual({ headline: 'Headline', answer: 'Body' });
  });
});
