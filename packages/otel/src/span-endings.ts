import type { AgentCompletedEvent, AgentRunStatus, ToolCompletedEvent, WorkflowCompletedEvent } from '@baton/engine-contract';
import { type Span, SpanStatusCode } from '@opentelemetry/api';
import { ABANDONED_ERROR_TYPE, ABANDONED_STATUS, BATON, OTHER_ERROR_TYPE, SEMCONV } from './attribute-names.js';
import type { AbandonReason } from './open-span-table.js';
import { agentEndAttributes } from './span-attributes.js';

// How each span ends: its terminal event's status and error as attributes and span status, then
// `end` at the event's timestamp (or now, for a span the tap ends itself).

const ABANDON_MESSAGES: Readonly<Record<AbandonReason, string>> = {
  timeout: 'no terminal event within openSpanTimeoutMs',
  capacity: 'more than maxOpenSpans spans were open; the oldest was ended',
  duplicate: 'a second start event came for the same id',
  closed: 'the tap was closed (endOpenSpans) before the terminal event',
  parent_ended: 'its agent call ended first',
};

/** A failure or a timeout ends its span with status ERROR; a cancellation is the caller's choice, not an error. @internal */
export function isFailure(status: AgentRunStatus): boolean {
  return status === 'failed' || status === 'timed_out';
}

/** Ends an agent call's span at `agent_completed`. @internal */
export function endAgentSpan(span: Span, event: AgentCompletedEvent, queuedMs: number): void {
  span.setAttributes(agentEndAttributes(event, queuedMs));
  const error = event.error;
  if (error !== undefined && isFailure(event.status)) {
    span.setAttribute(SEMCONV.errorType, error.code);
    span.setStatus({ code: SpanStatusCode.ERROR, message: `${error.code}: ${error.message}` });
  }
  span.end(event.timestamp);
}

/** Ends a tool call's span at `tool_completed`: a failed call's `error.type` is the error's name. @internal */
export function endToolSpan(span: Span, event: ToolCompletedEvent): void {
  span.setAttribute(BATON.status, event.status);
  if (event.status === 'failed') {
    const errorType = event.error?.name ?? OTHER_ERROR_TYPE;
    span.setAttribute(SEMCONV.errorType, errorType);
    span.setStatus({ code: SpanStatusCode.ERROR, message: event.error === undefined ? errorType : `${errorType}: ${event.error.message}` });
  }
  span.end(event.timestamp);
}

/** Ends a workflow run's span at `workflow_completed`; a failed run's `error.type` is its first failing stage's code. @internal */
export function endWorkflowSpan(span: Span, event: WorkflowCompletedEvent, firstErrorCode: string | undefined): void {
  span.setAttributes({
    [BATON.status]: event.status,
    [BATON.workflowPath]: event.path,
    [BATON.stagesSucceeded]: event.succeededStages,
    [BATON.stagesTotal]: event.totalStages,
  });
  if (event.status === 'failed') {
    const errorType = firstErrorCode ?? OTHER_ERROR_TYPE;
    span.setAttribute(SEMCONV.errorType, errorType);
    span.setStatus({
      code: SpanStatusCode.ERROR,
      message: `${errorType}: ${event.succeededStages} of ${event.totalStages} stages succeeded`,
    });
  }
  span.end(event.timestamp);
}

/** Ends a span whose terminal event never came (status ERROR, `error.type: BATON_SPAN_ABANDONED`), now. @internal */
export function endAbandonedSpan(span: Span, reason: AbandonReason): void {
  span.setAttributes({ [BATON.status]: ABANDONED_STATUS, [SEMCONV.errorType]: ABANDONED_ERROR_TYPE });
  span.setStatus({ code: SpanStatusCode.ERROR, message: `${ABANDONED_ERROR_TYPE}: ${ABANDON_MESSAGES[reason]}` });
  span.end();
}
