import { getEventListeners } from 'node:events';
import { UnknownAgentError } from '@baton/engine-contract';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deferred, type FakeAgent, FakeEngine, FakeTimeout } from './__fixtures__/fake-engine.js';
import { defineWorkflow } from './define-workflow.js';
import { runWorkflow } from './run-workflow.js';
import type { StageInput } from './stage-input.js';
import { triageWorkflow } from './triage-workflow.js';
import type { StageSpec, WorkflowDefinition } from './workflow-definition.js';

const echo =
  (name: string): FakeAgent =>
  () => ({ from: name });
const defaultAgents = (triageOutput: unknown, overrides: Record<string, FakeAgent> = {}): Record<string, FakeAgent> => ({
  triage: () => triageOutput,
  data: echo('data'),
  data_helper: echo('data_helper'),
  optimization: echo('optimization'),
  actions: echo('actions'),
  reporting: echo('reporting'),
  ...overrides,
});

function start(
  engine: FakeEngine,
  workflow: WorkflowDefinition = triageWorkflow,
  options: { signal?: AbortSignal; now?: () => number } = {},
) {
  return runWorkflow({
    engine,
    workflow,
    input: { question: 'q' },
    signal: options.signal,
    now: options.now ?? Date.now,
    workflowId: 'wf-1',
  });
}

const inputOf = (engine: FakeEngine, agent: string): StageInput =>
  engine.calls.find((call) => call.request.agentName === agent)?.request.input as StageInput;
const types = (engine: FakeEngine): string[] =>
  engine.events.map((event) => ('agentName' in event ? `${event.type}:${event.agentName}` : event.type));

describe('runWorkflow: the default triage workflow', () => {
  it.each([
    ['sufficient', ['triage', 'data', 'optimization', 'actions', 'reporting']],
    ['partial', ['triage', 'data_helper', 'data', 'reporting']],
    ['insufficient', ['triage', 'data_helper', 'reporting']],
  ])('runs the %s path', async (dataSufficiency, expected) => {
    const engine = new FakeEngine(defaultAgents({ dataSufficiency }));
    const result = await start(engine);
    expect(result).toMatchObject({ workflowId: 'wf-1', workflowName: 'triage-workflow', status: 'succeeded', path: dataSufficiency });
    expect(result.stages.map((stage) => stage.agentName)).toEqual(expected);
    expect(result.stages.map((stage) => stage.stage)).toEqual(expected);
    expect(engine.calledAgents()).toEqual(expected);
    expect(engine.events.find((event) => event.type === 'workflow_planned')).toEqual({
      type: 'workflow_planned',
      executionId: 'wf-1',
      workflowId: 'wf-1',
      path: dataSufficiency,
      stages: expected,
    });
    expect(Object.isFrozen(result)).toBe(true);
    expect(Object.isFrozen(result.stages)).toBe(true);
  });

  it('gives every stage the request and the outputs of the earlier succeeded stages; reporting also gets failedStages', async () => {
    const engine = new FakeEngine(defaultAgents({ dataSufficiency: 'sufficient' }));
    await start(engine);
    const triage = { dataSufficiency: 'sufficient' };
    expect(inputOf(engine, 'triage')).toEqual({ request: { question: 'q' }, previous: {} });
    expect(inputOf(engine, 'data')).toEqual({ request: { question: 'q' }, previous: { triage } });
    expect(inputOf(engine, 'actions')).toEqual({
      request: { question: 'q' },
      previous: { triage, data: { from: 'data' }, optimization: { from: 'optimization' } },
    });
    expect(inputOf(engine, 'reporting')).toEqual({
      request: { question: 'q' },
      previous: { triage, data: { from: 'data' }, optimization: { from: 'optimization' }, actions: { from: 'actions' } },
      failedStages: [],
    });
    expect('failedStages' in inputOf(engine, 'data')).toBe(false);
  });

  it.each([
    ['an unknown value', { dataSufficiency: 'plenty' }],
    ['a missing field', { score: 1 }],
    ['a non-object output', 'sufficient'],
  ])('takes the fallback path for %s', async (_name, output) => {
    const engine = new FakeEngine(defaultAgents(output));
    const result = await start(engine);
    expect(result).toMatchObject({ status: 'succeeded', path: 'fallback' });
    expect(engine.calledAgents()).toEqual(['triage', 'data_helper', 'reporting']);
  });

  it.each([
    [
      'failed',
      () => {
        throw new Error('triage broke');
      },
      'failed',
    ],
    [
      'timed out',
      () => {
        throw new FakeTimeout();
      },
      'timed_out',
    ],
  ])('takes the fallback path when triage %s, and the run counts as failed', async (_name, triage, status) => {
    const engine = new FakeEngine(defaultAgents(undefined, { triage }));
    const result = await start(engine);
    expect(result).toMatchObject({ status: 'failed', path: 'fallback' });
    expect(result.stages.map((stage) => [stage.agentName, stage.status])).toEqual([
      ['triage', status],
      ['data_helper', 'succeeded'],
      ['reporting', 'succeeded'],
    ]);
    expect(inputOf(engine, 'data_helper').previous).toEqual({});
    expect(inputOf(engine, 'reporting').failedStages).toEqual(['triage']);
  });

  it('takes the fallback path when classify throws', async () => {
    const workflow = defineWorkflow({
      id: 'throwing',
      classify: () => {
        throw new Error('cannot classify');
      },
      paths: { main: [{ agent: 'data' }], safe: [{ agent: 'data_helper' }] },
      fallback: 'safe',
    });
    const engine = new FakeEngine(defaultAgents({}));
    const result = await start(engine, workflow);
    expect(result).toMatchObject({ status: 'succeeded', path: 'safe' });
    expect(engine.calledAgents()).toEqual(['triage', 'data_helper']);
  });

  it('stops at the first failed stage, then still runs reporting with failedStages; status failed', async () => {
    const engine = new FakeEngine(
      defaultAgents(
        { dataSufficiency: 'sufficient' },
        {
          optimization: () => {
            throw new Error('boom');
          },
        },
      ),
    );
    const result = await start(engine);
    expect(result.status).toBe('failed');
    expect(engine.calledAgents()).toEqual(['triage', 'data', 'optimization', 'reporting']);
    expect(inputOf(engine, 'reporting').failedStages).toEqual(['optimization']);
    expect(engine.events.at(-1)).toMatchObject({
      type: 'workflow_completed',
      status: 'failed',
      succeededStages: 3,
      totalStages: 4,
      path: 'sufficient',
    });
  });

  it('counts a timed-out stage as failed', async () => {
    const engine = new FakeEngine(
      defaultAgents(
        { dataSufficiency: 'partial' },
        {
          data_helper: () => {
            throw new FakeTimeout();
          },
        },
      ),
    );
    const result = await start(engine);
    expect(result.status).toBe('failed');
    expect(engine.calledAgents()).toEqual(['triage', 'data_helper', 'reporting']);
    expect(inputOf(engine, 'reporting').failedStages).toEqual(['data_helper']);
  });

  it('reports failed when only reporting fails', async () => {
    const engine = new FakeEngine(
      defaultAgents(
        { dataSufficiency: 'insufficient' },
        {
          reporting: () => {
            throw new Error('no');
          },
        },
      ),
    );
    expect((await start(engine)).status).toBe('failed');
  });
});

describe('runWorkflow: custom workflows', () => {
  it('continues after a continueOnError stage; its dependents run without its output', async () => {
    const workflow = defineWorkflow({
      id: 'tolerant',
      classify: () => 'main',
      paths: { main: [{ agent: 'a', continueOnError: true }, { agent: 'b' }] },
      fallback: 'main',
      finally: 'end',
    });
    const engine = new FakeEngine({
      triage: echo('triage'),
      a: () => {
        throw new Error('a failed');
      },
      b: echo('b'),
      end: echo('end'),
    });
    const result = await start(engine, workflow);
    expect(result.status).toBe('failed');
    expect(engine.calledAgents()).toEqual(['triage', 'a', 'b', 'end']);
    expect(inputOf(engine, 'b').previous).toEqual({ triage: { from: 'triage' } });
    expect(inputOf(engine, 'end').failedStages).toEqual(['a']);
  });

  it('runs ready stages concurrently and joins them (proved with deferreds)', async () => {
    const a = deferred();
    const b = deferred();
    const bothStarted = deferred<void>();
    const started = new Set<string>();
    const mark =
      (name: string, gate: { promise: Promise<unknown> }): FakeAgent =>
      async () => {
        started.add(name);
        if (started.has('a') && started.has('b')) bothStarted.resolve();
        return gate.promise;
      };
    const workflow = defineWorkflow({
      id: 'parallel',
      classify: () => 'main',
      paths: { main: [{ agent: 'a' }, { agent: 'b', dependsOn: [] }, { agent: 'c', dependsOn: ['a', 'b'] }] },
      fallback: 'main',
    });
    const engine = new FakeEngine({ triage: echo('triage'), a: mark('a', a), b: mark('b', b), c: echo('c') });
    const running = start(engine, workflow);
    await bothStarted.promise;
    expect(engine.calledAgents()).toEqual(['triage', 'a', 'b']);
    b.resolve('B');
    await engine.waitFor('agent_completed', 'b');
    a.resolve('A');
    const result = await running;
    // b finished before a, but the result lists the stages in plan order.
    expect(result.stages.map((stage) => stage.agentName)).toEqual(['triage', 'a', 'b', 'c']);
    expect(
      engine.events.filter((event) => event.type === 'agent_completed').map((event) => ('agentName' in event ? event.agentName : '')),
    ).toEqual(['triage', 'b', 'a', 'c']);
    expect(inputOf(engine, 'c').previous).toEqual({ triage: { from: 'triage' }, a: 'A', b: 'B' });
    expect(inputOf(engine, 'a').previous).toEqual({ triage: { from: 'triage' } });
  });

  it('after a failure starts no new stage, even on an independent branch; running stages finish; then finally', async () => {
    const slow = deferred();
    const slowStarted = deferred<void>();
    const workflow = defineWorkflow({
      id: 'branches',
      classify: () => 'main',
      paths: {
        main: [
          { agent: 'fails' },
          { agent: 'slow', dependsOn: [] },
          { agent: 'after-slow', dependsOn: ['slow'] },
          { agent: 'after-fails', dependsOn: ['fails'] },
        ],
      },
      fallback: 'main',
      finally: 'end',
    });
    const failGate = deferred();
    const engine = new FakeEngine({
      triage: echo('triage'),
      fails: async () => {
        await failGate.promise;
        throw new Error('x');
      },
      slow: () => {
        slowStarted.resolve();
        return slow.promise;
      },
      'after-slow': echo('after-slow'),
      'after-fails': echo('after-fails'),
      end: echo('end'),
    });
    const running = start(engine, workflow);
    await slowStarted.promise;
    failGate.resolve(undefined);
    await engine.waitFor('agent_completed', 'fails');
    expect(engine.calledAgents()).toEqual(['triage', 'fails', 'slow']);
    slow.resolve('done');
    const result = await running;
    expect(result.status).toBe('failed');
    expect(result.stages.map((stage) => `${stage.agentName}:${stage.status}`)).toEqual([
      'triage:succeeded',
      'fails:failed',
      'slow:succeeded',
      'end:succeeded',
    ]);
    expect(inputOf(engine, 'end')).toMatchObject({ failedStages: ['fails'], previous: { triage: { from: 'triage' }, slow: 'done' } });
  });
});

describe('runWorkflow: cancellation', () => {
  it('cancelled before start: nothing runs, the run is cancelled with path ""', async () => {
    const engine = new FakeEngine(defaultAgents({ dataSufficiency: 'sufficient' }));
    const result = await start(engine, triageWorkflow, { signal: AbortSignal.abort() });
    expect(result).toMatchObject({ status: 'cancelled', path: '', stages: [] });
    expect(engine.calls).toEqual([]);
    expect(types(engine)).toEqual(['workflow_started', 'workflow_completed']);
    expect(engine.events.at(-1)).toMatchObject({ status: 'cancelled', path: '', succeededStages: 0, totalStages: 0 });
  });

  it('cancelled during triage: triage ends cancelled, nothing else runs, no workflow_planned', async () => {
    const controller = new AbortController();
    const engine = new FakeEngine(
      defaultAgents(undefined, {
        triage: () => {
          controller.abort();
          return new Promise(() => undefined);
        },
      }),
    );
    const result = await start(engine, triageWorkflow, { signal: controller.signal });
    expect(result).toMatchObject({ status: 'cancelled', path: '' });
    expect(result.stages.map((stage) => stage.status)).toEqual(['cancelled']);
    expect(types(engine)).toEqual(['workflow_started', 'agent_started:triage', 'agent_completed:triage', 'workflow_completed']);
  });

  it('cancelled during a middle stage: it ends cancelled, later stages and reporting do not start', async () => {
    const controller = new AbortController();
    const engine = new FakeEngine(
      defaultAgents(
        { dataSufficiency: 'sufficient' },
        {
          optimization: () => {
            controller.abort();
            return new Promise(() => undefined);
          },
        },
      ),
    );
    const result = await start(engine, triageWorkflow, { signal: controller.signal });
    expect(result).toMatchObject({ status: 'cancelled', path: 'sufficient' });
    expect(result.stages.map((stage) => `${stage.agentName}:${stage.status}`)).toEqual([
      'triage:succeeded',
      'data:succeeded',
      'optimization:cancelled',
    ]);
    expect(engine.calledAgents()).toEqual(['triage', 'data', 'optimization']);
    expect(engine.events.at(-1)).toMatchObject({ type: 'workflow_completed', status: 'cancelled', succeededStages: 2, totalStages: 3 });
  });

  it("passes a signal to every executeAgent call that follows the caller's signal", async () => {
    const controller = new AbortController();
    const engine = new FakeEngine(defaultAgents({ dataSufficiency: 'insufficient' }));
    await start(engine, triageWorkflow, { signal: controller.signal });
    expect(engine.calls.every((call) => call.signal instanceof AbortSignal && !call.signal.aborted)).toBe(true);
  });

  it('cancelled after a stage failed: reporting does not run, the run is cancelled', async () => {
    const controller = new AbortController();
    const engine = new FakeEngine(
      defaultAgents(
        { dataSufficiency: 'partial' },
        {
          data_helper: () => {
            controller.abort();
            throw new Error('failed anyway');
          },
        },
      ),
    );
    const result = await start(engine, triageWorkflow, { signal: controller.signal });
    expect(result.status).toBe('cancelled');
    expect(engine.calledAgents()).not.toContain('reporting');
  });
});

describe('runWorkflow: events, clock and contract violations', () => {
  it('emits workflow_started first, workflow_planned after triage, workflow_completed last, no agent events of its own', async () => {
    const engine = new FakeEngine(defaultAgents({ dataSufficiency: 'insufficient' }));
    const result = await start(engine);
    expect(types(engine)).toEqual([
      'workflow_started',
      'agent_started:triage',
      'agent_completed:triage',
      'workflow_planned',
      'agent_started:data_helper',
      'agent_completed:data_helper',
      'agent_started:reporting',
      'agent_completed:reporting',
      'workflow_completed',
    ]);
    expect(engine.events[0]).toEqual({
      type: 'workflow_started',
      executionId: 'wf-1',
      workflowId: 'wf-1',
      workflowName: 'triage-workflow',
    });
    expect(engine.events.at(-1)).toEqual({
      type: 'workflow_completed',
      executionId: 'wf-1',
      workflowId: 'wf-1',
      path: 'insufficient',
      status: 'succeeded',
      durationMs: result.durationMs,
      succeededStages: 3,
      totalStages: 3,
    });
  });

  it('measures durationMs with the injected clock', async () => {
    let time = 1_000;
    const engine = new FakeEngine(
      defaultAgents(
        { dataSufficiency: 'insufficient' },
        {
          data_helper: () => {
            time += 250;
            return 'ok';
          },
        },
      ),
    );
    const result = await start(engine, triageWorkflow, { now: () => time });
    expect(result.durationMs).toBe(250);
    expect(engine.events.at(-1)).toMatchObject({ durationMs: 250 });
  });

  it('never reports a negative or non-finite duration from a bad clock', async () => {
    let calls = 0;
    const engine = new FakeEngine(defaultAgents({ dataSufficiency: 'insufficient' }));
    expect((await start(engine, triageWorkflow, { now: () => (calls++ === 0 ? 5_000 : 1_000) })).durationMs).toBe(0);
    expect((await start(new FakeEngine(defaultAgents({})), triageWorkflow, { now: () => Number.NaN })).durationMs).toBe(0);
  });

  it('when executeAgent throws, emits workflow_completed (failed) and rethrows the typed error', async () => {
    const agents = defaultAgents({ dataSufficiency: 'sufficient' });
    delete agents.optimization;
    const engine = new FakeEngine(agents);
    const error = await start(engine).catch((caught: unknown) => caught);
    expect(UnknownAgentError.isInstance(error)).toBe(true);
    expect(engine.calledAgents()).toEqual(['triage', 'data']);
    expect(engine.events.at(-1)).toMatchObject({
      type: 'workflow_completed',
      status: 'failed',
      path: 'sufficient',
      totalStages: 2,
      succeededStages: 2,
    });
  });

  it('when executeAgent throws for triage, the event stream still ends', async () => {
    const engine = new FakeEngine({});
    await expect(start(engine)).rejects.toSatisfy(UnknownAgentError.isInstance);
    expect(types(engine)).toEqual(['workflow_started', 'workflow_completed']);
    expect(engine.events.at(-1)).toMatchObject({ status: 'failed', path: '', totalStages: 0 });
  });

  it('when executeAgent throws beside a running stage, aborts it and waits for it before workflow_completed', async () => {
    const workflow = defineWorkflow({
      id: 'violation',
      classify: () => 'main',
      paths: { main: [{ agent: 'waits' }, { agent: 'missing', dependsOn: [] }] },
      fallback: 'main',
      finally: 'end',
    });
    const engine = new FakeEngine({ triage: echo('triage'), waits: () => new Promise(() => undefined), end: echo('end') });
    await expect(start(engine, workflow)).rejects.toSatisfy(UnknownAgentError.isInstance);
    expect(types(engine).slice(-2)).toEqual(['agent_completed:waits', 'workflow_completed']);
    expect(engine.calledAgents()).toEqual(['triage', 'waits']);
  });
});

// ---- property-based ---------------------------------------------------------------------------

const AGENTS = ['a', 'b', 'c', 'd', 'e', 'f'];
const randomPath: fc.Arbitrary<StageSpec[]> = fc
  .shuffledSubarray(AGENTS, { minLength: 1 })
  .chain((agents) =>
    fc.tuple(
      fc.constant(agents),
      fc.array(fc.option(fc.array(fc.nat(), { maxLength: 3 }), { nil: undefined }), { minLength: agents.length, maxLength: agents.length }),
    ),
  )
  .map(([agents, picks]) =>
    agents.map((agent, index): StageSpec => {
      const chosen = picks[index];
      const earlier = agents.slice(0, index);
      if (chosen === undefined) return { agent };
      return { agent, dependsOn: earlier.length === 0 ? [] : chosen.map((pick) => earlier[pick % earlier.length] as string) };
    }),
  );

describe('runWorkflow (property-based)', () => {
  it('runs every stage of a random valid workflow exactly once, each after its dependencies finished', async () => {
    await fc.assert(
      fc.asyncProperty(randomPath, fc.boolean(), fc.scheduler(), async (stages, withFinally, scheduler) => {
        const workflow = defineWorkflow({
          id: 'random',
          classify: () => 'main',
          paths: { main: stages },
          fallback: 'main',
          ...(withFinally ? { finally: 'end' } : {}),
        });
        const finished = new Set<string>();
        const violations: string[] = [];
        const dependencies = new Map(
          stages.map((stage, index) => [stage.agent, stage.dependsOn ?? (index === 0 ? [] : [(stages[index - 1] as StageSpec).agent])]),
        );
        const agent =
          (name: string): FakeAgent =>
          async () => {
            for (const dependency of dependencies.get(name) ?? [])
              if (!finished.has(dependency)) violations.push(`${name} before ${dependency}`);
            if (name === 'end' && finished.size !== stages.length + 1) violations.push('end before the path');
            // The scheduler decides when each agent finishes: random but reproducible interleavings.
            await scheduler.schedule(Promise.resolve(), name);
            finished.add(name);
            return name;
          };
        const engine = new FakeEngine(Object.fromEntries(['triage', ...AGENTS, 'end'].map((name) => [name, agent(name)])));
        const running = start(engine, workflow);
        await scheduler.waitFor(running);
        const result = await running;
        const expected = [...stages.map((stage) => stage.agent), ...(withFinally ? ['end'] : [])];
        expect(violations).toEqual([]);
        expect(result.status).toBe('succeeded');
        expect(result.stages[0]?.agentName).toBe('triage');
        expect([...engine.calledAgents()].sort()).toEqual(['triage', ...expected].sort());
        expect(result.stages).toHaveLength(expected.length + 1);
        if (withFinally) expect(result.stages.at(-1)?.agentName).toBe('end');
      }),
      { numRuns: 100 },
    );
  });
});

describe('runWorkflow: path choice, inputs and scheduling edges', () => {
  it('takes the fallback path when triage failed, even if classify would name another path', async () => {
    const workflow = defineWorkflow({
      id: 'eager',
      classify: () => 'main',
      paths: { main: [{ agent: 'data' }], safe: [{ agent: 'data_helper' }] },
      fallback: 'safe',
    });
    const engine = new FakeEngine(
      defaultAgents(undefined, {
        triage: () => {
          throw new Error('triage broke');
        },
      }),
    );
    const result = await start(engine, workflow);
    expect(result.path).toBe('safe');
    expect(engine.calledAgents()).toEqual(['triage', 'data_helper']);
  });

  it('takes the fallback path when classify returns a non-string, even one that equals a path name once converted', async () => {
    const workflow = defineWorkflow({
      id: 'numeric',
      classify: () => 1 as unknown as string,
      paths: { '1': [{ agent: 'data' }], safe: [{ agent: 'data_helper' }] },
      fallback: 'safe',
    });
    const result = await start(new FakeEngine(defaultAgents({})), workflow);
    expect(result.path).toBe('safe');
  });

  it("gives a stage only triage's output and its own dependencies' outputs, not those of an unrelated branch that finished first", async () => {
    const gate = deferred();
    const workflow = defineWorkflow({
      id: 'branches',
      classify: () => 'main',
      paths: {
        main: [
          { agent: 'quick', dependsOn: [] },
          { agent: 'gated', dependsOn: [] },
          { agent: 'after', dependsOn: ['gated'] },
        ],
      },
      fallback: 'main',
    });
    const engine = new FakeEngine({ triage: echo('triage'), quick: echo('quick'), gated: () => gate.promise, after: echo('after') });
    const running = start(engine, workflow);
    await engine.waitFor('agent_completed', 'quick');
    gate.resolve('opened');
    await running;
    expect(inputOf(engine, 'after').previous).toEqual({ triage: { from: 'triage' }, gated: 'opened' });
  });

  it('stops the path after a timed-out stage that is not continueOnError', async () => {
    const engine = new FakeEngine(
      defaultAgents(
        { dataSufficiency: 'sufficient' },
        {
          data: () => {
            throw new FakeTimeout();
          },
        },
      ),
    );
    const result = await start(engine);
    expect(engine.calledAgents()).toEqual(['triage', 'data', 'reporting']);
    expect(result.stages.map((stage) => stage.status)).toEqual(['succeeded', 'timed_out', 'succeeded']);
  });

  it('lists no finally stage in workflow_planned when the workflow has none', async () => {
    const workflow = defineWorkflow({ id: 'plain', classify: () => 'main', paths: { main: [{ agent: 'data' }] }, fallback: 'main' });
    const engine = new FakeEngine(defaultAgents({}));
    await start(engine, workflow);
    expect(engine.events.find((event) => event.type === 'workflow_planned')).toMatchObject({ stages: ['triage', 'data'] });
  });

  it('starts no dependent of a continueOnError stage whose executeAgent threw a contract violation', async () => {
    const workflow = defineWorkflow({
      id: 'violation',
      classify: () => 'main',
      paths: {
        main: [
          { agent: 'ghost', continueOnError: true },
          { agent: 'after', dependsOn: ['ghost'] },
        ],
      },
      fallback: 'main',
    });
    // 'ghost' is not an agent of the engine: executeAgent throws UnknownAgentError.
    const engine = new FakeEngine({ triage: echo('triage'), after: echo('after') });
    await expect(start(engine, workflow)).rejects.toSatisfy(UnknownAgentError.isInstance);
    expect(engine.calledAgents()).toEqual(['triage']);
  });

  it('starts no ready stage once the caller aborted, even when the stage before it succeeded', async () => {
    const controller = new AbortController();
    const workflow = defineWorkflow({
      id: 'two',
      classify: () => 'main',
      paths: { main: [{ agent: 'first' }, { agent: 'second' }] },
      fallback: 'main',
    });
    const engine = new FakeEngine({ triage: echo('triage'), first: echo('first'), second: echo('second') });
    const running = start(engine, workflow, { signal: controller.signal });
    // Recorded as succeeded by the engine; the abort lands before the runner looks for the next stage.
    await engine.waitFor('agent_completed', 'first');
    controller.abort();
    const result = await running;
    expect(result.status).toBe('cancelled');
    expect(engine.calledAgents()).toEqual(['triage', 'first']);
    expect(result.stages.map((stage) => `${stage.agentName}:${stage.status}`)).toEqual(['triage:succeeded', 'first:succeeded']);
  });

  it('still succeeds when the caller aborts after the last stage succeeded and nothing is left to start', async () => {
    const controller = new AbortController();
    const workflow = defineWorkflow({ id: 'one', classify: () => 'main', paths: { main: [{ agent: 'only' }] }, fallback: 'main' });
    const engine = new FakeEngine({ triage: echo('triage'), only: echo('only') });
    const running = start(engine, workflow, { signal: controller.signal });
    await engine.waitFor('agent_completed', 'only');
    controller.abort();
    expect((await running).status).toBe('succeeded');
  });

  it('does not run finally after a stage the engine itself cancelled (the caller never aborted)', async () => {
    const workflow = defineWorkflow({
      id: 'engine-cancel',
      classify: () => 'main',
      paths: { main: [{ agent: 'work' }] },
      fallback: 'main',
      finally: 'end',
    });
    const called: string[] = [];
    const engine = {
      emitWorkflowEvent: () => undefined,
      executeAgent: async (request: { agentName: string; stage?: string }) => {
        called.push(request.agentName);
        const status = request.agentName === 'work' ? 'cancelled' : 'succeeded';
        return {
          status,
          executionId: `x-${called.length}`,
          agentName: request.agentName,
          runId: 'r',
          requestId: 'q',
          stage: request.stage,
          durationMs: 0,
          queuedMs: 0,
        } as const;
      },
    };
    const result = await runWorkflow({ engine, workflow, input: 'q', now: () => 0, workflowId: 'wf' });
    expect(result.status).toBe('cancelled');
    expect(called).toEqual(['triage', 'work']);
  });

  it("removes its listener from the caller's signal once the run is over", async () => {
    const controller = new AbortController();
    const engine = new FakeEngine(defaultAgents({ dataSufficiency: 'insufficient' }));
    await start(engine, triageWorkflow, { signal: controller.signal });
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});

describe('runWorkflow: a timeout stops the path like a failure', () => {
  it('after a timed-out stage starts no new stage, even on an independent branch', async () => {
    const gate = deferred();
    const workflow = defineWorkflow({
      id: 'timeout-branches',
      classify: () => 'main',
      paths: {
        main: [
          { agent: 'times_out', dependsOn: [] },
          { agent: 'gated', dependsOn: [] },
          { agent: 'after', dependsOn: ['gated'] },
        ],
      },
      fallback: 'main',
    });
    const engine = new FakeEngine({
      triage: echo('triage'),
      times_out: () => {
        throw new FakeTimeout();
      },
      gated: () => gate.promise,
      after: echo('after'),
    });
    const running = start(engine, workflow);
    await engine.waitFor('agent_completed', 'times_out');
    gate.resolve('opened');
    const result = await running;
    expect(engine.calledAgents()).toEqual(['triage', 'times_out', 'gated']);
    expect(result.status).toBe('failed');
  });
});
