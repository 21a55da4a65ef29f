import type { AgentEvent } from '@baton/engine-contract';
import { describe, expect, it } from 'vitest';
import type { ServerFrame } from '../server/protocol.js';
import { splitAnswerText } from '../shared/answer-text.js';
import type { StoredRun } from '../shared/runs-api.js';
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
function runEvent(runId: string, event: Record<string, unknown>): RunsAction {
  const action = eventFrame(event) as Extract<RunsAction, { type: 'frame' }>;
  const frame = action.frame as Extract<ServerFrame, { type: 'event' }>;
  return { ...action, frame: { ...frame, event: { ...frame.event, runId } } };
}
function stored(overrides: Partial<StoredRun> & Pick<StoredRun, 'runId'>): StoredRun {
  return {
    workflowId: `wf-${overrides.runId}`,
    workflowName: 'triage-workflow',
    question: `Question of ${overrides.runId}`,
    status: 'succeeded',
    createdAt: 1_000,
    updatedAt: 2_000,
    stages: [],
    suspension: null,
    result: null,
    ...overrides,
  };
}
const succeeded = (name: string) => ({ stage: name, agentName: name, status: 'succeeded' as const, durationMs: 10 });

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

describe('runsReducer: history, interruption and resume', () => {
  const finished = stored({
    runId: 'old',
    createdAt: 1_000,
    stages: [succeeded('triage'), succeeded('data_helper'), succeeded('reporting')],
    result: { status: 'succeeded', path: 'insufficient', durationMs: 900, output: { headline: 'Old headline', answer: 'Old body' } },
  });
  const inFlight = stored({ runId: 'live', createdAt: 3_000, status: 'running', stages: [succeeded('triage')] });

  it('turns stored runs into cards: question, path, stages and answer; a running one keeps its stored stages', () => {
    const state = apply(INITIAL_RUNS_STATE, { type: 'history', runs: [inFlight, finished], now: 10_000 });
    expect(state.order).toEqual(['live', 'old']);
    expect(state.runs.old).toMatchObject({
      runId: 'old',
      workflowId: 'wf-old',
      question: 'Question of old',
      status: 'succeeded',
      path: 'insufficient',
      durationMs: 900,
      answer: { headline: 'Old headline', answer: 'Old body' },
    });
    expect(state.runs.old!.stages.map((stage) => [stage.name, stage.status])).toEqual([
      ['triage', 'succeeded'],
      ['data_helper', 'succeeded'],
      ['reporting', 'succeeded'],
    ]);
    expect(state.runs.live).toMatchObject({ status: 'running', question: 'Question of live', startedAtLocal: 3_000 });
    expect(state.runs.live!.stages).toEqual([{ name: 'triage', status: 'succeeded', durationMs: 10 }]);
  });

  it('replays a running card from its first event without losing its question, and ignores events of finished cards', () => {
    let state = apply(INITIAL_RUNS_STATE, { type: 'history', runs: [inFlight, finished], now: 10_000 });
    state = apply(
      state,
      runEvent('old', { type: 'workflow_started', agentName: 'workflow', workflowId: 'wf-old', workflowName: 'triage-workflow' }),
      runEvent('old', { type: 'agent_started', agentName: 'triage', stage: 'triage' }),
      runEvent('live', { type: 'workflow_started', agentName: 'workflow', workflowId: 'wf-live', workflowName: 'triage-workflow' }),
      runEvent('live', { type: 'agent_started', agentName: 'triage', stage: 'triage', input: { request: 'Question of live' } }),
      runEvent('live', { type: 'agent_completed', agentName: 'triage', stage: 'triage', status: 'succeeded', durationMs: 10 }),
      runEvent('live', {
        type: 'workflow_planned',
        agentName: 'workflow',
        workflowId: 'wf-live',
        path: 'sufficient',
        stages: ['triage', 'data', 'reporting'],
      }),
      runEvent('live', { type: 'agent_started', agentName: 'data', stage: 'data' }),
      runEvent('live', { type: 'agent_thinking', agentName: 'data', stage: 'data', thought: 'Reading the bill' }),
    );
    expect(state.runs.old!.status).toBe('succeeded');
    expect(state.runs.old!.stages.every((stage) => stage.status === 'succeeded')).toBe(true);
    expect(state.runs.live).toMatchObject({ status: 'running', question: 'Question of live', path: 'sufficient' });
    expect(state.runs.live!.stages.map((stage) => [stage.name, stage.status])).toEqual([
      ['triage', 'succeeded'],
      ['data', 'running'],
      ['reporting', 'queued'],
    ]);
    expect(state.runs.live!.activity.map((line) => line.text)).toEqual(['Reading the bill']);
  });

  it('places stored runs by createdAt among the cards, after the ones asked on the page, and never twice', () => {
    let state = apply(INITIAL_RUNS_STATE, { type: 'history', runs: [finished], now: 10_000 });
    state = apply(state, { type: 'ask', clientRequestId: 'c1', question: 'New', now: 11_000 });
    const newer = stored({ runId: 'newer', createdAt: 2_000 });
    const oldest = stored({ runId: 'oldest', createdAt: 500 });
    state = apply(state, { type: 'history', runs: [newer, finished, oldest], now: 12_000 });
    expect(state.order).toEqual(['c1', 'newer', 'old', 'oldest']);
  });

  it('takes the stored end of a run the page still shows running (its last events were missed)', () => {
    let state = apply(INITIAL_RUNS_STATE, { type: 'history', runs: [inFlight], now: 10_000 });
    const ended = stored({
      ...inFlight,
      status: 'failed',
      stages: [
        succeeded('triage'),
        { stage: 'data', agentName: 'data', status: 'failed', durationMs: 3, error: { code: 'AGENT_FAILED', message: 'no' } },
      ],
      result: { status: 'failed', path: 'sufficient', durationMs: 50 },
    });
    state = apply(state, { type: 'history', runs: [ended], now: 11_000 });
    expect(state.runs.live).toMatchObject({ status: 'failed', path: 'sufficient', durationMs: 50 });
    expect(state.runs.live!.stages.map((stage) => [stage.name, stage.status])).toEqual([
      ['triage', 'succeeded'],
      ['data', 'failed'],
    ]);
  });

  it('shows an interrupted run as interrupted (not failed), and continues the card when it is resumed', () => {
    let state = apply(
      INITIAL_RUNS_STATE,
      { type: 'ask', clientRequestId: 'c1', question: 'Q', now: 0 },
      { type: 'frame', frame: { type: 'accepted', runId: 'run-r', clientRequestId: 'c1' }, now: 1 },
      runEvent('run-r', { type: 'workflow_started', agentName: 'workflow', workflowId: 'wf-r', workflowName: 'triage-workflow' }),
      runEvent('run-r', { type: 'agent_started', agentName: 'triage', stage: 'triage' }),
      runEvent('run-r', { type: 'agent_completed', agentName: 'triage', stage: 'triage', status: 'succeeded', durationMs: 4 }),
      runEvent('run-r', {
        type: 'workflow_planned',
        agentName: 'workflow',
        workflowId: 'wf-r',
        path: 'insufficient',
        stages: ['triage', 'data_helper', 'reporting'],
      }),
      runEvent('run-r', { type: 'agent_started', agentName: 'data_helper', stage: 'data_helper' }),
      { type: 'frame', frame: { type: 'interrupted', runId: 'run-r', workflowId: 'wf-r' }, now: 2 },
    );
    expect(state.runs.c1).toMatchObject({ status: 'interrupted', workflowId: 'wf-r' });
    expect(state.runs.c1!.stages.map((stage) => stage.status)).toEqual(['succeeded', 'cancelled', 'queued']);
    // Late events of the stopped run (another tab's replay) do not reopen it; workflow_resumed does.
    state = apply(state, runEvent('run-r', { type: 'agent_thinking', agentName: 'data_helper', stage: 'data_helper', thought: 'late' }));
    expect(state.runs.c1!.status).toBe('interrupted');
    state = apply(
      state,
      runEvent('run-r', { type: 'workflow_resumed', agentName: 'workflow', workflowId: 'wf-r', completedStages: ['triage'] }),
    );
    expect(state.runs.c1!.status).toBe('running');
    expect(state.runs.c1!.stages.map((stage) => stage.status)).toEqual(['succeeded', 'queued', 'queued']);
    expect(state.runs.c1!.activity.at(-1)).toMatchObject({ kind: 'resumed', text: expect.stringContaining('1 stage already done') });
    state = apply(
      state,
      runEvent('run-r', {
        type: 'workflow_completed',
        agentName: 'workflow',
        workflowId: 'wf-r',
        path: 'insufficient',
        status: 'succeeded',
        durationMs: 9,
        succeededStages: 3,
        totalStages: 3,
      }),
    );
    expect(state.runs.c1!.status).toBe('succeeded');
  });

  it('shows a stored interrupted run as interrupted, and the stored interruption of a card still running', () => {
    const interrupted = stored({ runId: 'cut', status: 'interrupted', stages: [succeeded('triage')] });
    let state = apply(INITIAL_RUNS_STATE, { type: 'history', runs: [interrupted], now: 10_000 });
    expect(state.runs.cut).toMatchObject({ status: 'interrupted', workflowId: 'wf-cut' });
    state = apply(INITIAL_RUNS_STATE, { type: 'history', runs: [{ ...interrupted, status: 'running' }], now: 10_000 });
    state = apply(state, runEvent('cut', { type: 'agent_started', agentName: 'data', stage: 'data' }));
    state = apply(state, { type: 'history', runs: [interrupted], now: 11_000 });
    expect(state.runs.cut!.status).toBe('interrupted');
    expect(state.runs.cut!.stages.map((stage) => [stage.name, stage.status])).toEqual([
      ['triage', 'succeeded'],
      ['data', 'cancelled'],
    ]);
  });
});

describe('runsReducer: approvals', () => {
  const PROMPT = 'Apply this plan? 7 steps, about $13,880 a month';
  const FULL_PATH = ['triage', 'data', 'optimization', 'actions', 'reporting'];
  const wf = (type: string, fields: Record<string, unknown> = {}) => ({ type, agentName: 'workflow', workflowId: 'wf-a', ...fields });
  const done = (stage: string) => ({ type: 'agent_completed', agentName: stage, stage, status: 'succeeded', durationMs: 5 });

  /** A card asked on this page whose run reached its gate: triage, data and optimization done, actions waiting. */
  function waitingCard(): RunsState {
    return apply(
      INITIAL_RUNS_STATE,
      { type: 'ask', clientRequestId: 'c1', question: 'Q', now: 0 },
      { type: 'frame', frame: { type: 'accepted', runId: 'run-a', clientRequestId: 'c1' }, now: 1 },
      runEvent('run-a', wf('workflow_started', { workflowName: 'triage-workflow-with-approval' })),
      runEvent('run-a', wf('workflow_planned', { path: 'sufficient', stages: FULL_PATH })),
      runEvent('run-a', done('triage')),
      runEvent('run-a', done('data')),
      runEvent('run-a', done('optimization')),
      runEvent('run-a', wf('workflow_suspended', { stage: 'actions', prompt: PROMPT })),
    );
  }
  const statuses = (state: RunsState) => state.runs.c1!.stages.map((stage) => [stage.name, stage.status]);
  const refused = (code: string, message: string) => ({
    stage: 'actions',
    agentName: 'actions',
    status: 'failed' as const,
    durationMs: 0,
    error: { code, message },
  });

  it('shows the question and waits for a decision when the run suspends; the suspended result keeps it waiting', () => {
    let state = waitingCard();
    expect(state.runs.c1).toMatchObject({
      status: 'waiting',
      workflowId: 'wf-a',
      approval: { workflowId: 'wf-a', stage: 'actions', prompt: PROMPT, state: 'pending' },
    });
    expect(statuses(state)).toEqual([
      ['triage', 'succeeded'],
      ['data', 'succeeded'],
      ['optimization', 'succeeded'],
      ['actions', 'awaiting_approval'],
      ['reporting', 'queued'],
    ]);
    const result = {
      workflowId: 'wf-a',
      workflowName: 'n',
      status: 'suspended' as const,
      suspendedAt: 'actions',
      path: 'sufficient',
      stages: [],
      durationMs: 40,
    };
    state = apply(state, { type: 'frame', frame: { type: 'result', runId: 'run-a', result }, now: 5 });
    expect(state.runs.c1).toMatchObject({ status: 'waiting', approval: { state: 'pending', prompt: PROMPT } });
    expect(state.runs.c1!.durationMs).toBeUndefined();
  });

  it('disables the buttons once this page decided, and shows Approved (with the note) when the stage starts with the approval', () => {
    let state = apply(waitingCard(), { type: 'decision-sent', workflowId: 'wf-a', approved: true, note: 'Go' });
    expect(state.runs.c1!.approval).toMatchObject({ state: 'deciding', sent: 'approve' });
    state = apply(state, runEvent('run-a', wf('workflow_resumed', { completedStages: ['triage', 'data', 'optimization'] })));
    expect(state.runs.c1).toMatchObject({ status: 'running', approval: { state: 'resumed' } });
    expect(state.runs.c1!.activity.at(-1)).toMatchObject({ kind: 'resumed', text: expect.stringContaining('decision') });
    state = apply(
      state,
      runEvent('run-a', {
        type: 'agent_started',
        agentName: 'actions',
        stage: 'actions',
        input: { approval: { approved: true, note: 'Go' } },
      }),
    );
    expect(state.runs.c1!.approval).toMatchObject({ state: 'approved', note: 'Go' });
    expect(state.runs.c1!.activity.at(-1)).toMatchObject({ kind: 'approval', text: 'Approved: Go' });
    expect(statuses(state)[3]).toEqual(['actions', 'running']);
  });

  it('learns of a rejection in another tab from the next stage, then the exact APPROVAL_REJECTED (and its note) from the result', () => {
    let state = apply(
      waitingCard(),
      runEvent('run-a', wf('workflow_resumed', { completedStages: ['triage', 'data', 'optimization'] })),
      runEvent('run-a', { type: 'agent_started', agentName: 'reporting', stage: 'reporting', input: { failedStages: ['actions'] } }),
    );
    expect(state.runs.c1!.approval!.state).toBe('not_approved');
    expect(statuses(state)[3]).toEqual(['actions', 'failed']);
    const stages = [refused('APPROVAL_REJECTED', 'Stage "actions" was rejected: Too risky')];
    const result = { workflowId: 'wf-a', workflowName: 'n', status: 'failed' as const, path: 'sufficient', stages, durationMs: 90 };
    state = apply(state, { type: 'frame', frame: { type: 'result', runId: 'run-a', result }, now: 9 });
    expect(state.runs.c1).toMatchObject({ status: 'failed', approval: { state: 'rejected', note: 'Too risky' } });
    expect(statuses(state)[3]).toEqual(['actions', 'failed']);
    expect(state.runs.c1!.activity.filter((line) => line.kind === 'approval').map((line) => line.text)).toEqual([
      'Rejected (APPROVAL_REJECTED): Too risky',
    ]);
  });

  it('brings the buttons back, with why, when this page’s decision is refused (NOT_SUSPENDED, limit reached)', () => {
    let state = apply(waitingCard(), { type: 'decision-sent', workflowId: 'wf-a', approved: false });
    state = apply(state, {
      type: 'frame',
      frame: { type: 'error', code: 'USER_LIMIT_EXCEEDED', message: 'You already have 3 runs in progress', workflowId: 'wf-a' },
      now: 6,
    });
    expect(state.runs.c1).toMatchObject({
      status: 'waiting',
      approval: { state: 'pending', error: 'You already have 3 runs in progress' },
    });
    expect(state.runs.c1!.approval!.sent).toBeUndefined();
  });

  it('keeps a pending approval across a reload: the stored suspension shows the question, the replay keeps it', () => {
    const waiting = stored({
      runId: 'run-a',
      workflowId: 'wf-a',
      status: 'suspended',
      stages: [succeeded('triage'), succeeded('data'), succeeded('optimization')],
      suspension: { stage: 'actions', prompt: PROMPT, suspendedAt: 1_500, expiresAt: 601_500 },
    });
    let state = apply(INITIAL_RUNS_STATE, { type: 'history', runs: [waiting], now: 10_000 });
    const card = () => state.runs['run-a']!;
    expect(card()).toMatchObject({ status: 'waiting', approval: { state: 'pending', prompt: PROMPT, workflowId: 'wf-a' } });
    expect(card().stages.map((stage) => stage.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'awaiting_approval']);
    state = apply(
      state,
      runEvent('run-a', wf('workflow_started', { workflowName: 'triage-workflow-with-approval' })),
      runEvent('run-a', wf('workflow_planned', { path: 'sufficient', stages: FULL_PATH })),
      runEvent('run-a', wf('workflow_suspended', { stage: 'actions', prompt: PROMPT })),
    );
    expect(card()).toMatchObject({ status: 'waiting', path: 'sufficient', approval: { state: 'pending' } });
  });

  it('never shows the buttons again for a gate the history shows passed, even when the question is replayed', () => {
    const decided = stored({
      runId: 'run-a',
      workflowId: 'wf-a',
      status: 'running',
      stages: [
        succeeded('triage'),
        succeeded('data'),
        succeeded('optimization'),
        refused('APPROVAL_TIMEOUT', 'No decision on stage "actions" in time'),
      ],
    });
    let state = apply(INITIAL_RUNS_STATE, { type: 'history', runs: [decided], now: 10_000 });
    const card = () => state.runs['run-a']!;
    expect(card()).toMatchObject({ status: 'running', approval: { state: 'timed_out', stage: 'actions' } });
    state = apply(
      state,
      runEvent('run-a', wf('workflow_started', { workflowName: 'triage-workflow-with-approval' })),
      runEvent('run-a', wf('workflow_planned', { path: 'sufficient', stages: FULL_PATH })),
      runEvent('run-a', wf('workflow_suspended', { stage: 'actions', prompt: PROMPT })),
      runEvent('run-a', wf('workflow_resumed', { completedStages: ['triage', 'data', 'optimization'] })),
      runEvent('run-a', { type: 'agent_started', agentName: 'reporting', stage: 'reporting', input: { failedStages: ['actions'] } }),
    );
    expect(card()).toMatchObject({ status: 'running', approval: { state: 'timed_out' } });
    expect(card().stages.map((stage) => [stage.name, stage.status])).toEqual([
      ['triage', 'succeeded'],
      ['data', 'succeeded'],
      ['optimization', 'succeeded'],
      ['actions', 'failed'],
      ['reporting', 'running'],
    ]);
  });

  it('continues a card waiting on this page when the history shows it decided elsewhere (its events were missed)', () => {
    let state = waitingCard();
    const resumed = stored({
      runId: 'run-a',
      workflowId: 'wf-a',
      status: 'running',
      stages: [succeeded('triage'), succeeded('data'), succeeded('optimization')],
    });
    state = apply(state, { type: 'history', runs: [resumed], now: 10_000 });
    expect(state.runs.c1).toMatchObject({ status: 'running', approval: { state: 'resumed' } });
  });
});
