import { type AgentEvent, parseAgentEvent } from '@baton/engine-contract';
import { createEngineFactory } from '@baton/engine-factory';
import { WorkflowOrchestrator } from '@baton/orchestrator';
import { afterEach, describe, expect, it } from 'vitest';
import { type AgentCall, deferred, type Harness, harness, newContext, recordingAgents, TRIAGE_AGENTS } from './orchestrator-fixtures.js';

let current: Harness | undefined;
afterEach(async () => {
  await current?.factory.shutdown();
  current = undefined;
});

/** Every agent call (executionId) has exactly one agent_started, first, and one agent_completed, last. */
function expectOneLifecyclePerCall(events: readonly AgentEvent[]): void {
  const byExecution = new Map<string, AgentEvent[]>();
  for (const event of events) {
    if (event.agentName === 'workflow') continue;
    byExecution.set(event.executionId, [...(byExecution.get(event.executionId) ?? []), event]);
  }
  for (const callEvents of byExecution.values()) {
    expect(callEvents.filter((event) => event.type === 'agent_started')).toHaveLength(1);
    expect(callEvents.filter((event) => event.type === 'agent_completed')).toHaveLength(1);
    expect(callEvents[0]?.type).toBe('agent_started');
    expect(callEvents.at(-1)?.type).toBe('agent_completed');
  }
}

describe('workflow events', () => {
  it('go workflow_started → triage → workflow_planned → stages → workflow_completed, without duplicates', async () => {
    current = await harness({
      agents: (calls) =>
        recordingAgents(calls, TRIAGE_AGENTS, {
          triage: (_input, ctx) => {
            ctx.think('checking the data');
            return { dataSufficiency: 'partial' };
          },
          data: (_input, ctx) => ctx.tool('warehouse', { table: 'sales', apiKey: 'sk-123' }, async () => ({ rows: 3 })),
        }),
    });
    const { engine, events, userContext } = current;
    const result = await new WorkflowOrchestrator({ engine }).run({ input: 'q', userContext });
    expect(events.map((event) => `${event.type}:${event.stage ?? event.agentName}`)).toEqual([
      'workflow_started:workflow',
      'agent_started:triage',
      'agent_thinking:triage',
      'agent_completed:triage',
      'workflow_planned:workflow',
      'agent_started:data_helper',
      'agent_completed:data_helper',
      'agent_started:data',
      'tool_executing:data',
      'tool_completed:data',
      'agent_completed:data',
      'agent_started:reporting',
      'agent_completed:reporting',
      'workflow_completed:workflow',
    ]);
    // Valid per the contract's schema, one engine stream with contiguous seq, this user's ids everywhere.
    for (const event of events) expect(parseAgentEvent(event)).toEqual(event);
    expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => (events[0]?.seq ?? 0) + index));
    expectOneLifecyclePerCall(events);
    const workflowEvents = events.filter((event) => event.agentName === 'workflow');
    expect(workflowEvents.map((event) => event.executionId)).toEqual([result.workflowId, result.workflowId, result.workflowId]);
    expect(workflowEvents[0]).toMatchObject({ type: 'workflow_started', workflowId: result.workflowId, workflowName: 'triage-workflow' });
    expect(workflowEvents[2]).toMatchObject({
      type: 'workflow_completed',
      workflowId: result.workflowId,
      path: 'partial',
      status: 'succeeded',
      durationMs: result.durationMs,
      succeededStages: 4,
      totalStages: 4,
    });
    for (const event of events)
      expect(event).toMatchObject({ userId: userContext.userId, threadId: userContext.threadId, runId: userContext.runId });
    // The stage's result carries the same executionId as its events.
    for (const stage of result.stages)
      expect(events.filter((event) => event.executionId === stage.executionId).at(-1)?.type).toBe('agent_completed');
  });

  it('gives every run its own workflowId', async () => {
    current = await harness({ agents: (calls) => recordingAgents(calls, TRIAGE_AGENTS) });
    const orchestrator = new WorkflowOrchestrator({ engine: current.engine });
    const [first, second] = await Promise.all([orchestrator.run({ input: 1 }), orchestrator.run({ input: 2 })]);
    expect(first.workflowId).not.toBe(second.workflowId);
    expect(first.workflowId).toMatch(/^[0-9a-f-]{36}$/);
    expectOneLifecyclePerCall(current.events);
  });

  it('measures durationMs with the injected clock', async () => {
    current = await harness({ agents: (calls) => recordingAgents(calls, TRIAGE_AGENTS) });
    let time = 10_000;
    const orchestrator = new WorkflowOrchestrator({ engine: current.engine, now: () => (time += 7) });
    const result = await orchestrator.run({ input: 'q' });
    expect(result.durationMs).toBe(7);
  });
});

describe('two users at once', () => {
  it("never see each other's events, even with interleaved stages", async () => {
    const calls: AgentCall[] = [];
    // Each user's data stage waits for the other user's triage to finish: the two runs interleave.
    const triageDone = { 'user-ann': deferred<void>(), 'user-bob': deferred<void>() };
    const other = { 'user-ann': 'user-bob', 'user-bob': 'user-ann' } as const;
    const factory = createEngineFactory({
      agents: recordingAgents(calls, TRIAGE_AGENTS, {
        triage: (_input, ctx) => {
          triageDone[ctx.userContext.userId as keyof typeof triageDone].resolve();
          return { dataSufficiency: 'sufficient', user: ctx.userContext.userId };
        },
        data: async (_input, ctx) => {
          await triageDone[other[ctx.userContext.userId as keyof typeof other]].promise;
          return { user: ctx.userContext.userId };
        },
      }),
    });
    try {
      const ann = newContext('user-ann');
      const bob = newContext('user-bob');
      const engines = { ann: await factory.createEngine(ann), bob: await factory.createEngine(bob) };
      const seen = { ann: [] as AgentEvent[], bob: [] as AgentEvent[] };
      engines.ann.subscribe((event) => seen.ann.push(event));
      engines.bob.subscribe((event) => seen.bob.push(event));
      const [annResult, bobResult] = await Promise.all([
        new WorkflowOrchestrator({ engine: engines.ann }).run({ input: 'ann asks', userContext: ann }),
        new WorkflowOrchestrator({ engine: engines.bob }).run({ input: 'bob asks', userContext: bob }),
      ]);
      expect(annResult.status).toBe('succeeded');
      expect(bobResult.status).toBe('succeeded');
      for (const [name, context, events, result] of [
        ['ann', ann, seen.ann, annResult],
        ['bob', bob, seen.bob, bobResult],
      ] as const) {
        expect(events.length, name).toBe(5 * 2 + 3);
        for (const event of events) {
          expect(event.userId).toBe(context.userId);
          expect(event.runId).toBe(context.runId);
          expect(event.threadId).toBe(context.threadId);
          expect(event.engineId).toBe(engines[name].engineId);
        }
        const workflowIds = new Set(events.filter((event) => event.agentName === 'workflow').map((event) => event.executionId));
        expect([...workflowIds]).toEqual([result.workflowId]);
      }
      // Each user's stages saw only that user's request and outputs.
      for (const call of calls) {
        expect(call.input.request).toBe(call.userId === 'user-ann' ? 'ann asks' : 'bob asks');
        const triage = call.input.previous.triage as { user: string } | undefined;
        if (triage) expect(triage.user).toBe(call.userId);
      }
    } finally {
      await factory.shutdown();
    }
  });
});
