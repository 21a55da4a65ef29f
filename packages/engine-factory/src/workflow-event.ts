import {
  describeZodIssue,
  InvalidEventError,
  WorkflowCompletedEventSchema,
  type WorkflowEvent,
  type WorkflowEventInput,
  WorkflowPlannedEventSchema,
  WorkflowResumedEventSchema,
  WorkflowStartedEventSchema,
  WorkflowSuspendedEventSchema,
} from '@baton/engine-contract';
import type { EventOrigin } from './event-builders.js';
import { renderThrownValue } from './run-error.js';
import {
  workflowCompletedEvent,
  workflowPlannedEvent,
  workflowResumedEvent,
  workflowStartedEvent,
  workflowSuspendedEvent,
} from './workflow-event-builders.js';
import { isValidWorkflowEvent } from './workflow-event-check.js';

const WORKFLOW_SCHEMAS = {
  workflow_started: WorkflowStartedEventSchema,
  workflow_planned: WorkflowPlannedEventSchema,
  workflow_completed: WorkflowCompletedEventSchema,
  workflow_resumed: WorkflowResumedEventSchema,
  workflow_suspended: WorkflowSuspendedEventSchema,
} as const;
/** The accepted types as the refusal lists them, in the order a run emits them. */
const ACCEPTED_TYPES = 'workflow_started, workflow_resumed, workflow_planned, workflow_suspended and workflow_completed';

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
  if (typeof type !== 'string' || !Object.hasOwn(WORKFLOW_SCHEMAS, type)) {
    throw new InvalidEventError({ message: `emitWorkflowEvent accepts only ${ACCEPTED_TYPES}, not ${renderThrownValue(type)}` });
  }
  if (typeof input.executionId !== 'string' || input.executionId.length === 0) {
    throw new InvalidEventError({ message: `emitWorkflowEvent(${type}): executionId (the workflow run's id) must be a non-empty string` });
  }
  const timestamp = now();
  const event = buildWorkflowEvent(input, origin, seq, timestamp);
  if (isValidWorkflowEvent(event)) return event;
  // The slow path: zod words the error. Should it accept what the fast check refused, its word wins.
  const parsed = WORKFLOW_SCHEMAS[type].safeParse(event);
  if (parsed.success) return event;
  throw new InvalidEventError({
    message: `emitWorkflowEvent(${type}): ${describeZodIssue(parsed.error, { root: 'event' })}`,
    cause: parsed.error,
  });
}

/** The typed builder of `input.type`; the switch is exhaustive, so a new workflow type fails to compile here. */
function buildWorkflowEvent(input: WorkflowEventInput, origin: EventOrigin, seq: number, timestamp: number): WorkflowEvent {
  switch (input.type) {
    case 'workflow_started':
      return workflowStartedEvent(origin, input, seq, timestamp);
    case 'workflow_resumed':
      return workflowResumedEvent(origin, input, seq, timestamp);
    case 'workflow_planned':
      return workflowPlannedEvent(origin, input, seq, timestamp);
    case 'workflow_completed':
      return workflowCompletedEvent(origin, input, seq, timestamp);
    case 'workflow_suspended':
      return workflowSuspendedEvent(origin, input, seq, timestamp);
  }
}
