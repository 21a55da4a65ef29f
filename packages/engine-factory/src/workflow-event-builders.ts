import {
  redactSecretsInText,
  WORKFLOW_AGENT_NAME,
  type WorkflowCompletedEvent,
  type WorkflowEventInput,
  type WorkflowPlannedEvent,
  type WorkflowResumedEvent,
  type WorkflowStartedEvent,
  type WorkflowSuspendedEvent,
} from '@baton/engine-contract';
import type { EventOrigin } from './event-builders.js';

// One typed builder per workflow event type, built like the agent events' (event-builders.ts): one
// object literal, every field checked by the compiler. The payload comes from the orchestrator.

/** The workflow event input of one type. @internal */
export type WorkflowEventInputOf<T extends WorkflowEventInput['type']> = Extract<WorkflowEventInput, { type: T }>;

/**
 * `workflow_started`. The workflow builders copy the payload field by field: the envelope is the
 * engine's and the caller cannot override it. They trust the input's types; the caller validates.
 * @internal
 */
export function workflowStartedEvent(
  origin: EventOrigin,
  input: WorkflowEventInputOf<'workflow_started'>,
  seq: number,
  timestamp: number,
): WorkflowStartedEvent {
  const context = origin.userContext;
  return {
    type: 'workflow_started',
    userId: context.userId,
    threadId: context.threadId,
    runId: context.runId,
    requestId: context.requestId,
    engineId: origin.engineId,
    executionId: input.executionId,
    agentName: WORKFLOW_AGENT_NAME,
    seq,
    timestamp,
    workflowId: input.workflowId,
    workflowName: input.workflowName,
  };
}

/**
 * `workflow_resumed`; `completedStages` is copied as `workflowPlannedEvent` copies `stages`, so the
 * caller's array cannot change the event afterwards.
 * @internal
 */
export function workflowResumedEvent(
  origin: EventOrigin,
  input: WorkflowEventInputOf<'workflow_resumed'>,
  seq: number,
  timestamp: number,
): WorkflowResumedEvent {
  const context = origin.userContext;
  const completedStages = input.completedStages;
  return {
    type: 'workflow_resumed',
    userId: context.userId,
    threadId: context.threadId,
    runId: context.runId,
    requestId: context.requestId,
    engineId: origin.engineId,
    executionId: input.executionId,
    agentName: WORKFLOW_AGENT_NAME,
    seq,
    timestamp,
    workflowId: input.workflowId,
    // Not an array: left as it is for validation to refuse.
    completedStages: Array.isArray(completedStages) ? [...completedStages] : completedStages,
  };
}

/** `workflow_planned`; `stages` is copied, so the caller's array cannot change the event afterwards. @internal */
export function workflowPlannedEvent(
  origin: EventOrigin,
  input: WorkflowEventInputOf<'workflow_planned'>,
  seq: number,
  timestamp: number,
): WorkflowPlannedEvent {
  const context = origin.userContext;
  const stages = input.stages;
  return {
    type: 'workflow_planned',
    userId: context.userId,
    threadId: context.threadId,
    runId: context.runId,
    requestId: context.requestId,
    engineId: origin.engineId,
    executionId: input.executionId,
    agentName: WORKFLOW_AGENT_NAME,
    seq,
    timestamp,
    workflowId: input.workflowId,
    path: input.path,
    // Not an array: left as it is for validation to refuse.
    stages: Array.isArray(stages) ? [...stages] : stages,
  };
}

/** `workflow_completed`. @internal */
export function workflowCompletedEvent(
  origin: EventOrigin,
  input: WorkflowEventInputOf<'workflow_completed'>,
  seq: number,
  timestamp: number,
): WorkflowCompletedEvent {
  const context = origin.userContext;
  return {
    type: 'workflow_completed',
    userId: context.userId,
    threadId: context.threadId,
    runId: context.runId,
    requestId: context.requestId,
    engineId: origin.engineId,
    executionId: input.executionId,
    agentName: WORKFLOW_AGENT_NAME,
    seq,
    timestamp,
    workflowId: input.workflowId,
    path: input.path,
    status: input.status,
    durationMs: input.durationMs,
    succeededStages: input.succeededStages,
    totalStages: input.totalStages,
  };
}

/**
 * `workflow_suspended`; its `stage` is the stage waiting for a decision, in the envelope's field. The
 * prompt has its credentials redacted: a prompt function may quote the stage's input. @internal
 */
export function workflowSuspendedEvent(
  origin: EventOrigin,
  input: WorkflowEventInputOf<'workflow_suspended'>,
  seq: number,
  timestamp: number,
): WorkflowSuspendedEvent {
  const context = origin.userContext;
  return {
    type: 'workflow_suspended',
    userId: context.userId,
    threadId: context.threadId,
    runId: context.runId,
    requestId: context.requestId,
    engineId: origin.engineId,
    executionId: input.executionId,
    agentName: WORKFLOW_AGENT_NAME,
    seq,
    timestamp,
    workflowId: input.workflowId,
    stage: input.stage,
    // Checked after building, like every field: a non-string is left for the check to refuse.
    prompt: typeof input.prompt === 'string' ? redactSecretsInText(input.prompt) : input.prompt,
  };
}
