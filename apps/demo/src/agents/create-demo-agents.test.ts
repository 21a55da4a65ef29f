import type { AgentEvent } from '@baton/engine-contract';
import { WorkflowOrchestrator } from '@baton/orchestrator';
import { createTestFactory, recordEvents, type TestFactory } from '@baton/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { answerToText } from '../shared/answer-text.js';
import { EXAMPLE_QUESTIONS } from '../shared/example-questions.js';
import { createDemoAgents } from './create-demo-agents.js';

const STAGES: Record<string, string[]> = {
  sufficient: ['triage', 'data', 'optimization', 'actions', 'reporting'],
  partial: ['triage', 'data_helper', 'data', 'reporting'],
  insufficient: ['triage', 'data_helper', 'reporting'],
};

const factories: TestFactory[] = [];
afterAll(() => Promise.all(factories.map((factory) => factory.shutdown())));

/**
 * Runs the default workflow once on a fresh engine (@baton/testing's test factory: events validated)
 * and returns the result and every event, after checking the engine contract's guarantees on them.
 */
async function ask(text: string, delayScale = 0, signal?: AbortSignal, onEvent?: (event: AgentEvent) => void) {
  const factory = createTestFactory(createDemoAgents({ delayScale }));
  factories.push(factory);
  const engine = await factory.createTestEngine({ userId: 'agent-tester' });
  const events = recordEvents(engine);
  if (onEvent) engine.subscribe(onEvent);
  const result = await new WorkflowOrchestrator({ engine }).run({ input: text }, signal ? { signal } : {});
  events.assertGuarantees();
  await engine.dispose();
  return { result, events: events.events };
}

/** The parts of the event stream that must not change between runs (no ids, times or durations). */
function stableView(events: readonly AgentEvent[]) {
  return events.map((event) => ({
    type: event.type,
    agent: event.agentName,
    thought: event.type === 'agent_thinking' ? event.thought : undefined,
    tool: event.type === 'tool_executing' || event.type === 'tool_completed' ? event.toolName : undefined,
    output: event.type === 'agent_completed' ? event.output : event.type === 'agent_output_delta' ? event.delta : undefined,
  }));
}

describe('demo agents', () => {
  it('defines the six agents triageWorkflow needs', () => {
    expect(createDemoAgents().map((agent) => agent.name)).toEqual([
      'triage',
      'data_helper',
      'data',
      'optimization',
      'actions',
      'reporting',
    ]);
  });

  it.each(EXAMPLE_QUESTIONS.map((example) => [example.path, example.text] as const))(
    'takes the %s path for its example question',
    async (path, text) => {
      const { result, events } = await ask(text);
      expect(result.status).toBe('succeeded');
      expect(result.path).toBe(path);
      expect(result.stages.map((stage) => stage.agentName)).toEqual(STAGES[path]);
      const planned = events.find((event) => event.type === 'workflow_planned');
      expect(planned).toMatchObject({ path, stages: STAGES[path] });
      // Every stage thinks, and calls at least one tool or streams its answer, so a person watching sees progress.
      for (const stage of STAGES[path]!) {
        expect(events.some((event) => event.agentName === stage && event.type === 'agent_thinking')).toBe(true);
        const working = stage === 'reporting' ? 'agent_output_delta' : 'tool_executing';
        expect(events.some((event) => event.agentName === stage && event.type === working)).toBe(true);
      }
      const reporting = result.stages.at(-1)!.output as { headline: string; answer: string };
      expect(reporting.headline.length).toBeGreaterThan(20);
      expect(reporting.answer.length).toBeGreaterThan(200);
      // The streamed words are the answer: headline, blank line, body.
      const deltas = events.flatMap((event) => (event.type === 'agent_output_delta' ? [event.delta] : []));
      expect(deltas.length).toBeGreaterThan(30);
      expect(deltas.join('')).toBe(answerToText(reporting));
    },
  );

  it('is deterministic: the same question gives the same events and answer', async () => {
    for (const example of EXAMPLE_QUESTIONS) {
      const first = await ask(example.text);
      const second = await ask(example.text);
      expect(stableView(second.events)).toEqual(stableView(first.events));
    }
  });

  it('writes a savings answer from the figures in the question', async () => {
    const { result } = await ask(EXAMPLE_QUESTIONS[0]!.text);
    const { headline, answer } = result.stages.at(-1)!.output as { headline: string; answer: string };
    expect(headline).toContain('20%');
    expect(headline).toContain('$11,600');
    expect(answer).toContain('from $42,000 to $58,000');
    expect(answer).toContain('Compute Savings Plans');
    expect(answer).toContain('### Plan');
  });

  it('takes the partial path for figures without a provider, with generic service names', async () => {
    const { result } = await ask('We spend $30,000 a month on cloud. Is that too much?');
    expect(result.path).toBe('partial');
    const { answer } = result.stages.at(-1)!.output as { answer: string };
    expect(answer).toContain('Virtual machines');
    expect(answer).toContain('Which provider');
  });

  it('honours the signal: a cancelled run stops quickly even with realistic delays', async () => {
    const controller = new AbortController();
    const started = performance.now();
    // Cancel as soon as triage is visibly working (its first thought), i.e. inside its first pause.
    const { result, events } = await ask(EXAMPLE_QUESTIONS[0]!.text, 300, controller.signal, (event) => {
      if (event.type === 'agent_thinking') controller.abort(new Error('cancelled by test'));
    });
    expect(result.status).toBe('cancelled');
    // Triage alone would take over 60 s at this scale: half of that is a margin no busy machine eats.
    expect(performance.now() - started).toBeLessThan(30_000);
    expect(events.some((event) => event.type === 'agent_completed' && event.status === 'cancelled')).toBe(true);
  });
});
