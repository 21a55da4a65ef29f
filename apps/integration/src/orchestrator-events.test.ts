import { WorkflowOrchestrator } from '@baton/orchestrator';
import { createGate, createTestFactory, recordEvents } from '@baton/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type AgentCall, type Harness, harness, recordingAgents, TRIAGE_AGENTS } from './orchestrator-fixtures.js';

let current: Harness | undefined;
afterEach(async () => {
  await current?.factory.shutdown();
  current = undefined;
});

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
    const { engine, events, recorder, userContext } = current;
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
    // Valid per the contract's schema, one engine stream with gapless seq, this user's ids everywhere,
    // one agent_started first and one agent_completed last per call, tool calls paired.
    recorder.assertGuarantees();
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
    current.recorder.assertGuarantees();
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
    const triageDone = { 'user-ann': createGate(), 'user-bob': createGate() };
    const other = { 'user-ann': 'user-bob', 'user-bob': 'user-ann' } as const;
    const factory = createTestFactory(
      recordingAgents(calls, TRIAGE_AGENTS, {
        triage: (_input, ctx) => {
          triageDone[ctx.userContext.userId as keyof typeof triageDone].open();
          return { dataSufficiency: 'sufficient', user: ctx.userContext.userId };
        },
        data: async (_input, ctx) => {
          await triageDone[other[ctx.userContext.userId as keyof typeof other]].wait(ctx.signal);
          return { user: ctx.userContext.userId };
        },
      }),
    );
    try {
      const engines = {
        ann: await factory.createTestEngine({ userId: 'user-ann' }),
        bob: await factory.createTestEngine({ userId: 'user-bob' }),
      };
      const [ann, bob] = [engines.ann.userContext, engines.bob.userContext];
      const recorders = { ann: recordEvents(engines.ann), bob: recordEvents(engines.bob) };
      const seen = { ann: recorders.ann.events, bob: recorders.bob.events };
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
        // Every event carries this engine's id and this user's, thread's and run's ids.
        recorders[name].assertGuarantees();
        expect(events.every((event) => event.userId === context.userId)).toBe(true);
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
