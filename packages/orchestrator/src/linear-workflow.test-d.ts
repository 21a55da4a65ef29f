import { type AgentDefinition, defineAgent, type UserExecutionEngine } from '@baton/engine-contract';
import { describe, expectTypeOf, it } from 'vitest';
import { defineWorkflow } from './define-workflow.js';
import type { StageInput } from './stage-input.js';
import { triageWorkflow } from './triage-workflow.js';
import type { LinearWorkflowDefinition, TriageWorkflowDefinition, WorkflowDefinition } from './workflow-definition.js';
import { createWorkflowOrchestrator, WorkflowOrchestrator } from './workflow-orchestrator.js';
import type { WorkflowResult } from './workflow-result.js';

// This package has no zod: a schema is typed as `defineAgent` reads `output`, a `z.ZodType<T>`.
// (apps/integration proves the same with real zod schemas.)
type Schema<T> = NonNullable<AgentDefinition<unknown, T>['output']>;
interface Facts {
  facts: string[];
}
interface Article {
  title: string;
  body: string;
}
declare const factsSchema: Schema<Facts>;
declare const articleSchema: Schema<Article>;
declare const engine: UserExecutionEngine;

const research = defineAgent({ name: 'research', output: factsSchema, run: () => ({ facts: ['tides'] }) });
const write = defineAgent({
  name: 'write',
  output: articleSchema,
  run: ({ previous }: StageInput<typeof research>) => ({ title: 'Tides', body: previous.research.facts.join(' ') }),
});
const count = defineAgent({ name: 'count', run: () => 3 });

describe('defineWorkflow (linear form) types', () => {
  it('types the output by the last stage given as a definition', () => {
    expectTypeOf(defineWorkflow({ id: 'article', stages: [research, write] })).toEqualTypeOf<LinearWorkflowDefinition<Article>>();
    expectTypeOf(defineWorkflow({ id: 'article', stages: [{ agent: research }, { agent: write, dependsOn: [research] }] })).toEqualTypeOf<
      LinearWorkflowDefinition<Article>
    >();
    // Without a schema, the output type comes from `run`.
    expectTypeOf(defineWorkflow({ id: 'counted', stages: [research, count] })).toEqualTypeOf<LinearWorkflowDefinition<number>>();
  });

  it('types the output by finally when there is one, even when it is also listed last', () => {
    expectTypeOf(defineWorkflow({ id: 'a', stages: [write, count], finally: research })).toEqualTypeOf<LinearWorkflowDefinition<Facts>>();
    expectTypeOf(defineWorkflow({ id: 'a', stages: [write, research], finally: research })).toEqualTypeOf<
      LinearWorkflowDefinition<Facts>
    >();
  });

  it('leaves the output unknown for agents given by name, and when the last listed stage does not run last', () => {
    expectTypeOf(defineWorkflow({ id: 'names', stages: ['research', 'write'] })).toEqualTypeOf<LinearWorkflowDefinition<unknown>>();
    expectTypeOf(defineWorkflow({ id: 'names', stages: [research], finally: 'write' })).toEqualTypeOf<LinearWorkflowDefinition<unknown>>();
    // write is listed first but waits for research, which is listed last: research does not run last.
    expectTypeOf(
      defineWorkflow({
        id: 'backwards',
        stages: [
          { agent: write, dependsOn: ['research'] },
          { agent: research, dependsOn: [] },
        ],
      }),
    ).toEqualTypeOf<LinearWorkflowDefinition<unknown>>();
  });

  it('keeps the triage form as it was', () => {
    const workflow = defineWorkflow({ id: 't', classify: () => 'p', paths: { p: [{ agent: 'a' }] }, fallback: 'p' });
    expectTypeOf(workflow).toEqualTypeOf<TriageWorkflowDefinition>();
    expectTypeOf(workflow.paths).toEqualTypeOf<Readonly<Record<string, readonly import('./workflow-definition.js').StageSpec[]>>>();
    expectTypeOf(triageWorkflow).toExtend<WorkflowDefinition>();
  });

  it('refuses the forms mixed, unknown keys and stages that are not agents', () => {
    // @ts-expect-error classify belongs to the triage form
    defineWorkflow({ id: 'mixed', stages: [research], classify: () => 'p' });
    // @ts-expect-error an unknown key
    defineWorkflow({ id: 'typo', stages: [research], finaly: 'write' });
    // @ts-expect-error a stage is an agent name, an agent definition or a stage spec
    defineWorkflow({ id: 'bad', stages: [42] });
  });

  it('fits wherever a WorkflowDefinition is expected, and a typed one is not an untyped one', () => {
    const article = defineWorkflow({ id: 'article', stages: [research, write] });
    expectTypeOf(article).toExtend<WorkflowDefinition>();
    expectTypeOf<WorkflowDefinition>().not.toExtend<WorkflowDefinition<Article>>();
  });
});

describe('WorkflowOrchestrator output types', () => {
  it('resolves run() with the output type of the workflow it was built with', () => {
    const workflow = defineWorkflow({ id: 'article', stages: [research, write] });
    const orchestrator = new WorkflowOrchestrator({ engine, workflow });
    expectTypeOf(orchestrator).toEqualTypeOf<WorkflowOrchestrator<Article>>();
    expectTypeOf(orchestrator.run({ input: 'tides' })).toEqualTypeOf<Promise<WorkflowResult<Article>>>();
    expectTypeOf<WorkflowResult<Article>['output']>().toEqualTypeOf<Article | undefined>();
    expectTypeOf(createWorkflowOrchestrator({ engine, workflow }).run({ input: 'q' })).toEqualTypeOf<Promise<WorkflowResult<Article>>>();
  });

  it('keeps output unknown for the default workflow and the triage form', () => {
    expectTypeOf(new WorkflowOrchestrator({ engine })).toEqualTypeOf<WorkflowOrchestrator<unknown>>();
    expectTypeOf(new WorkflowOrchestrator({ engine, workflow: triageWorkflow }).run({ input: 'q' })).toEqualTypeOf<
      Promise<WorkflowResult>
    >();
    expectTypeOf<WorkflowResult['output']>().toEqualTypeOf<unknown>();
  });
});
