import { type AgentDefinition, defineAgent, InMemoryRunStore, type RunStore, type UserExecutionEngine } from '@baton/engine-contract';
import { describe, expectTypeOf, it } from 'vitest';
import { defineWorkflow } from './define-workflow.js';
import { WorkflowOrchestrator, type WorkflowOrchestratorOptions } from './workflow-orchestrator.js';
import type { WorkflowResult } from './workflow-result.js';
import type { ApprovalDecision, WorkflowResumeOptions } from './workflow-run-request.js';

type Schema<T> = NonNullable<AgentDefinition<unknown, T>['output']>;
interface Article {
  title: string;
}
declare const articleSchema: Schema<Article>;
declare const engine: UserExecutionEngine;

const write = defineAgent({ name: 'write', output: articleSchema, run: () => ({ title: 'Tides' }) });
const article = defineWorkflow({ id: 'article', stages: [write] });

describe('durable runs: types', () => {
  it('resume resolves the workflow’s typed result, as run does', () => {
    const orchestrator = new WorkflowOrchestrator({ engine, workflow: article, store: new InMemoryRunStore() });
    expectTypeOf(orchestrator.resume('wf-1')).toEqualTypeOf<Promise<WorkflowResult<Article>>>();
    expectTypeOf(orchestrator.resume).returns.toEqualTypeOf(orchestrator.run({ input: 'tides' }));
    expectTypeOf(new WorkflowOrchestrator({ engine }).resume('wf-1')).toEqualTypeOf<Promise<WorkflowResult<unknown>>>();
  });

  it('types resume’s arguments', () => {
    const orchestrator = new WorkflowOrchestrator({ engine, workflow: article, store: new InMemoryRunStore() });
    expectTypeOf(orchestrator.resume).parameters.toEqualTypeOf<[workflowId: string, options?: WorkflowResumeOptions]>();
    expectTypeOf<WorkflowResumeOptions>().toEqualTypeOf<{ decision?: ApprovalDecision; signal?: AbortSignal }>();
    expectTypeOf<ApprovalDecision>().toEqualTypeOf<{ approved: boolean; note?: string }>();
    orchestrator.resume('wf-1', { decision: { approved: false, note: 'too risky' }, signal: new AbortController().signal });
    // @ts-expect-error the workflow id is a string
    orchestrator.resume(42);
    // @ts-expect-error a decision is { approved, note? }
    orchestrator.resume('wf-1', { decision: 'yes' });
    // @ts-expect-error signal is an AbortSignal
    orchestrator.resume('wf-1', { signal: true });
    // @ts-expect-error no other option
    orchestrator.resume('wf-1', { force: true });
  });

  it('types the store option and getter as a RunStore', () => {
    expectTypeOf<WorkflowOrchestratorOptions['store']>().toEqualTypeOf<RunStore | undefined>();
    expectTypeOf(new WorkflowOrchestrator({ engine }).store).toEqualTypeOf<RunStore | undefined>();
    // @ts-expect-error a store is a RunStore, not a connection string
    new WorkflowOrchestrator({ engine, store: 'redis://localhost' });
  });
});
