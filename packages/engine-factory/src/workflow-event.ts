import {
  describeZodIssue,
  InvalidEventError,
  WorkflowCompletedEventSchema,
  type WorkflowEvent,
  type WorkflowEventInput,
  WorkflowPlannedEventSchema,
  WorkflowStartedEventSchema,
} from '@baton/engine-contract';
import { type EventOrigin, workflowCompletedEvent, workflowPlannedEvent, workflowStartedEvent } from './event-builders.js';
import { renderThrownValue } from './run-error.js';
import { isValidWorkflowEvent } from './workflow-event-check.js';

const WORKFLOW_SCHEMAS = {
  workflow_started: WorkflowStartedEventSchema,
  workflow_planned: WorkflowPlannedEventSchema,
  workflow_completed: WorkflowCompletedEventSchema,
} as const;

/**
 * Turns what the orchestrator passes to `engine.emitWorkflowEvent` into the event the engine emits:
 * the payload copied field by field into an envelope of the engine's own (its ids, `seq`, the clock's
 * `timestamp`, agentName `'workflow'`, executionId = the workflow run's id), then validated always,
 * since it comes from outside the engine. Cheap on the way through: a hand-written check first, zod
 * only when that check fails, to word the error.
 * @param seq the `seq` the event gets; taken by the caller only once this returns.
 * @throws InvalidEventError for another event type or a bad payload, naming the first bad field.
 * @internal
 */
export function toWorkflowEvent(input: WorkflowEventInput, origin: EventOrigin, seq: number, now: () => number): WorkflowEvent {
  if (typeof input !== 'object' || input === null) {
    throw new InvalidEventError({ message: 'emitWorkflowEvent expects a workflow event { type, executionId, workflowId, ... }' });
  }
  const type = input.type;
  if (type !== 'workflow_started' && type !== 'workflow_planned' && type !== 'workflow_completed') {
    throw new InvalidEventError({
      message: `emitWorkflowEvent accepts only workflow_started, workflow_planned and workflow_completed, not ${renderThrownValue(type)}`,
    });
  }
  if (typeof input.executionId !== 'string' || input.executionId.length === 0) {
    throw new InvalidEventError({ message: `emitWorkflowEvent(${type}): executionId (the workflow run's id) must be a non-empty string` });
  }
  const timestamp = now();
  const event =
    input.type === 'workflow_started'
      ? workflowStartedEvent(origin, input, seq, timestamp)
      : input.type === 'workflow_planned'
        ? workflowPlannedEvent(origin, input, seq, timestamp)
        : workflowCompletedEvent(origin, input, seq, timestamp);
  if (isValidWorkflowEvent(event)) return event;
  // The slow path: zod words the error. Should it accept what the fast check refused, its word wins.
  const parsed = WORKFLOW_SCHEMAS[type].safeParse(event);
  if (parsed.success) return event;
  throw new InvalidEventError({
    message: `emitWorkflowEvent(${type}): ${describeZodIssue(parsed.error, { root: 'event' })}`,
    cause: parsed.error,
  });
}
