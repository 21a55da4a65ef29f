import { defineAgent } from '@baton/engine-contract';
import { defineWorkflow, type StageInput, WorkflowOrchestrator } from '@baton/orchestrator';
import { createGate } from '@baton/testing';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { type Harness, harness, recordingAgents } from './orchestrator-fixtures.js';

let current: Harness | undefined;
afterEach(async () => {
  await current?.factory.shutdown();
  current = undefined;
});

const outcomes = (stages: ReadonlyArray<{ agentName: string; status: string }>): string[] =>
  stages.map((stage) => `${stage.agentName}:${stage.status}`);

describe('linear workflows on a real engine', () => {
  it('runs the stages in order on the path "main", events in order, output the last stage\'s', async () => {
    current = await harness({ agents: (calls) => recordingAgents(calls, ['research', 'outline', 'write']) });
    const { engine, events, calls, recorder } = current;
    const workflow = defineWorkflow({ id: 'article', stages: ['research', 'outline', 'write'] });
    const result = await new WorkflowOrchestrator({ engine, workflow }).run({ input: 'tides' });
    expect(result).toMatchObject({ workflowName: 'article', path: 'main', status: 'succeeded', output: { from: 'write' } });
    expect(recorder.trace()).toEqual([
      'workflow_started:workflow',
      'workflow_planned:workflow',
      'agent_started:research',
      'agent_completed:research',
      'agent_started:outline',
      'agent_completed:outline',
      'agent_started:write',
      'agent_completed:write',
      'workflow_completed:workflow',
    ]);
    expect(events[1]).toMatchObject({ path: 'main', stages: ['research', 'outline', 'write'] });
    expect(calls.map((call) => [call.agent, call.stage])).toEqual([
      ['research', 'research'],
      ['outline', 'outline'],
      ['write', 'write'],
    ]);
    expect(calls[2]?.input).toEqual({ request: 'tides', previous: { research: { from: 'research' }, outline: { from: 'outline' } } });
  });

  it('runs dependsOn: [] stages concurrently on the engine (proved with gates); the result keeps plan order', async () => {
    const gates = { left: createGate(), right: createGate() };
    // Each branch waits at its gate, then returns its letter.
    const gate = (name: 'left' | 'right') => async () => {
      await gates[name].wait();
      return name === 'left' ? 'L' : 'R';
    };
    current = await harness({
      agents: (calls) => recordingAgents(calls, ['left', 'right', 'join'], { left: gate('left'), right: gate('right') }),
    });
    const { engine, calls } = current;
    const workflow = defineWorkflow({
      id: 'fan',
      stages: ['left', { agent: 'right', dependsOn: [] }, { agent: 'join', dependsOn: ['left', 'right'] }],
    });
    const pending = new WorkflowOrchestrator({ engine, workflow }).run({ input: 'q' });
    await Promise.all([gates.left.reached(), gates.right.reached()]);
    expect(engine.getStats().activeRuns).toBe(2);
    gates.right.open();
    gates.left.open();
    const result = await pending;
    expect(result.stages.map((stage) => stage.agentName)).toEqual(['left', 'right', 'join']);
    expect(calls.find((call) => call.agent === 'join')?.input.previous).toEqual({ left: 'L', right: 'R' });
  });

  it("after a failure runs finally with failedStages; its output is the result's", async () => {
    current = await harness({
      agents: (calls) =>
        recordingAgents(calls, ['research', 'write', 'report'], {
          research: () => {
            throw new Error('no sources');
          },
          report: (input) => `failed: ${input.failedStages?.join(', ')}`,
        }),
    });
    const { engine, calls } = current;
    const workflow = defineWorkflow({ id: 'article', stages: ['research', 'write', 'report'], finally: 'report' });
    const result = await new WorkflowOrchestrator({ engine, workflow }).run({ input: 'tides' });
    expect(outcomes(result.stages)).toEqual(['research:failed', 'report:succeeded']);
    expect(result).toMatchObject({ status: 'failed', output: 'failed: research' });
    expect(calls.map((call) => call.agent)).toEqual(['research', 'report']);
  });

  it('cancelled during a stage: it ends cancelled, nothing after it runs, finally included', async () => {
    const research = createGate(); // never opened: research runs until it is cancelled
    current = await harness({
      agents: (calls) => recordingAgents(calls, ['research', 'write', 'report'], { research: (_input, ctx) => research.wait(ctx.signal) }),
    });
    const { engine, calls } = current;
    const controller = new AbortController();
    const workflow = defineWorkflow({ id: 'article', stages: ['research', 'write'], finally: 'report' });
    const pending = new WorkflowOrchestrator({ engine, workflow }).run({ input: 'tides' }, { signal: controller.signal });
    await research.reached();
    controller.abort();
    const result = await pending;
    expect(result).toMatchObject({ status: 'cancelled', path: 'main', output: undefined });
    expect(outcomes(result.stages)).toEqual(['research:cancelled']);
    expect(calls.map((call) => call.agent)).toEqual(['research']);
    expect(engine.getStats()).toMatchObject({ activeRuns: 0, runsCancelled: 1 });
  });

  it('types previous and the output from zod schemas, and checks them at run time', async () => {
    const research = defineAgent({
      name: 'research',
      output: z.object({ facts: z.array(z.string()) }),
      run: () => ({ facts: ['a', 'b'] }),
    });
    const count = defineAgent({
      name: 'count',
      output: z.number(),
      run: ({ previous }: StageInput<typeof research>) => {
        expectTypeOf(previous.research.facts).toEqualTypeOf<string[]>();
        return previous.research.facts.length;
      },
    });
    current = await harness({ agents: () => [research, count] });
    const result = await new WorkflowOrchestrator({
      engine: current.engine,
      workflow: defineWorkflow({ id: 'counting', stages: [research, count] }),
    }).run({ input: 'q' });
    expectTypeOf(result.output).toEqualTypeOf<number | undefined>();
    expect(result.output).toBe(2);
  });
});
