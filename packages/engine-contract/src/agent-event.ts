import { z } from 'zod';
import { AgentRunErrorSchema, AgentRunStatusSchema, WorkflowStatusSchema } from './agent-run-result.js';
import { InvalidEventError } from './errors/invalid-event-error.js';
import { TokenUsageSchema } from './token-usage.js';
import { describeZodIssue } from './zod-issue.js';

const id = z.string().min(1);

/** Fields every event carries; the engine fills them from its own context, whatever the agent does. */
const envelope = {
  userId: id,
  threadId: id,
  runId: id,
  requestId: id,
  engineId: id,
  /** Unique per `executeAgent` call; workflow events carry the workflow run's id. */
  executionId: id,
  /** The agent's name; `'workflow'` for workflow events. */
  agentName: id,
  /** Per engine: starts at 0 and grows by exactly 1 per event. */
  seq: z.number().int().nonnegative(),
  /** Epoch ms. */
  timestamp: z.number(),
  /** The workflow stage the call ran as, when it ran as one. */
  stage: z.string().optional(),
};

/** An agent call started executing (it got a slot). */
export const AgentStartedEventSchema = z.object({ type: z.literal('agent_started'), ...envelope, input: z.unknown().optional() });
/** A thought the agent reported through `ctx.think`. */
export const AgentThinkingEventSchema = z.object({ type: z.literal('agent_thinking'), ...envelope, thought: z.string() });
/**
 * A piece of the agent's answer as it is produced (`ctx.writeOutput`); never empty, never after the
 * call's `agent_completed`. The deltas of a call, concatenated in `seq` order, are its streamed answer.
 */
export const AgentOutputDeltaEventSchema = z.object({
  type: z.literal('agent_output_delta'),
  ...envelope,
  delta: z.string().min(1),
});
/** A tool call began (`ctx.tool`); `input` is redacted. */
export const ToolExecutingEventSchema = z.object({
  type: z.literal('tool_executing'),
  ...envelope,
  toolCallId: id,
  toolName: id,
  input: z.unknown().optional(),
});
/** A tool call ended; follows its `tool_executing` with the same `toolCallId`; `output` is redacted. */
export const ToolCompletedEventSchema = z.object({
  type: z.literal('tool_completed'),
  ...envelope,
  toolCallId: id,
  toolName: id,
  status: z.enum(['succeeded', 'failed']),
  output: z.unknown().optional(),
  error: z.object({ name: z.string(), message: z.string() }).optional(),
  durationMs: z.number().nonnegative(),
});
/** The last event of every `executeAgent` call, on success, failure, timeout and cancellation alike. */
export const AgentCompletedEventSchema = z.object({
  type: z.literal('agent_completed'),
  ...envelope,
  status: AgentRunStatusSchema,
  durationMs: z.number().nonnegative(),
  output: z.unknown().optional(),
  error: AgentRunErrorSchema.optional(),
  /** The tokens the agent reported through `ctx.reportUsage`, summed; absent when it reported none. */
  usage: TokenUsageSchema.optional(),
});
/**
 * The first event of a resumed run (`orchestrator.resume`), in place of `workflow_started`:
 * `completedStages` are the stages that had succeeded before, in plan order (triage included), which
 * are not called again.
 */
export const WorkflowResumedEventSchema = z.object({
  type: z.literal('workflow_resumed'),
  ...envelope,
  workflowId: id,
  completedStages: z.array(z.string()),
});
/**
 * A run stopped before `stage`, which needs a person's approval (`StageSpec.approval`): the run's last
 * event until `orchestrator.resume(workflowId, { decision })` continues it (no `workflow_completed`
 * yet). `prompt` is what the person deciding is asked.
 */
export const WorkflowSuspendedEventSchema = z.object({
  type: z.literal('workflow_suspended'),
  ...envelope,
  workflowId: id,
  stage: id,
  prompt: z.string(),
});
/** The first event of a workflow run. */
export const WorkflowStartedEventSchema = z.object({
  type: z.literal('workflow_started'),
  ...envelope,
  workflowId: id,
  workflowName: id,
});
/** Triage has chosen the path: every stage of the run, triage first. */
export const WorkflowPlannedEventSchema = z.object({
  type: z.literal('workflow_planned'),
  ...envelope,
  workflowId: id,
  path: z.string(),
  stages: z.array(z.string()),
});
/** The last event of a workflow run; stage counts include triage. */
export const WorkflowCompletedEventSchema = z.object({
  type: z.literal('workflow_completed'),
  ...envelope,
  workflowId: id,
  path: z.string(),
  status: WorkflowStatusSchema,
  durationMs: z.number().nonnegative(),
  succeededStages: z.number().int().nonnegative(),
  totalStages: z.number().int().nonnegative(),
});

/** Every event an engine emits, discriminated on `type`. The source of the TS types below. */
export const AgentEventSchema = z.discriminatedUnion('type', [
  AgentStartedEventSchema,
  AgentThinkingEventSchema,
  AgentOutputDeltaEventSchema,
  ToolExecutingEventSchema,
  ToolCompletedEventSchema,
  AgentCompletedEventSchema,
  WorkflowStartedEventSchema,
  WorkflowPlannedEventSchema,
  WorkflowCompletedEventSchema,
  WorkflowResumedEventSchema,
  WorkflowSuspendedEventSchema,
]);

/** Any event an engine emits. */
export type AgentEvent = z.infer<typeof AgentEventSchema>;
/** The `type` of an event. */
export type AgentEventType = AgentEvent['type'];
/** The event of one `type`. */
export type AgentEventOfType<T extends AgentEventType> = Extract<AgentEvent, { type: T }>;
/** `agent_started`. */
export type AgentStartedEvent = z.infer<typeof AgentStartedEventSchema>;
/** `agent_thinking`. */
export type AgentThinkingEvent = z.infer<typeof AgentThinkingEventSchema>;
/** `agent_output_delta`. */
export type AgentOutputDeltaEvent = z.infer<typeof AgentOutputDeltaEventSchema>;
/** `tool_executing`. */
export type ToolExecutingEvent = z.infer<typeof ToolExecutingEventSchema>;
/** `tool_completed`. */
export type ToolCompletedEvent = z.infer<typeof ToolCompletedEventSchema>;
/** `agent_completed`. */
export type AgentCompletedEvent = z.infer<typeof AgentCompletedEventSchema>;
/** `workflow_started`. */
export type WorkflowStartedEvent = z.infer<typeof WorkflowStartedEventSchema>;
/** `workflow_planned`. */
export type WorkflowPlannedEvent = z.infer<typeof WorkflowPlannedEventSchema>;
/** `workflow_completed`. */
export type WorkflowCompletedEvent = z.infer<typeof WorkflowCompletedEventSchema>;
/** `workflow_resumed`. */
export type WorkflowResumedEvent = z.infer<typeof WorkflowResumedEventSchema>;
/** `workflow_suspended`. */
export type WorkflowSuspendedEvent = z.infer<typeof WorkflowSuspendedEventSchema>;
/** The envelope fields every event carries. */
export type AgentEventEnvelope = Pick<
  AgentEvent,
  'userId' | 'threadId' | 'runId' | 'requestId' | 'engineId' | 'executionId' | 'agentName' | 'seq' | 'timestamp' | 'stage'
>;

/** The workflow event types, emitted by the orchestrator through its engine. */
export type WorkflowEvent =
  | WorkflowStartedEvent
  | WorkflowPlannedEvent
  | WorkflowCompletedEvent
  | WorkflowResumedEvent
  | WorkflowSuspendedEvent;
/** What the orchestrator hands to `engine.emitWorkflowEvent`: a workflow event without the envelope the engine owns. */
export type WorkflowEventInput =
  | (Omit<WorkflowStartedEvent, keyof AgentEventEnvelope> & { executionId: string })
  | (Omit<WorkflowPlannedEvent, keyof AgentEventEnvelope> & { executionId: string })
  | (Omit<WorkflowCompletedEvent, keyof AgentEventEnvelope> & { executionId: string })
  | (Omit<WorkflowResumedEvent, keyof AgentEventEnvelope> & { executionId: string })
  | (Omit<WorkflowSuspendedEvent, keyof AgentEventEnvelope> & { executionId: string; stage: string });

/** Every event type, in the order a run emits them. */
export const AGENT_EVENT_TYPES = Object.freeze([
  'agent_started',
  'agent_thinking',
  'agent_output_delta',
  'tool_executing',
  'tool_completed',
  'agent_completed',
  'workflow_started',
  'workflow_planned',
  'workflow_completed',
  'workflow_resumed',
  'workflow_suspended',
] as const) satisfies readonly AgentEventType[];

/**
 * Parses and validates an event (e.g. one received over the wire).
 * @throws InvalidEventError naming the first problem, with the zod error as `cause`.
 */
export function parseAgentEvent(value: unknown): AgentEvent {
  const parsed = AgentEventSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new InvalidEventError({
    message: `Invalid agent event: ${describeZodIssue(parsed.error, { root: 'event' })}`,
    cause: parsed.error,
  });
}
