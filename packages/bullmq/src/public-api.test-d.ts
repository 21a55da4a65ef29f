import type { BatonError, RunStore } from '@baton/engine-contract';
import type { EngineFactory } from '@baton/engine-factory';
import type { ApprovalDecision, WorkflowDefinition } from '@baton/orchestrator';
import type { ConnectionOptions } from 'bullmq';
import { describe, expectTypeOf, it } from 'vitest';
import {
  createWorkflowQueue,
  createWorkflowWorker,
  type DuplicateRunError,
  type EnqueueRequest,
  type WorkflowQueue,
  type WorkflowWorker,
  type WorkflowWorkerOptions,
  workflowIdFor,
} from './index.js';

describe('public types', () => {
  it('the queue enqueues requests and decides with the orchestrator’s ApprovalDecision', () => {
    expectTypeOf(createWorkflowQueue).returns.toEqualTypeOf<WorkflowQueue>();
    expectTypeOf(createWorkflowQueue).parameter(0).toHaveProperty('connection').toEqualTypeOf<ConnectionOptions>();
    expectTypeOf<WorkflowQueue['enqueue']>().toEqualTypeOf<(request: EnqueueRequest) => Promise<{ workflowId: string }>>();
    expectTypeOf<WorkflowQueue['decide']>().toEqualTypeOf<(workflowId: string, decision: ApprovalDecision) => Promise<void>>();
    expectTypeOf<WorkflowQueue['close']>().toEqualTypeOf<() => Promise<void>>();
  });

  it('the worker takes a factory, workflow definitions and a RunStore, and exposes close and closed', () => {
    expectTypeOf(createWorkflowWorker).returns.toEqualTypeOf<WorkflowWorker>();
    expectTypeOf<EngineFactory>().toExtend<WorkflowWorkerOptions['factory']>();
    expectTypeOf<WorkflowDefinition<string>>().toExtend<WorkflowWorkerOptions['workflows'][string]>();
    expectTypeOf<WorkflowWorkerOptions['store']>().toEqualTypeOf<RunStore>();
    expectTypeOf<WorkflowWorker['close']>().toEqualTypeOf<() => Promise<void>>();
    expectTypeOf<WorkflowWorker['closed']>().toEqualTypeOf<Promise<void>>();
  });

  it('DuplicateRunError is a BatonError with the workflow id', () => {
    expectTypeOf<DuplicateRunError>().toExtend<BatonError>();
    expectTypeOf<DuplicateRunError['workflowId']>().toEqualTypeOf<string>();
    expectTypeOf(workflowIdFor).toEqualTypeOf<(userId: string, runId: string) => string>();
  });
});
