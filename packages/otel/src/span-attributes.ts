import type { AgentCompletedEvent, AgentEventEnvelope, AgentStartedEvent, ToolExecutingEvent } from '@baton/engine-contract';
import type { Attributes } from '@opentelemetry/api';
import { BATON, OPERATION, SEMCONV } from './attribute-names.js';

/** The ids every span carries, from the event's envelope. @internal */
export function envelopeAttributes(event: AgentEventEnvelope): Attributes {
  return {
    [BATON.userId]: event.userId,
    [BATON.threadId]: event.threadId,
    [BATON.runId]: event.runId,
    [BATON.requestId]: event.requestId,
    [BATON.engineId]: event.engineId,
    [BATON.executionId]: event.executionId,
    // The thread is the conversation the GenAI conventions group spans by.
    [SEMCONV.conversationId]: event.threadId,
  };
}

/** A workflow run's span, at its first event. @internal */
export function workflowAttributes(event: AgentEventEnvelope, workflowId: string, workflowName: string | undefined): Attributes {
  const attributes = envelopeAttributes(event);
  attributes[SEMCONV.operationName] = OPERATION.workflow;
  attributes[BATON.workflowId] = workflowId;
  if (workflowName !== undefined) {
    attributes[BATON.workflowName] = workflowName;
    attributes[SEMCONV.workflowName] = workflowName;
  }
  return attributes;
}

/** An agent call's span, at `agent_started` (or at `agent_completed` for a call that never got a slot). @internal */
export function agentAttributes(event: AgentStartedEvent | AgentCompletedEvent, workflowId: string | undefined): Attributes {
  const attributes = envelopeAttributes(event);
  attributes[SEMCONV.operationName] = OPERATION.agent;
  attributes[SEMCONV.agentName] = event.agentName;
  attributes[BATON.agentName] = event.agentName;
  if (event.stage !== undefined) attributes[BATON.stage] = event.stage;
  if (workflowId !== undefined) attributes[BATON.workflowId] = workflowId;
  return attributes;
}

/** A tool call's span, at `tool_executing`. @internal */
export function toolAttributes(event: ToolExecutingEvent): Attributes {
  const attributes = envelopeAttributes(event);
  attributes[SEMCONV.operationName] = OPERATION.tool;
  attributes[SEMCONV.toolName] = event.toolName;
  attributes[SEMCONV.toolCallId] = event.toolCallId;
  attributes[BATON.toolName] = event.toolName;
  attributes[BATON.toolCallId] = event.toolCallId;
  attributes[BATON.agentName] = event.agentName;
  return attributes;
}

/** What `agent_completed` adds to its span: status, error code, queue wait and token usage. @internal */
export function agentEndAttributes(event: AgentCompletedEvent, queuedMs: number | undefined): Attributes {
  const attributes: Attributes = { [BATON.status]: event.status };
  if (event.error !== undefined) attributes[BATON.errorCode] = event.error.code;
  if (queuedMs !== undefined) attributes[BATON.queuedMs] = queuedMs;
  const usage = event.usage;
  if (usage !== undefined) {
    attributes[SEMCONV.inputTokens] = usage.inputTokens;
    attributes[SEMCONV.outputTokens] = usage.outputTokens;
  }
  return attributes;
}
