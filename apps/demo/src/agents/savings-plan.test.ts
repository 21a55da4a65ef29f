import { createUserExecutionContext } from '@baton/engine-contract';
import { createEngineFactory } from '@baton/engine-factory';
import { WorkflowOrchestrator } from '@baton/orchestrator';
import { afterAll, describe, expect, it } from 'vitest';
import { EXAMPLE_QUESTIONS } from '../shared/example-questions.js';
import { createDemoAgents } from './create-demo-agents.js';
import { planApprovalPrompt, previewPlan } from './savings-plan.js';
import type { StageInput } from './stage-input.js';

const factory = createEngineFactory({ agents: createDemoAgents({ delayScale: 0, answerDelayMs: 0 }) });
afterAll(() => factory.shutdown());

let runCounter = 0;
/** A real run of the plain workflow: what `actions` got as input, and what it returned. */
async function actionsOf(question: string): Promise<{ input: StageInput; output: { steps: unknown[]; plannedMonthlySavings: number } }> {
  const context = createUserExecutionContext({ userId: 'planner', threadId: 'thread-1', runId: `run-${++runCounter}` });
  return factory.withEngine(context, async (engine) => {
    const result = await new WorkflowOrchestrator({ engine }).run({ input: question });
    const previous = Object.fromEntries(
      result.stages
        .filter((stage) => ['triage', 'data', 'optimization'].includes(stage.agentName))
        .map((stage) => [stage.agentName, stage.output]),
    );
    const actions = result.stages.find((stage) => stage.agentName === 'actions');
    return { input: { request: question, previous }, output: actions?.output as { steps: unknown[]; plannedMonthlySavings: number } };
  });
}

describe('the savings plan preview', () => {
  it('asks about the example question as the issue shows it: 7 steps, about $13,880 a month', async () => {
    const sufficient = EXAMPLE_QUESTIONS.find((example) => example.path === 'sufficient')!.text;
    const { input } = await actionsOf(sufficient);
    expect(planApprovalPrompt(input)).toBe('Apply this plan? 7 steps, about $13,880 a month');
  });

  it.each([
    ['with a target', 'Our GCP bill is $80,000 a month. Can we cut it by 25%?'],
    ['without a target', 'Our AWS bill is $30,000 a month'],
  ])('previews exactly the plan the actions agent then drafts (%s)', async (_name, question) => {
    const { input, output } = await actionsOf(question);
    const preview = previewPlan(input);
    expect(preview).toEqual({ steps: output.steps, plannedMonthlySavings: output.plannedMonthlySavings });
  });

  it('asks a plain question, never throws, when the earlier stages left nothing to plan', () => {
    expect(previewPlan({ request: 'q', previous: {} })).toBeUndefined();
    expect(planApprovalPrompt({ request: 'q', previous: { data: 'not billing data' } })).toBe('Apply the savings plan?');
  });
});
