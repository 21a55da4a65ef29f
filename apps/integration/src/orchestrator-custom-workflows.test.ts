import { type AgentContext, defineAgent } from '@baton/engine-contract';
import { defineWorkflow, type StageSpec, WorkflowOrchestrator } from '@baton/orchestrator';
import { createGate, createTestFactory, scriptedAgent } from '@baton/testing';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type Harness, harness, recordingAgents } from './orchestrator-fixtures.js';

let current: Harness | undefined;
afterEach(async () => {
  await current?.factory.shutdown();
  current = undefined;
});

describe('custom workflows on a real engine', () => {
  it('runs ready stages concurrently (proved with gates) and joins them', async () => {
    const gates = { left: createGate(), right: createGate() };
    // Each branch waits at its gate, then returns its letter.
    const gate = (name: 'left' | 'right') => async () => {
      await gates[name].wait();
      return name === 'left' ? 'L' : 'R';
    };
    current = await harness({
      agents: (calls) =>
        recordingAgents(calls, ['triage', 'left', 'right', 'join', 'report'], { left: gate('left'), right: gate('right') }),
    });
    const workflow = defineWorkflow({
      id: 'fan-out',
      classify: () => 'both',
      paths: { both: [{ agent: 'left' }, { agent: 'right', dependsOn: [] }, { agent: 'join', dependsOn: ['left', 'right'] }] },
      fallback: 'both',
      finally: 'report',
    });
    const { engine, calls, events } = current;
    const result = new WorkflowOrchestrator({ engine, workflow }).run({ input: 'q' });
    // Both branches are running at the same time, and neither can finish before the test lets it.
    await Promise.all([gates.left.reached(), gates.right.reached()]);
    expect(engine.getStats().activeRuns).toBe(2);
    expect(calls.map((call) => call.agent)).toEqual(['triage', 'left', 'right']);
    gates.right.open();
    gates.left.open();
    const done = await result;
    expect(done.status).toBe('succeeded');
    expect(done.stages.map((stage) => stage.agentName).slice(-2)).toEqual(['join', 'report']);
    expect(events.find((event) => event.type === 'workflow_planned')).toMatchObject({
      stages: ['triage', 'left', 'right', 'join', 'report'],
    });
    expect(calls.find((call) => call.agent === 'join')?.input.previous).toEqual({ triage: { from: 'triage' }, left: 'L', right: 'R' });
  });

  it('continueOnError: the failed stage is reported, its dependents still run', async () => {
    current = await harness({
      agents: (calls) =>
        recordingAgents(calls, ['triage', 'optional', 'main', 'report'], {
          optional: () => {
            throw new Error('nice to have');
          },
        }),
    });
    const workflow = defineWorkflow({
      id: 'tolerant',
      classify: () => 'p',
      paths: { p: [{ agent: 'optional', continueOnError: true }, { agent: 'main' }] },
      fallback: 'p',
      finally: 'report',
    });
    const result = await new WorkflowOrchestrator({ engine: current.engine, workflow }).run({ input: 'q' });
    expect(result.status).toBe('failed');
    expect(result.stages.map((stage) => `${stage.agentName}:${stage.status}`)).toEqual([
      'triage:succeeded',
      'optional:failed',
      'main:succeeded',
      'report:succeeded',
    ]);
    expect(current.calls.find((call) => call.agent === 'main')?.input.previous).toEqual({ triage: { from: 'triage' } });
    expect(current.calls.at(-1)?.input.failedStages).toEqual(['optional']);
  });

  it('after a failure, dependents and independent branches do not start; the running branch finishes; then finally', async () => {
    const slow = createGate();
    current = await harness({
      agents: (calls) =>
        recordingAgents(calls, ['triage', 'fails', 'slow', 'after-fails', 'after-slow', 'report'], {
          fails: async () => {
            await slow.reached();
            throw new Error('broken');
          },
          slow: async () => {
            await slow.wait();
            return 'slow output';
          },
        }),
    });
    const workflow = defineWorkflow({
      id: 'branches',
      classify: () => 'p',
      paths: {
        p: [{ agent: 'fails' }, { agent: 'after-fails' }, { agent: 'slow', dependsOn: [] }, { agent: 'after-slow', dependsOn: ['slow'] }],
      },
      fallback: 'p',
      finally: 'report',
    });
    const { engine, events, calls, recorder } = current;
    const running = new WorkflowOrchestrator({ engine, workflow }).run({ input: 'q' });
    // Release slow only once the failure has been reported by the engine.
    await recorder.waitFor('agent_completed', (event) => event.agentName === 'fails');
    slow.open();
    const result = await running;
    expect(result.status).toBe('failed');
    expect(result.stages.map((stage) => `${stage.agentName}:${stage.status}`)).toEqual([
      'triage:succeeded',
      'fails:failed',
      'slow:succeeded',
      'report:succeeded',
    ]);
    expect(calls.map((call) => call.agent)).not.toContain('after-fails');
    expect(calls.map((call) => call.agent)).not.toContain('after-slow');
    expect(calls.at(-1)?.input).toMatchObject({ failedStages: ['fails'], previous: { triage: { from: 'triage' }, slow: 'slow output' } });
    expect(events.at(-1)).toMatchObject({ type: 'workflow_completed', status: 'failed', totalStages: 4, succeededStages: 3 });
  });

  it('treats an agent output that breaks its schema (INVALID_AGENT_IO) as a failed stage', async () => {
    const factory = createTestFactory([
      scriptedAgent({ name: 'triage', returns: {} }),
      scriptedAgent({ name: 'strict', output: z.object({ rows: z.number() }), returns: { rows: 'many' } as never }),
      scriptedAgent({ name: 'report', returns: (input) => input }),
    ]);
    try {
      const engine = await factory.createTestEngine();
      const workflow = defineWorkflow({
        id: 'schema',
        classify: () => 'p',
        paths: { p: [{ agent: 'strict' }] },
        fallback: 'p',
        finally: 'report',
      });
      const result = await new WorkflowOrchestrator({ engine, workflow }).run({ input: 'q' });
      expect(result.status).toBe('failed');
      expect(result.stages[1]).toMatchObject({ agentName: 'strict', status: 'failed', error: { code: 'INVALID_AGENT_IO' } });
      expect(result.stages[2]?.output).toMatchObject({ failedStages: ['strict'] });
    } finally {
      await factory.shutdown();
    }
  });

  it('uses a custom triage agent name', async () => {
    current = await harness({ agents: (calls) => recordingAgents(calls, ['router', 'only'], { router: () => 'go' }) });
    const workflow = defineWorkflow({
      id: 'routed',
      triage: 'router',
      classify: (output) => (output === 'go' ? 'ok' : undefined),
      paths: { ok: [{ agent: 'only' }] },
      fallback: 'ok',
    });
    const result = await new WorkflowOrchestrator({ engine: current.engine, workflow }).run({ input: 'q' });
    expect(result.stages.map((stage) => stage.agentName)).toEqual(['router', 'only']);
    expect(current.calls[1]?.input.previous).toEqual({ router: 'go' });
  });
});

// ---- property-based ---------------------------------------------------------------------------

const AGENTS = ['s1', 's2', 's3', 's4', 's5', 's6'];
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
      if (chosen === undefined) return { agent };
      const earlier = agents.slice(0, index);
      return { agent, dependsOn: earlier.length === 0 ? [] : chosen.map((pick) => earlier[pick % earlier.length] as string) };
    }),
  );

describe('random workflows on a real engine (property-based)', () => {
  it('run every stage exactly once, each after the stages it depends on', async () => {
    const log: Array<{ event: 'start' | 'end'; agent: string }> = [];
    let scheduler: fc.Scheduler | undefined;
    const agents = ['triage', ...AGENTS, 'final'].map((name) =>
      defineAgent({
        name,
        run: async (_input: unknown, _ctx: AgentContext) => {
          log.push({ event: 'start', agent: name });
          // fast-check's scheduler picks the order in which concurrent stages finish (reproducibly).
          await scheduler?.schedule(Promise.resolve(), name);
          log.push({ event: 'end', agent: name });
          return name;
        },
      }),
    );
    const factory = createTestFactory(agents, { limits: { maxConcurrentRunsPerEngine: 3 } });
    try {
      const engine = await factory.createTestEngine();
      await fc.assert(
        fc.asyncProperty(randomPath, fc.boolean(), fc.scheduler(), async (stages, withFinally, s) => {
          scheduler = s;
          log.length = 0;
          const workflow = defineWorkflow({
            id: 'random',
            classify: () => 'p',
            paths: { p: stages },
            fallback: 'p',
            ...(withFinally ? { finally: 'final' } : {}),
          });
          const running = new WorkflowOrchestrator({ engine, workflow }).run({ input: 'q' });
          await s.waitFor(running);
          const result = await running;
          const expected = [...stages.map((stage) => stage.agent), ...(withFinally ? ['final'] : [])];
          expect(result.status).toBe('succeeded');
          expect(result.stages.map((stage) => stage.agentName).sort()).toEqual(['triage', ...expected].sort());
          expect(
            log
              .filter((entry) => entry.event === 'start')
              .map((entry) => entry.agent)
              .sort(),
          ).toEqual(['triage', ...expected].sort());
          const endedAt = new Map(log.flatMap((entry, index) => (entry.event === 'end' ? [[entry.agent, index] as const] : [])));
          const startedAt = new Map(log.flatMap((entry, index) => (entry.event === 'start' ? [[entry.agent, index] as const] : [])));
          stages.forEach((stage, index) => {
            const dependencies = stage.dependsOn ?? (index === 0 ? [] : [(stages[index - 1] as StageSpec).agent]);
            for (const dependency of [...dependencies, 'triage']) {
              expect(endedAt.get(dependency) as number).toBeLessThan(startedAt.get(stage.agent) as number);
            }
          });
          if (withFinally)
            for (const agent of ['triage', ...stages.map((stage) => stage.agent)])
              expect(endedAt.get(agent) as number).toBeLessThan(startedAt.get('final') as number);
        }),
        { numRuns: 60 },
      );
    } finally {
      await factory.shutdown();
    }
  });
});
