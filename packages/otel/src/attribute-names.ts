// The names the tap writes, in one place so that spans, metrics, tests and the README agree.
// Baton's own attributes are `baton.*`; the `gen_ai.*` ones follow the OpenTelemetry GenAI semantic
// conventions (development status: spelled here as literals rather than imported from
// @opentelemetry/semantic-conventions, whose incubating entry point changes between minor versions).

/** Span names: the kind of work, then its name (`baton.agent research`). @internal */
export const SPAN_NAME = Object.freeze({
  workflow: 'baton.workflow',
  agent: 'baton.agent',
  tool: 'baton.tool',
});

/** Baton's span and metric attributes. @internal */
export const BATON = Object.freeze({
  userId: 'baton.user_id',
  threadId: 'baton.thread_id',
  runId: 'baton.run_id',
  requestId: 'baton.request_id',
  engineId: 'baton.engine_id',
  executionId: 'baton.execution_id',
  workflowId: 'baton.workflow_id',
  workflowName: 'baton.workflow_name',
  workflowPath: 'baton.workflow_path',
  agentName: 'baton.agent_name',
  stage: 'baton.stage',
  toolName: 'baton.tool_name',
  toolCallId: 'baton.tool_call_id',
  status: 'baton.status',
  errorCode: 'baton.error_code',
  queuedMs: 'baton.queued_ms',
  stagesSucceeded: 'baton.stages_succeeded',
  stagesTotal: 'baton.stages_total',
  completedStages: 'baton.completed_stages',
  resumed: 'baton.resumed',
  suspendedStage: 'baton.suspended_stage',
});

/** OpenTelemetry semantic-convention attributes (GenAI and `error.type`). @internal */
export const SEMCONV = Object.freeze({
  operationName: 'gen_ai.operation.name',
  conversationId: 'gen_ai.conversation.id',
  workflowName: 'gen_ai.workflow.name',
  agentName: 'gen_ai.agent.name',
  toolName: 'gen_ai.tool.name',
  toolCallId: 'gen_ai.tool.call.id',
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
  errorType: 'error.type',
});

/** `gen_ai.operation.name` values. @internal */
export const OPERATION = Object.freeze({
  workflow: 'invoke_workflow',
  agent: 'invoke_agent',
  tool: 'execute_tool',
});

/** `baton.status` of a span ended by the tap itself, because its terminal event never came. @internal */
export const ABANDONED_STATUS = 'abandoned';
/** `error.type` of such a span. @internal */
export const ABANDONED_ERROR_TYPE = 'BATON_SPAN_ABANDONED';
/** `error.type` of a failed workflow run none of whose stages reported an error code (semantic-convention fallback). @internal */
export const OTHER_ERROR_TYPE = '_OTHER';

/** Metric instrument names. @internal */
export const METRIC = Object.freeze({
  workflowDuration: 'baton.workflow.duration',
  workflowRuns: 'baton.workflow.runs',
  agentDuration: 'baton.agent.duration',
  agentRuns: 'baton.agent.runs',
  agentQueueWait: 'baton.agent.queue_wait',
});

/** The instrumentation scope of every tracer and meter the tap asks the global providers for. @internal */
export const INSTRUMENTATION_SCOPE = '@baton/otel';
