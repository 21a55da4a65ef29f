import {
  type AgentCompletedEvent,
  type AgentOutputDeltaEvent,
  type AgentRunResult,
  type AgentStartedEvent,
  type AgentThinkingEvent,
  redact,
  redactSecretsInText,
  type ToolCompletedEvent,
  type ToolExecutingEvent,
  type UserExecutionContext,
} from '@baton/engine-contract';
import type { AgentRun } from './agent-run.js';

// One typed builder per agent event type (the workflow events' are in workflow-event-builders.ts).
// Each builds one object literal holding the envelope and the type's required fields, then adds the
// optional ones, so every event type has a few fixed shapes (monomorphic listeners) and the compiler
// checks every field: no untyped record, no cast.

/** Whose events they are: every event of an engine carries these ids. @internal */
export interface EventOrigin {
  readonly engineId: string;
  readonly userContext: UserExecutionContext;
}

/**
 * Events carry a redacted copy (`redact`): a string scrubbed, an object copied; numbers, booleans and
 * the like need neither (and `redact` would allocate for nothing).
 */
function redactPayload(value: unknown): unknown {
  if (typeof value === 'string') return redactSecretsInText(value);
  return (typeof value === 'object' && value !== null) || typeof value === 'function' ? redact(value) : value;
}

/**
 * `agent_started`. Built as one complete literal per variant (with or without input), because it and
 * `agent_completed` are on every run's path: one allocation, no property added on the common path.
 * @internal
 */
export function agentStartedEvent(origin: EventOrigin, run: AgentRun, seq: number): AgentStartedEvent {
  const context = origin.userContext;
  const event: AgentStartedEvent =
    run.input === undefined
      ? {
          type: 'agent_started',
          userId: context.userId,
          threadId: context.threadId,
          runId: context.runId,
          requestId: context.requestId,
          engineId: origin.engineId,
          executionId: run.executionId,
          agentName: run.agent.name,
          seq,
          timestamp: run.startedAt,
        }
      : {
          type: 'agent_started',
          userId: context.userId,
          threadId: context.threadId,
          runId: context.runId,
          requestId: context.requestId,
          engineId: origin.engineId,
          executionId: run.executionId,
          agentName: run.agent.name,
          seq,
          timestamp: run.startedAt,
          input: redactPayload(run.input),
        };
  if (run.stage !== undefined) event.stage = run.stage;
  return event;
}

/** `agent_completed`, mirroring `result` (output redacted); one literal per variant like `agent_started`. @internal */
export function agentCompletedEvent(
  origin: EventOrigin,
  run: AgentRun,
  seq: number,
  endedAt: number,
  result: AgentRunResult,
): AgentCompletedEvent {
  const context = origin.userContext;
  const event: AgentCompletedEvent =
    result.output === undefined
      ? {
          type: 'agent_completed',
          userId: context.userId,
          threadId: context.threadId,
          runId: context.runId,
          requestId: context.requestId,
          engineId: origin.engineId,
          executionId: run.executionId,
          agentName: run.agent.name,
          seq,
          timestamp: endedAt,
          status: result.status,
          durationMs: result.durationMs,
        }
      : {
          type: 'agent_completed',
          userId: context.userId,
          threadId: context.threadId,
          runId: context.runId,
          requestId: context.requestId,
          engineId: origin.engineId,
          executionId: run.executionId,
          agentName: run.agent.name,
          seq,
          timestamp: endedAt,
          status: result.status,
          durationMs: result.durationMs,
          output: redactPayload(result.output),
        };
  if (result.error !== undefined) event.error = result.error;
  if (run.stage !== undefined) event.stage = run.stage;
  // A copy: a listener that edits the event's usage cannot change the result's.
  if (result.usage !== undefined) event.usage = { ...result.usage };
  return event;
}

/** `agent_thinking`; credentials in the thought redacted (`redactSecretsInText`). @internal */
export function agentThinkingEvent(
  origin: EventOrigin,
  run: AgentRun,
  seq: number,
  timestamp: number,
  thought: string,
): AgentThinkingEvent {
  const context = origin.userContext;
  const event: AgentThinkingEvent = {
    type: 'agent_thinking',
    userId: context.userId,
    threadId: context.threadId,
    runId: context.runId,
    requestId: context.requestId,
    engineId: origin.engineId,
    executionId: run.executionId,
    agentName: run.agent.name,
    seq,
    timestamp,
    thought: redactSecretsInText(thought),
  };
  if (run.stage !== undefined) event.stage = run.stage;
  return event;
}

/**
 * `agent_output_delta`; built like `agent_thinking` (credentials in the delta redacted), so that
 * streaming costs what thinking does. A credential split across two deltas is not recognised in
 * either: the call's `output` (redacted whole) is what to show as the answer. @internal
 */
export function agentOutputDeltaEvent(
  origin: EventOrigin,
  run: AgentRun,
  seq: number,
  timestamp: number,
  delta: string,
): AgentOutputDeltaEvent {
  const context = origin.userContext;
  const event: AgentOutputDeltaEvent = {
    type: 'agent_output_delta',
    userId: context.userId,
    threadId: context.threadId,
    runId: context.runId,
    requestId: context.requestId,
    engineId: origin.engineId,
    executionId: run.executionId,
    agentName: run.agent.name,
    seq,
    timestamp,
    delta: redactSecretsInText(delta),
  };
  if (run.stage !== undefined) event.stage = run.stage;
  return event;
}

/** `tool_executing`; the tool's input redacted. @internal */
export function toolExecutingEvent(
  origin: EventOrigin,
  run: AgentRun,
  seq: number,
  startedAt: number,
  toolCallId: string,
  toolName: string,
  input: unknown,
): ToolExecutingEvent {
  const context = origin.userContext;
  const event: ToolExecutingEvent = {
    type: 'tool_executing',
    userId: context.userId,
    threadId: context.threadId,
    runId: context.runId,
    requestId: context.requestId,
    engineId: origin.engineId,
    executionId: run.executionId,
    agentName: run.agent.name,
    seq,
    timestamp: startedAt,
    toolCallId,
    toolName,
  };
  if (run.stage !== undefined) event.stage = run.stage;
  if (input !== undefined) event.input = redactPayload(input);
  return event;
}

/** Why a tool call failed (the thrown value's `name` and `message`). @internal */
export type ToolError = NonNullable<ToolCompletedEvent['error']>;

/**
 * `tool_completed`: failed when `error` is given, else succeeded with `output` (redacted).
 * Two parameters rather than an outcome object: no allocation per tool call.
 * @internal
 */
export function toolCompletedEvent(
  origin: EventOrigin,
  run: AgentRun,
  seq: number,
  endedAt: number,
  toolCallId: string,
  toolName: string,
  startedAt: number,
  output: unknown,
  error: ToolError | undefined,
): ToolCompletedEvent {
  const context = origin.userContext;
  const event: ToolCompletedEvent = {
    type: 'tool_completed',
    userId: context.userId,
    threadId: context.threadId,
    runId: context.runId,
    requestId: context.requestId,
    engineId: origin.engineId,
    executionId: run.executionId,
    agentName: run.agent.name,
    seq,
    timestamp: endedAt,
    toolCallId,
    toolName,
    status: error === undefined ? 'succeeded' : 'failed',
    durationMs: endedAt > startedAt ? endedAt - startedAt : 0,
  };
  if (run.stage !== undefined) event.stage = run.stage;
  if (error !== undefined) event.error = error;
  else if (output !== undefined) event.output = redactPayload(output);
  return event;
}
