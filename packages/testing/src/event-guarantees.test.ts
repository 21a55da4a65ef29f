import { type AgentEvent, InvalidConfigError, InvalidEventError } from '@baton/engine-contract';
import { afterEach, describe, expect, it } from 'vitest';
import { EventGuaranteeError } from './errors/index.js';
import { assertEventGuarantees, type EventGuaranteeOptions } from './event-guarantees.js';
import { scriptedAgent } from './scripted-agent.js';
import { createTestFactory, type TestFactory } from './test-factory.js';

let factory: TestFactory | undefined;
afterEach(async () => {
  await factory?.shutdown();
  factory = undefined;
});

/**
 * A real, valid stream of one engine: a workflow run around one call that thinks, uses a tool and
 * streams. Indexes: 0 workflow_started, 1 agent_started, 2 thinking, 3 tool_executing,
 * 4 tool_completed, 5 delta, 6 agent_completed, 7 workflow_planned, 8 workflow_completed.
 */
async function validStream(): Promise<AgentEvent[]> {
  const writer = scriptedAgent({ name: 'writer', script: [{ think: 'hm' }, { tool: 'search', output: 1 }, { write: 'done' }] });
  factory = createTestFactory([writer]);
  const engine = await factory.createTestEngine();
  engine.emitWorkflowEvent({ type: 'workflow_started', executionId: 'wf-1', workflowId: 'wf-1', workflowName: 'flow' });
  await engine.executeAgent({ agentName: 'writer', stage: 'writer' });
  engine.emitWorkflowEvent({ type: 'workflow_planned', executionId: 'wf-1', workflowId: 'wf-1', path: 'main', stages: ['writer'] });
  engine.emitWorkflowEvent({
    type: 'workflow_completed',
    executionId: 'wf-1',
    workflowId: 'wf-1',
    path: 'main',
    status: 'succeeded',
    durationMs: 0,
    succeededStages: 1,
    totalStages: 1,
  });
  return [...factory.events.events];
}

/** The events with `seq` renumbered from the first one, so that a change breaks only the guarantee under test. */
function renumbered(events: AgentEvent[]): AgentEvent[] {
  const first = events[0]?.seq ?? 0;
  return events.map((event, index) => ({ ...event, seq: first + index }));
}

function violation(events: readonly AgentEvent[], options?: EventGuaranteeOptions): EventGuaranteeError {
  try {
    assertEventGuarantees(events, options);
  } catch (error) {
    if (EventGuaranteeError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a broken guarantee');
}

describe('assertEventGuarantees', () => {
  it('accepts a real engine stream', async () => {
    const events = await validStream();
    expect(events.map((event) => event.type)).toEqual([
      'workflow_started',
      'agent_started',
      'agent_thinking',
      'tool_executing',
      'tool_completed',
      'agent_output_delta',
      'agent_completed',
      'workflow_planned',
      'workflow_completed',
    ]);
    expect(() => assertEventGuarantees(events)).not.toThrow();
  });

  it('valid-event: names the index and the schema problem', async () => {
    const events = await validStream();
    const error = violation([...events.slice(0, 2), { ...events[2]!, seq: -1 }]);
    expect(error).toMatchObject({ guarantee: 'valid-event', index: 2, code: 'INVALID_EVENT' });
    expect(error.message).toBe(
      'Event guarantee "valid-event" broken: events[2] is not a valid agent event: seq: Too small: expected number to be >=0',
    );
  });

  it('gapless-seq: a missing event', async () => {
    const events = await validStream();
    const error = violation([...events.slice(0, 2), ...events.slice(3)]);
    expect(error).toMatchObject({ guarantee: 'gapless-seq', index: 2, event: events[3] });
    expect(error.message).toContain(
      `tool_executing (seq ${events[3]!.seq}, agent "writer", call ${events[3]!.executionId}): expected seq ${events[2]!.seq}`,
    );
  });

  it('user-isolation: an event with another user id, or from another engine than the recorded one', async () => {
    const events = await validStream();
    expect(violation(events.map((event, index) => (index === 4 ? { ...event, userId: 'intruder' } : event)))).toMatchObject({
      guarantee: 'user-isolation',
      index: 4,
      message: expect.stringContaining('carries userId "intruder" where its engine\'s userId is "user-1"'),
    });
    const other = { engineId: 'other-engine', userId: 'user-1', threadId: events[0]!.threadId, runId: events[0]!.runId };
    expect(violation(events, { engine: other })).toMatchObject({ guarantee: 'user-isolation', index: 0 });
    const sameEngine = { ...other, engineId: events[0]!.engineId, runId: 'run-9' };
    expect(violation(events, { engine: sameEngine }).message).toContain('carries runId');
  });

  it('call-order: an event after agent_completed, or before agent_started', async () => {
    const events = await validStream();
    const late = renumbered([...events.slice(0, 2), ...events.slice(3, 7), events[2]!, ...events.slice(7)]);
    expect(violation(late)).toMatchObject({
      guarantee: 'call-order',
      index: 6,
      message: expect.stringContaining('follows the agent_completed of its call'),
    });
    const early = renumbered([events[0]!, events[2]!, events[1]!, ...events.slice(3)]);
    expect(violation(early)).toMatchObject({
      guarantee: 'call-order',
      index: 1,
      message: expect.stringContaining("comes before its call's agent_started"),
    });
  });

  it('one-completion-per-call: a call without agent_completed, or with two', async () => {
    const events = await validStream();
    const missing = renumbered([...events.slice(0, 6), ...events.slice(7)]);
    const error = violation(missing);
    expect(error).toMatchObject({ guarantee: 'one-completion-per-call', event: undefined, index: undefined });
    expect(error.message).toContain(`call ${events[1]!.executionId} of agent "writer" has no agent_completed`);
    const twice = renumbered([...events.slice(0, 7), events[6]!, ...events.slice(7)]);
    expect(violation(twice)).toMatchObject({ guarantee: 'one-completion-per-call', index: 7 });
  });

  it('tool-pairing: unmatched ids, another tool name, a tool left open, a tool opened twice', async () => {
    const events = await validStream();
    const replace = (index: number, change: Partial<AgentEvent>) =>
      events.map((event, at) => (at === index ? ({ ...event, ...change } as AgentEvent) : event));
    expect(violation(replace(4, { toolCallId: 'other' } as Partial<AgentEvent>)).message).toContain(
      'has no open tool_executing with toolCallId other',
    );
    expect(violation(replace(4, { toolName: 'fetch' } as Partial<AgentEvent>)).message).toContain(
      'names tool "fetch" but its tool_executing named "search"',
    );
    const open = violation(renumbered([...events.slice(0, 4), ...events.slice(5)]));
    expect(open).toMatchObject({
      guarantee: 'tool-pairing',
      message: expect.stringMatching(/agent_completed .*: tool call .* has no tool_completed before it/),
    });
    const twice = violation(renumbered([...events.slice(0, 4), events[3]!, ...events.slice(4)]));
    expect(twice).toMatchObject({ guarantee: 'tool-pairing', index: 4, message: expect.stringContaining('is already open in this call') });
  });

  it('workflow-bracketing: events before the start or after the end, and a run that never ends', async () => {
    const events = await validStream();
    const before = violation(renumbered([events[7]!, ...events.slice(0, 7), events[8]!]));
    expect(before).toMatchObject({
      guarantee: 'workflow-bracketing',
      index: 0,
      message: expect.stringContaining('comes before workflow_started or workflow_resumed'),
    });
    const after = violation(renumbered([...events, events[7]!]));
    expect(after.message).toContain("follows the run's workflow_completed");
    const restarted = violation(renumbered([...events, events[0]!]));
    expect(restarted.message).toContain('starts a workflow run that already has events');
    const open = violation(events.slice(0, 8));
    expect(open).toMatchObject({
      guarantee: 'workflow-bracketing',
      message: expect.stringContaining('workflow run wf-1 has no workflow_completed'),
    });
  });

  it('accepts a suspended run and its resumption, refuses resuming a run still going', async () => {
    const events = await validStream();
    const suspended = { ...events[8]!, type: 'workflow_suspended', stage: 'writer', prompt: 'Go on?' } as AgentEvent;
    const resumed = { ...events[0]!, type: 'workflow_resumed', completedStages: ['writer'] } as AgentEvent;
    expect(() => assertEventGuarantees(renumbered([...events.slice(0, 8), suspended]))).not.toThrow();
    expect(() => assertEventGuarantees(renumbered([...events.slice(0, 8), suspended, resumed, events[8]!]))).not.toThrow();
    expect(violation(renumbered([events[0]!, resumed]), { allowRunning: true }).message).toContain(
      'resumes a workflow run that is still running',
    );
  });

  it('allowRunning accepts calls and runs not finished yet', async () => {
    const events = await validStream();
    expect(() => assertEventGuarantees(events.slice(0, 4), { allowRunning: true })).not.toThrow();
    expect(violation(events.slice(0, 4)).guarantee).toBe('one-completion-per-call');
  });

  it('checks each engine on its own when several are interleaved', async () => {
    const writer = scriptedAgent({ name: 'writer', script: [{ write: 'x' }] });
    factory = createTestFactory([writer]);
    const [ann, bob] = await Promise.all([factory.createTestEngine({ userId: 'ann' }), factory.createTestEngine({ userId: 'bob' })]);
    await Promise.all([
      ann.executeAgent({ agentName: 'writer' }),
      bob.executeAgent({ agentName: 'writer' }),
      ann.executeAgent({ agentName: 'writer' }),
    ]);
    const events = factory.events.events;
    expect(new Set(events.map((event) => event.engineId)).size).toBe(2);
    expect(() => assertEventGuarantees(events)).not.toThrow();
  });

  it('is a kind of InvalidEventError, and refuses arguments of the wrong shape with InvalidConfigError', async () => {
    const events = await validStream();
    expect(InvalidEventError.isInstance(violation(events.slice(0, 3)))).toBe(true);
    expect(() => assertEventGuarantees('events' as never)).toThrow(
      'assertEventGuarantees(events): events must be an array of agent events',
    );
    expect(() => assertEventGuarantees(events, 'strict' as never)).toThrow(InvalidConfigError);
    expect(() => assertEventGuarantees(events, { allowRunning: 'yes' as never })).toThrow('allowRunning must be a boolean');
  });
});
