// Helpers for Baton's own packages (each marked `@internal`: not public API, may change without notice).
// One home each, so the factory, the orchestrator and the apps stop keeping their own copies.
export { isAbortSignal } from './abort-signal.js';
export {
  type AgentContext,
  type AgentDefinition,
  type AnyAgentDefinition,
  defineAgent,
  type ToolCallOptions,
  WORKFLOW_AGENT_NAME,
} from './agent-definition.js';
export {
  AGENT_EVENT_TYPES,
  type AgentCompletedEvent,
  AgentCompletedEventSchema,
  type AgentEvent,
  type AgentEventEnvelope,
  type AgentEventOfType,
  AgentEventSchema,
  type AgentEventType,
  type AgentOutputDeltaEvent,
  AgentOutputDeltaEventSchema,
  type AgentStartedEvent,
  AgentStartedEventSchema,
  type AgentThinkingEvent,
  AgentThinkingEventSchema,
  parseAgentEvent,
  type ToolCompletedEvent,
  ToolCompletedEventSchema,
  type ToolExecutingEvent,
  ToolExecutingEventSchema,
  type WorkflowCompletedEvent,
  WorkflowCompletedEventSchema,
  type WorkflowEvent,
  type WorkflowEventInput,
  type WorkflowPlannedEvent,
  WorkflowPlannedEventSchema,
  type WorkflowResumedEvent,
  WorkflowResumedEventSchema,
  type WorkflowStartedEvent,
  WorkflowStartedEventSchema,
  type WorkflowSuspendedEvent,
  WorkflowSuspendedEventSchema,
} from './agent-event.js';
export { AGENT_NAME_PATTERN, AGENT_NAME_RULE, isAgentName } from './agent-name.js';
export {
  type AgentRunError,
  type AgentRunErrorCode,
  AgentRunErrorCodeSchema,
  AgentRunErrorSchema,
  type AgentRunResult,
  AgentRunResultSchema,
  type AgentRunStatus,
  AgentRunStatusSchema,
  type WorkflowStatus,
  WorkflowStatusSchema,
} from './agent-run-result.js';
export { assertUserExecutionEngine, isUserExecutionEngine } from './engine-brand.js';
export { DEFAULT_ENGINE_LIMITS, type EngineLimits, type EngineLimitsInput, EngineLimitsSchema } from './engine-limits.js';
export * from './errors/index.js';
export { type GlobalWeakSet, globalWeakSet } from './global-weak-set.js';
export { DEFAULT_MAX_RUNS_PER_USER, InMemoryRunStore, type InMemoryRunStoreOptions } from './in-memory-run-store.js';
export { redact } from './redact.js';
export { redactSecretsInText } from './redact-secrets-in-text.js';
export {
  FINAL_RUN_STATUSES,
  type NewRunRecord,
  NewRunRecordSchema,
  type RunRecord,
  RunRecordSchema,
  type RunStatus,
  RunStatusSchema,
  type RunSuspension,
  RunSuspensionSchema,
  type StoredWorkflowResult,
  StoredWorkflowResultSchema,
} from './run-record.js';
export type { ListRunsOptions, MarkRunningOptions, RunStore } from './run-store.js';
export {
  checkNewRunRecord,
  checkStageResult,
  checkStoredResult,
  checkSuspension,
  DEFAULT_LIST_RUNS_LIMIT,
  DEFAULT_MAX_STAGE_OUTPUT_BYTES,
  encodeRunValue,
  MAX_LIST_RUNS_LIMIT,
  notInStatus,
  positiveIntegerOption,
  readListRunsOptions,
  readMarkRunningFrom,
  stageKeyOf,
} from './run-store-rules.js';
export { isSecretKey, REDACTED } from './secret-key.js';
export { type TokenUsage, type TokenUsageReport, TokenUsageReportSchema, TokenUsageSchema } from './token-usage.js';
export { type AdmissionLease, InMemoryUserAdmission, type UserAdmission } from './user-admission.js';
export {
  type ContextMetadata,
  createUserExecutionContext,
  isUserExecutionContext,
  type JsonValue,
  MAX_CONTEXT_DEPTH,
  MAX_ID_LENGTH,
  PLACEHOLDER_IDS,
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
export { describeZodIssue, firstZodIssue, type ZodErrorLike, type ZodIssueSummary } from './zod-issue.js';
export { isZodSchema, type ZodSchemaLike } from './zod-schema.js';
