export {
  AGENT_EVENT_TYPES,
  AgentCompletedEventSchema,
  AgentEventSchema,
  AgentOutputDeltaEventSchema,
  AgentStartedEventSchema,
  AgentThinkingEventSchema,
  ToolCompletedEventSchema,
  ToolExecutingEventSchema,
  WorkflowCompletedEventSchema,
  WorkflowPlannedEventSchema,
  WorkflowStartedEventSchema,
  parseAgentEvent,
  type AgentCompletedEvent,
  type AgentEvent,
  type AgentEventEnvelope,
  type AgentEventOfType,
  type AgentEventType,
  type AgentOutputDeltaEvent,
  type AgentStartedEvent,
  type AgentThinkingEvent,
  type ToolCompletedEvent,
  type ToolExecutingEvent,
  type WorkflowCompletedEvent,
  type WorkflowEvent,
  type WorkflowEventInput,
  type WorkflowPlannedEvent,
  type WorkflowStartedEvent,
} from './agent-event.js';
export {
  AgentRunErrorCodeSchema,
  AgentRunErrorSchema,
  AgentRunResultSchema,
  AgentRunStatusSchema,
  WorkflowStatusSchema,
  type AgentRunError,
  type AgentRunErrorCode,
  type AgentRunResult,
  type AgentRunStatus,
  type WorkflowStatus,
} from './agent-run-result.js';
export {
  WORKFLOW_AGENT_NAME,
  defineAgent,
  type AgentContext,
  type AgentDefinition,
  type AnyAgentDefinition,
  type ToolCallOptions,
} from './agent-definition.js';
export { assertUserExecutionEngine, isUserExecutionEngine } from './engine-brand.js';
export { DEFAULT_ENGINE_LIMITS, EngineLimitsSchema, type EngineLimits, type EngineLimitsInput } from './engine-limits.js';
export * from './errors/index.js';
export { REDACTED, isSecretKey, redact } from './redact.js';
export { TokenUsageReportSchema, TokenUsageSchema, type TokenUsage, type TokenUsageReport } from './token-usage.js';
export { InMemoryUserAdmission, type AdmissionLease, type UserAdmission } from './user-admission.js';
export {
  MAX_CONTEXT_DEPTH,
  MAX_ID_LENGTH,
  PLACEHOLDER_IDS,
  createUserExecutionContext,
  isUserExecutionContext,
  type ContextMetadata,
  type JsonValue,
  type UserExecutionContext,
  type UserExecutionContextInput,
} from './user-execution-context.js';
export type {
  AgentEventListener,
  EngineStats,
  ExecuteAgentOptions,
  ExecuteAgentRequest,
  UserExecutionEngine,
} from './user-execution-engine.js';
// Helpers for Baton's own packages (each marked `@internal`: not public API, may change without notice).
// One home each, so the factory, the orchestrator and the apps stop keeping their own copies.
export { isAbortSignal } from './abort-signal.js';
export { AGENT_NAME_PATTERN, AGENT_NAME_RULE, isAgentName } from './agent-name.js';
export { globalWeakSet, type GlobalWeakSet } from './global-weak-set.js';
export { describeZodIssue, firstZodIssue, type ZodErrorLike, type ZodIssueSummary } from './zod-issue.js';
export { isZodSchema, type ZodSchemaLike } from './zod-schema.js';
