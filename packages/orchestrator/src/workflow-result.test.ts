import { describe, expect, it } from 'vitest';
import { deferred, type FakeAgent, FakeEngine } from './__fixtures__/fake-engine.js';
import { GenuineFakeEngine } from './__fixtures__/genuine-fake-engine.js';
import { defineWorkflow } from './define-workflow.js';
import { runWorkflow } from './run-workflow.js';
import type { StageInput } from './stage-input.js';
import { triageWorkflow } from './triage-workflow.js';
import type { WorkflowDefinition } from './workflow-definition.js';
import { WorkflowOrchestrator } from './workflow-orchestrator.js';

const echo =
  (name: string): FakeAgent =>
  () => ({ from: name });
const start = (engine: FakeEngine, workflow: WorkflowDefinition) =>
  runWorkflow({ engine, workflow, input: 'q', now: () => 0, workflowId: 'wf' });
const inputOf = (engine: FakeEngine, agent: string): StageInput =>
  engine.calls.find((call) => call.request.agentName === agent)?.request.input as StageInput;
const outcomes = (stages: ReadonlyArray<{ agentName: string; status: string }>): string[] =>
  stages.map((stage) => `${stage.agentName}:${stage.status}`);

describe('WorkflowResult.output of triage workflows', () => {
  const triageAgents = (overrides: Record<string, FakeAgent> = {}) => ({
    triage: () => ({ dataSufficiency: 'partial' }),
    data: echo('data'),
    data_helper: echo('data_helper'),
    reporting: () => 'the report',
    ...overrides,
  });

  it("is the finally stage's output", async () => {
    expect((await start(new FakeEngine(triageAgents()), triageWorkflow)).output).toBe('the report');
  });

  it('is undefined when finally failed, even though the path succeeded', async () => {
    const result = await start(
      new FakeEngine(
        triageAgents({
          reporting: () => {
            throw new Error('x');
          },
        }),
      ),
      triageWorkflow,
    );
    expect(outcomes(result.stages)).toEqual(['triage:succeeded', 'data_helper:succeeded', 'data:succeeded', 'reporting:failed']);
    expect(result.output).toBeUndefined();
  });

  it("is the path's last stage's output when there is no finally", async () => {
    const workflow = defineWorkflow({
      id: 'plain',
      classify: () => 'p',
      paths: { p: [{ agent: 'data_helper' }, { agent: 'data' }] },
      fallback: 'p',
    });
    expect((await start(new FakeEngine(triageAgents()), workflow)).output).toEqual({ from: 'data' });
  });

  it('is undefined when the run was cancelled before a path was chosen', async () => {
    const engine = new FakeEngine(triageAgents());
    const result = await runWorkflow({
      engine,
      workflow: triageWorkflow,
      input: 'q',
      signal: AbortSignal.abort(),
      now: () => 0,
      workflowId: 'wf',
    });
    expect(result).toMatchObject({ status: 'cancelled', path: '', output: undefined });
  });
});

describe('WorkflowResult.stages order', () => {
  it('is the plan order, finally last, whatever order the stages finished in', async () => {
    const slow = deferred();
    const workflow = defineWorkflow({
      id: 'fan',
      classify: () => 'p',
      paths: { p: [{ agent: 'slow' }, { agent: 'quick', dependsOn: [] }, { agent: 'join', dependsOn: ['slow', 'quick'] }] },
      fallback: 'p',
      finally: 'end',
    });
    const engine = new FakeEngine({
      triage: echo('triage'),
      slow: () => slow.promise,
      quick: echo('quick'),
      join: echo('join'),
      end: echo('end'),
    });
    const running = start(engine, workflow);
    await engine.waitFor('agent_completed', 'quick');
    slow.resolve('done');
    const result = await running;
    expect(result.stages.map((stage) => stage.agentName)).toEqual(['triage', 'slow', 'quick', 'join', 'end']);
    expect(
      engine.events.filter((event) => event.type === 'agent_completed').map((event) => ('agentName' in event ? event.agentName : '')),
    ).toEqual(['triage', 'quick', 'slow', 'join', 'end']);
  });

  it('orders a path listed out of dependency order by the plan', async () => {
    const workflow = defineWorkflow({
      id: 'listed',
      classify: () => 'p',
      paths: {
        p: [
          { agent: 'b', dependsOn: ['a'] },
          { agent: 'a', dependsOn: [] },
        ],
      },
      fallback: 'p',
    });
    const result = await start(new FakeEngine({ triage: echo('triage'), a: echo('a'), b: echo('b') }), workflow);
    expect(result.stages.map((stage) => stage.agentName)).toEqual(['triage', 'a', 'b']);
    expect(result.output).toEqual({ from: 'b' });
  });
});

describe('the finally stage listed last in a path, at run time', () => {
  const workflow = () =>
    defineWorkflow({
      id: 'table',
      classify: (output) => (output as { path?: string }).path,
      paths: { sufficient: [{ agent: 'data' }, { agent: 'actions' }, { agent: 'reporting' }], insufficient: [{ agent: 'reporting' }] },
      fallback: 'insufficient',
      finally: 'reporting',
    });

  it('runs once, last, with every output and failedStages', async () => {
    const engine = new FakeEngine({
      triage: () => ({ path: 'sufficient' }),
      data: echo('data'),
      actions: echo('actions'),
      reporting: () => 'report',
    });
    const result = await start(engine, workflow());
    expect(engine.calledAgents()).toEqual(['triage', 'data', 'actions', 'reporting']);
    expect(inputOf(engine, 'reporting')).toEqual({
      request: 'q',
      previous: { triage: { path: 'sufficient' }, data: { from: 'data' }, actions: { from: 'actions' } },
      failedStages: [],
    });
    expect(engine.events.find((event) => event.type === 'workflow_planned')).toMatchObject({
      stages: ['triage', 'data', 'actions', 'reporting'],
    });
    expect(result).toMatchObject({ status: 'succeeded', output: 'report' });
  });

  it('still runs after a failure, as finally', async () => {
    const engine = new FakeEngine({
      triage: () => ({ path: 'sufficient' }),
      data: () => {
        throw new Error('x');
      },
      actions: echo('actions'),
      reporting: () => 'report',
    });
    const result = await start(engine, workflow());
    expect(engine.calledAgents()).toEqual(['triage', 'data', 'reporting']);
    expect(inputOf(engine, 'reporting').failedStages).toEqual(['data']);
    expect(result).toMatchObject({ status: 'failed', output: 'report' });
  });

  it('is the whole path when it is the only stage listed', async () => {
    const engine = new FakeEngine({ triage: () => ({ path: 'insufficient' }), reporting: () => 'report' });
    const result = await start(engine, workflow());
    expect(engine.calledAgents()).toEqual(['triage', 'reporting']);
    expect(result).toMatchObject({ path: 'insufficient', status: 'succeeded', output: 'report' });
  });
});

describe('WorkflowOrchestrator with a linear workflow', () => {
  it('runs it on its engine and resolves its output', async () => {
    const engine = new GenuineFakeEngine({
      research: () => ['fact'],
      write: (input) => `text from ${String((input as StageInput).previous.research)}`,
    });
    const workflow = defineWorkflow({ id: 'article', stages: ['research', 'write'] });
    const result = await new WorkflowOrchestrator({ engine: engine.asEngine(), workflow }).run({ input: 'tides' });
    expect(result).toMatchObject({ workflowName: 'article', path: 'main', status: 'succeeded', output: 'text from fact' });
    expect(Object.isFrozen(result)).toBe(true);
  });
});
