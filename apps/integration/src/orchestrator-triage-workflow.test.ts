import { WorkflowOrchestrator } from '@baton/orchestrator';
import { createGate } from '@baton/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type AgentBehaviour, type Harness, harness, recordingAgents, TRIAGE_AGENTS } from './orchestrator-fixtures.js';

let current: Harness | undefined;
afterEach(async () => {
  await current?.factory.shutdown();
  current = undefined;
});

/**
 * Runs the triage workflow with these agents. `whileRunning` acts on the run in flight (e.g. moves the
 * test factory's clock) before its result is awaited.
 */
async function run(overrides: Record<string, AgentBehaviour>, whileRunning?: (harness: Harness) => Promise<unknown>) {
  current = await harness({ agents: (calls) => recordingAgents(calls, TRIAGE_AGENTS, overrides) });
  const orchestrator = new WorkflowOrchestrator({ engine: current.engine });
  const running = orchestrator.run({ input: { question: 'Why did sales drop?' }, userContext: current.userContext });
  await whileRunning?.(current);
  const result = await running;
  const planned = current.events.find((event) => event.type === 'workflow_planned');
  return { result, planned, ...current };
}

const request = { question: 'Why did sales drop?' };

describe('triageWorkflow on a real engine', () => {
  it.each([
    ['sufficient', 'sufficient', ['triage', 'data', 'optimization', 'actions', 'reporting']],
    ['partial', 'partial', ['triage', 'data_helper', 'data', 'reporting']],
    ['insufficient', 'insufficient', ['triage', 'data_helper', 'reporting']],
    ['an unknown value', 'plenty', ['triage', 'data_helper', 'reporting']],
    ['a missing value', undefined, ['triage', 'data_helper', 'reporting']],
  ])('dataSufficiency %s runs exactly the listed stages in order', async (_name, dataSufficiency, expected) => {
    const triageOutput = dataSufficiency === undefined ? {} : { dataSufficiency };
    const { result, planned, calls, events, engine } = await run({ triage: () => triageOutput });
    const path = ['sufficient', 'partial', 'insufficient'].includes(dataSufficiency as string) ? (dataSufficiency as string) : 'fallback';
    expect(result).toMatchObject({ status: 'succeeded', path, workflowName: 'triage-workflow' });
    expect(result.stages.map((stage) => stage.agentName)).toEqual(expected);
    expect(result.stages.map((stage) => stage.stage)).toEqual(expected);
    expect(result.stages.every((stage) => stage.status === 'succeeded')).toBe(true);
    expect(calls.map((call) => call.agent)).toEqual(expected);
    expect(calls.map((call) => call.stage)).toEqual(expected);
    expect(planned).toMatchObject({ path, stages: expected, workflowId: result.workflowId, executionId: result.workflowId });
    expect(events.at(-1)).toMatchObject({
      type: 'workflow_completed',
      path,
      status: 'succeeded',
      succeededStages: expected.length,
      totalStages: expected.length,
    });
    expect(engine.getStats().runsStarted).toBe(expected.length);

    // Inputs: the request, the outputs of every earlier stage (triage included); reporting gets failedStages too.
    calls.forEach((call, index) => {
      const earlier = calls.slice(0, index).map((previous) => previous.agent);
      const outputs = Object.fromEntries(earlier.map((agent) => [agent, agent === 'triage' ? triageOutput : { from: agent }]));
      const expectedInput = call.agent === 'reporting' ? { request, previous: outputs, failedStages: [] } : { request, previous: outputs };
      expect(call.input).toEqual(expectedInput);
    });
  });

  it('takes the fallback path when triage fails; the run is failed but reporting answers', async () => {
    const { result, planned, calls } = await run({
      triage: () => {
        throw new Error('triage crashed');
      },
    });
    expect(result).toMatchObject({ status: 'failed', path: 'fallback' });
    expect(result.stages.map((stage) => `${stage.agentName}:${stage.status}`)).toEqual([
      'triage:failed',
      'data_helper:succeeded',
      'reporting:succeeded',
    ]);
    expect(result.stages[0]?.error?.code).toBe('AGENT_FAILED');
    expect(planned).toMatchObject({ path: 'fallback', stages: ['triage', 'data_helper', 'reporting'] });
    expect(calls[1]?.input).toEqual({ request, previous: {} });
    expect(calls[2]?.input).toEqual({ request, previous: { data_helper: { from: 'data_helper' } }, failedStages: ['triage'] });
  });

  it('stops at the first failed stage and still runs reporting with failedStages', async () => {
    const { result, calls, events } = await run({
      triage: () => ({ dataSufficiency: 'sufficient' }),
      optimization: () => {
        throw new Error('optimizer down');
      },
    });
    expect(result.status).toBe('failed');
    expect(result.stages.map((stage) => `${stage.agentName}:${stage.status}`)).toEqual([
      'triage:succeeded',
      'data:succeeded',
      'optimization:failed',
      'reporting:succeeded',
    ]);
    expect(calls.map((call) => call.agent)).not.toContain('actions');
    expect(calls.at(-1)?.input.failedStages).toEqual(['optimization']);
    expect(calls.at(-1)?.input.previous).toEqual({ triage: { dataSufficiency: 'sufficient' }, data: { from: 'data' } });
    expect(events.at(-1)).toMatchObject({ type: 'workflow_completed', status: 'failed', succeededStages: 3, totalStages: 4 });
  });

  it('reports failed when only reporting fails', async () => {
    const { result } = await run({
      triage: () => ({ dataSufficiency: 'insufficient' }),
      reporting: () => {
        throw new Error('cannot report');
      },
    });
    expect(result.status).toBe('failed');
    expect(result.stages.at(-1)).toMatchObject({ agentName: 'reporting', status: 'failed' });
  });

  it('counts a timed-out stage as failed; reporting still runs', async () => {
    const helper = createGate(); // never opened: data_helper runs until the engine's deadline aborts it
    const { result, calls } = await run(
      {
        triage: () => ({ dataSufficiency: 'partial' }),
        data_helper: (_input, ctx) => helper.wait(ctx.signal),
      },
      // The deadline passes on the test factory's clock, at once, whatever the machine's speed.
      async ({ factory }) => {
        await helper.reached();
        await factory.clock.advance(factory.limits.runTimeoutMs);
      },
    );
    expect(result.status).toBe('failed');
    expect(result.stages.map((stage) => `${stage.agentName}:${stage.status}`)).toEqual([
      'triage:succeeded',
      'data_helper:timed_out',
      'reporting:succeeded',
    ]);
    expect(calls.map((call) => call.agent)).toEqual(['triage', 'data_helper', 'reporting']);
    expect(calls.at(-1)?.input.failedStages).toEqual(['data_helper']);
  });
});
