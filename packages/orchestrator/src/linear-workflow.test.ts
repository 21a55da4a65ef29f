import { defineAgent, UnknownAgentError } from '@baton/engine-contract';
import { describe, expect, it } from 'vitest';
import { deferred, type FakeAgent, FakeEngine, FakeTimeout } from './__fixtures__/fake-engine.js';
import { defineWorkflow } from './define-workflow.js';
import { runWorkflow } from './run-workflow.js';
import type { StageInput } from './stage-input.js';
import type { WorkflowDefinition } from './workflow-definition.js';

const echo =
  (name: string): FakeAgent =>
  () => ({ from: name });
const agents = (names: readonly string[], overrides: Record<string, FakeAgent> = {}): Record<string, FakeAgent> => ({
  ...Object.fromEntries(names.map((name) => [name, echo(name)])),
  ...overrides,
});

function start(engine: FakeEngine, workflow: WorkflowDefinition, signal?: AbortSignal) {
  return runWorkflow({ engine, workflow, input: 'topic', signal, now: () => 0, workflowId: 'wf-1' });
}

const inputOf = (engine: FakeEngine, agent: string): StageInput =>
  engine.calls.find((call) => call.request.agentName === agent)?.request.input as StageInput;
const types = (engine: FakeEngine): string[] =>
  engine.events.map((event) => ('agentName' in event ? `${event.type}:${event.agentName}` : event.type));
const outcomes = (stages: ReadonlyArray<{ agentName: string; status: string }>): string[] =>
  stages.map((stage) => `${stage.agentName}:${stage.status}`);

describe('runWorkflow: linear workflows', () => {
  it('runs the stages in the listed order, without triage, on the path "main"; output is the last stage\'s', async () => {
    const engine = new FakeEngine(agents(['research', 'outline', 'write']));
    const result = await start(engine, defineWorkflow({ id: 'article', stages: ['research', 'outline', 'write'] }));
    expect(result).toMatchObject({ workflowName: 'article', status: 'succeeded', path: 'main', output: { from: 'write' } });
    expect(outcomes(result.stages)).toEqual(['research:succeeded', 'outline:succeeded', 'write:succeeded']);
    expect(types(engine)).toEqual([
      'workflow_started',
      'workflow_planned',
      'agent_started:research',
      'agent_completed:research',
      'agent_started:outline',
      'agent_completed:outline',
      'agent_started:write',
      'agent_completed:write',
      'workflow_completed',
    ]);
    expect(engine.events[1]).toEqual({
      type: 'workflow_planned',
      executionId: 'wf-1',
      workflowId: 'wf-1',
      path: 'main',
      stages: ['research', 'outline', 'write'],
    });
    expect(engine.events.at(-1)).toMatchObject({ path: 'main', status: 'succeeded', succeededStages: 3, totalStages: 3 });
  });

  it("gives each stage the request and its dependencies' outputs (the first stage an empty previous)", async () => {
    const engine = new FakeEngine(agents(['research', 'outline', 'write']));
    await start(engine, defineWorkflow({ id: 'article', stages: ['research', 'outline', 'write'] }));
    expect(inputOf(engine, 'research')).toEqual({ request: 'topic', previous: {} });
    expect(inputOf(engine, 'outline')).toEqual({ request: 'topic', previous: { research: { from: 'research' } } });
    expect(inputOf(engine, 'write')).toEqual({
      request: 'topic',
      previous: { research: { from: 'research' }, outline: { from: 'outline' } },
    });
  });

  it('accepts agent definitions in place of names and runs them by name', async () => {
    const research = defineAgent({ name: 'research', run: () => 'facts' });
    const write = defineAgent({ name: 'write', run: () => 'text' });
    const workflow = defineWorkflow({
      id: 'defs',
      stages: [research, { agent: write, dependsOn: [research] }],
      finally: defineAgent({ name: 'end', run: () => 1 }),
    });
    const engine = new FakeEngine(agents(['research', 'write', 'end']));
    const result = await start(engine, workflow);
    expect(engine.calledAgents()).toEqual(['research', 'write', 'end']);
    expect(result.output).toEqual({ from: 'end' });
  });

  it('starts stages with dependsOn: [] at once, concurrently, and joins them (proved with deferreds)', async () => {
    const gates = { left: deferred(), right: deferred() };
    const bothStarted = deferred<void>();
    const started = new Set<string>();
    const gated =
      (name: 'left' | 'right'): FakeAgent =>
      () => {
        started.add(name);
        if (started.size === 2) bothStarted.resolve();
        return gates[name].promise;
      };
    const workflow = defineWorkflow({
      id: 'fan',
      stages: ['left', { agent: 'right', dependsOn: [] }, { agent: 'join', dependsOn: ['left', 'right'] }],
    });
    const engine = new FakeEngine(agents(['join'], { left: gated('left'), right: gated('right') }));
    const running = start(engine, workflow);
    await bothStarted.promise;
    expect(engine.calledAgents()).toEqual(['left', 'right']);
    gates.right.resolve('R');
    await engine.waitFor('agent_completed', 'right');
    expect(engine.calledAgents()).toEqual(['left', 'right']);
    gates.left.resolve('L');
    const result = await running;
    expect(inputOf(engine, 'join').previous).toEqual({ left: 'L', right: 'R' });
    // right finished first; the result keeps the plan's order.
    expect(result.stages.map((stage) => stage.agentName)).toEqual(['left', 'right', 'join']);
    expect(result.output).toEqual({ from: 'join' });
  });

  it("runs finally after the stages with every output and failedStages; output is finally's", async () => {
    const engine = new FakeEngine(agents(['research', 'write', 'report']));
    const result = await start(engine, defineWorkflow({ id: 'with-finally', stages: ['research', 'write'], finally: 'report' }));
    expect(engine.calledAgents()).toEqual(['research', 'write', 'report']);
    expect(inputOf(engine, 'report')).toEqual({
      request: 'topic',
      previous: { research: { from: 'research' }, write: { from: 'write' } },
      failedStages: [],
    });
    expect(result).toMatchObject({ status: 'succeeded', output: { from: 'report' } });
    expect(engine.events[1]).toMatchObject({ stages: ['research', 'write', 'report'] });
  });

  it("after a failed stage runs no later stage but still runs finally; status failed, output finally's", async () => {
    const engine = new FakeEngine(
      agents(['research', 'write', 'report'], {
        research: () => {
          throw new Error('no sources');
        },
      }),
    );
    const result = await start(engine, defineWorkflow({ id: 'failing', stages: ['research', 'write'], finally: 'report' }));
    expect(outcomes(result.stages)).toEqual(['research:failed', 'report:succeeded']);
    expect(inputOf(engine, 'report')).toEqual({ request: 'topic', previous: {}, failedStages: ['research'] });
    expect(result).toMatchObject({ status: 'failed', output: { from: 'report' } });
  });

  it('has no output when the last stage did not succeed, even if earlier stages did', async () => {
    const failing = new FakeEngine(
      agents(['research'], {
        write: () => {
          throw new FakeTimeout();
        },
      }),
    );
    const timedOut = await start(failing, defineWorkflow({ id: 'late-failure', stages: ['research', 'write'] }));
    expect(outcomes(timedOut.stages)).toEqual(['research:succeeded', 'write:timed_out']);
    expect(timedOut).toMatchObject({ status: 'failed', output: undefined });
    const halted = new FakeEngine(
      agents(['write'], {
        research: () => {
          throw new Error('x');
        },
      }),
    );
    expect(await start(halted, defineWorkflow({ id: 'early-failure', stages: ['research', 'write'] }))).toMatchObject({
      status: 'failed',
      output: undefined,
    });
  });

  it('has no output when finally fails, even though the stages succeeded', async () => {
    const engine = new FakeEngine(
      agents(['research'], {
        report: () => {
          throw new Error('x');
        },
      }),
    );
    expect(await start(engine, defineWorkflow({ id: 'bad-finally', stages: ['research'], finally: 'report' }))).toMatchObject({
      status: 'failed',
      output: undefined,
    });
  });

  it('runs a finally stage listed last once, as finally (after a failure too)', async () => {
    const engine = new FakeEngine(
      agents(['write', 'report'], {
        research: () => {
          throw new Error('x');
        },
      }),
    );
    const result = await start(engine, defineWorkflow({ id: 'listed', stages: ['research', 'write', 'report'], finally: 'report' }));
    expect(engine.calledAgents()).toEqual(['research', 'report']);
    expect(inputOf(engine, 'report').failedStages).toEqual(['research']);
    expect(engine.events[1]).toMatchObject({ stages: ['research', 'write', 'report'] });
    expect(result.output).toEqual({ from: 'report' });
  });

  it('cancelled before it starts: nothing runs; the run is cancelled on the path "main"', async () => {
    const engine = new FakeEngine(agents(['research', 'report']));
    const result = await start(engine, defineWorkflow({ id: 'early', stages: ['research'], finally: 'report' }), AbortSignal.abort());
    expect(result).toMatchObject({ status: 'cancelled', path: 'main', stages: [], output: undefined });
    expect(engine.calls).toEqual([]);
    expect(types(engine)).toEqual(['workflow_started', 'workflow_planned', 'workflow_completed']);
    expect(engine.events.at(-1)).toMatchObject({ status: 'cancelled', path: 'main', totalStages: 0 });
  });

  it('cancelled during a stage: it ends cancelled; later stages and finally do not start', async () => {
    const controller = new AbortController();
    const engine = new FakeEngine(
      agents(['research', 'write', 'report'], {
        outline: () => {
          controller.abort();
          return new Promise(() => undefined);
        },
      }),
    );
    const result = await start(
      engine,
      defineWorkflow({ id: 'mid', stages: ['research', 'outline', 'write'], finally: 'report' }),
      controller.signal,
    );
    expect(outcomes(result.stages)).toEqual(['research:succeeded', 'outline:cancelled']);
    expect(result).toMatchObject({ status: 'cancelled', output: undefined });
    expect(engine.calledAgents()).toEqual(['research', 'outline']);
  });

  it('cancelled while concurrent stages run: both end cancelled, nothing else starts', async () => {
    const controller = new AbortController();
    const bothStarted = deferred<void>();
    let started = 0;
    const hang: FakeAgent = () => {
      started += 1;
      if (started === 2) bothStarted.resolve();
      return new Promise(() => undefined);
    };
    const workflow = defineWorkflow({
      id: 'fan',
      stages: ['a', { agent: 'b', dependsOn: [] }, { agent: 'c', dependsOn: ['a', 'b'] }],
      finally: 'report',
    });
    const engine = new FakeEngine(agents(['c', 'report'], { a: hang, b: hang }));
    const running = start(engine, workflow, controller.signal);
    await bothStarted.promise;
    controller.abort();
    const result = await running;
    expect(outcomes(result.stages)).toEqual(['a:cancelled', 'b:cancelled']);
    expect(result.status).toBe('cancelled');
  });

  it('rethrows a contract violation after workflow_completed', async () => {
    const engine = new FakeEngine(agents(['research']));
    await expect(start(engine, defineWorkflow({ id: 'ghost', stages: ['research', 'ghost'] }))).rejects.toSatisfy(
      UnknownAgentError.isInstance,
    );
    expect(types(engine).slice(-1)).toEqual(['workflow_completed']);
    expect(engine.events.at(-1)).toMatchObject({ status: 'failed', path: 'main', totalStages: 1, succeededStages: 1 });
  });
});

describe('runWorkflow: the signal a stage gets', () => {
  it("passes the caller's own signal to the stages of a sequential plan (nothing to abort beside them)", async () => {
    const controller = new AbortController();
    const engine = new FakeEngine(agents(['a', 'b']));
    await start(engine, defineWorkflow({ id: 'seq', stages: ['a', 'b'] }), controller.signal);
    expect(engine.calls.map((call) => call.signal)).toEqual([controller.signal, controller.signal]);
  });

  it("gives the stages of a concurrent plan a signal of the run, released from the caller's once the run is over", async () => {
    const controller = new AbortController();
    const engine = new FakeEngine(agents(['a', 'b']));
    await start(engine, defineWorkflow({ id: 'par', stages: ['a', { agent: 'b', dependsOn: [] }] }), controller.signal);
    const [first, second] = engine.calls.map((call) => call.signal);
    expect(first).toBeInstanceOf(AbortSignal);
    expect(first).not.toBe(controller.signal);
    expect(second).toBe(first);
    controller.abort();
    expect(first?.aborted).toBe(false);
  });
});
