import { WorkflowOrchestrator } from '@baton/orchestrator';
import { createGate } from '@baton/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, harness, recordingAgents, TRIAGE_AGENTS } from './orchestrator-fixtures.js';

let current: Harness | undefined;
afterEach(async () => {
  await current?.factory.shutdown();
  current = undefined;
});

describe('cancelling a workflow run', () => {
  it('before start: nothing runs, the run is cancelled, the event stream still opens and closes', async () => {
    current = await harness({ agents: (calls) => recordingAgents(calls, TRIAGE_AGENTS) });
    const { engine, events, calls, recorder } = current;
    const result = await new WorkflowOrchestrator({ engine }).run({ input: 'q' }, { signal: AbortSignal.abort() });
    expect(result).toMatchObject({ status: 'cancelled', path: '', stages: [] });
    expect(calls).toEqual([]);
    expect(engine.getStats().runsStarted).toBe(0);
    expect(recorder.trace()).toEqual(['workflow_started:workflow', 'workflow_completed:workflow']);
    expect(events.at(-1)).toMatchObject({ status: 'cancelled', path: '', totalStages: 0, succeededStages: 0 });
  });

  it('during triage: triage ends cancelled, no path is planned, nothing else runs', async () => {
    const triage = createGate(); // never opened: triage runs until it is cancelled
    current = await harness({
      agents: (calls) => recordingAgents(calls, TRIAGE_AGENTS, { triage: (_input, ctx) => triage.wait(ctx.signal) }),
    });
    const { engine, events, calls, recorder } = current;
    const controller = new AbortController();
    const running = new WorkflowOrchestrator({ engine }).run({ input: 'q' }, { signal: controller.signal });
    await triage.reached();
    controller.abort();
    const result = await running;
    expect(result).toMatchObject({ status: 'cancelled', path: '' });
    expect(result.stages.map((stage) => `${stage.agentName}:${stage.status}`)).toEqual(['triage:cancelled']);
    expect(calls.map((call) => call.agent)).toEqual(['triage']);
    expect(events.some((event) => event.type === 'workflow_planned')).toBe(false);
    expect(recorder.trace()).toEqual([
      'workflow_started:workflow',
      'agent_started:triage',
      'agent_completed:triage',
      'workflow_completed:workflow',
    ]);
    expect(events.at(-1)).toMatchObject({ status: 'cancelled', path: '' });
  });

  it('during a middle stage: it ends cancelled, later stages and reporting never start', async () => {
    const optimization = createGate(); // never opened
    current = await harness({
      agents: (calls) =>
        recordingAgents(calls, TRIAGE_AGENTS, {
          triage: () => ({ dataSufficiency: 'sufficient' }),
          optimization: (_input, ctx) => optimization.wait(ctx.signal),
        }),
    });
    const { engine, events, calls } = current;
    const controller = new AbortController();
    const running = new WorkflowOrchestrator({ engine }).run({ input: 'q' }, { signal: controller.signal });
    await optimization.reached();
    controller.abort();
    const result = await running;
    expect(result).toMatchObject({ status: 'cancelled', path: 'sufficient' });
    expect(result.stages.map((stage) => `${stage.agentName}:${stage.status}`)).toEqual([
      'triage:succeeded',
      'data:succeeded',
      'optimization:cancelled',
    ]);
    expect(result.stages.at(-1)?.error?.code).toBe('RUN_CANCELLED');
    expect(calls.map((call) => call.agent)).toEqual(['triage', 'data', 'optimization']);
    expect(events.at(-1)).toMatchObject({ type: 'workflow_completed', status: 'cancelled', succeededStages: 2, totalStages: 3 });
    expect(engine.getStats()).toMatchObject({ runsStarted: 3, runsCancelled: 1, activeRuns: 0 });
  });
});
