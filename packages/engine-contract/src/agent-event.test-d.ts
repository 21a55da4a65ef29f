import { describe, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import {
  AGENT_EVENT_TYPES,
  type AgentCompletedEvent,
  type AgentEvent,
  type AgentEventEnvelope,
  type AgentEventOfType,
  type AgentEventSchema,
  type AgentEventType,
  type AgentOutputDeltaEvent,
  type AgentStartedEvent,
  type AgentThinkingEvent,
  parseAgentEvent,
  type ToolCompletedEvent,
  type ToolExecutingEvent,
  type WorkflowCompletedEvent,
  type WorkflowEvent,
  type WorkflowEventInput,
  type WorkflowPlannedEvent,
  type WorkflowResumedEvent,
  type WorkflowStartedEvent,
  type WorkflowSuspendedEvent,
} from './agent-event.js';
import type { AgentRunError, AgentRunStatus, WorkflowStatus } from './agent-run-result.js';
import type { TokenUsage } from './token-usage.js';

type EventTypes =
  | 'agent_started'
  | 'agent_thinking'
  | 'agent_output_delta'
  | 'tool_executing'
  | 'tool_completed'
  | 'agent_completed'
  | 'workflow_started'
  | 'workflow_planned'
  | 'workflow_completed'
  | 'workflow_resumed'
  | 'workflow_suspended';

describe('AgentEvent types', () => {
  it('AgentEvent is z.infer of AgentEventSchema and the union of the eleven event types', () => {
    expectTypeOf<AgentEvent>().toEqualTypeOf<z.infer<typeof AgentEventSchema>>();
    expectTypeOf<AgentEvent>().toEqualTypeOf<
      | AgentStartedEvent
      | AgentThinkingEvent
      | AgentOutputDeltaEvent
      | ToolExecutingEvent
      | ToolCompletedEvent
      | AgentCompletedEvent
      | WorkflowStartedEvent
      | WorkflowPlannedEvent
      | WorkflowCompletedEvent
      | WorkflowResumedEvent
      | WorkflowSuspendedEvent
    >();
  });

  it('AgentEventType is exactly the union of the type literals', () => {
    expectTypeOf<AgentEventType>().toEqualTypeOf<EventTypes>();
  });

  it('AGENT_EVENT_TYPES is a readonly tuple whose items are exactly AgentEventType', () => {
    expectTypeOf<(typeof AGENT_EVENT_TYPES)[number]>().toEqualTypeOf<AgentEventType>();
    expectTypeOf(AGENT_EVENT_TYPES).toEqualTypeOf<
      readonly [
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
      ]
    >();
    // @ts-expect-error the tuple is readonly
    AGENT_EVENT_TYPES.push('agent_started');
  });

  it('narrows an event by its type', () => {
    const event = parseAgentEvent({});
    expectTypeOf(event).toEqualTypeOf<AgentEvent>();
    switch (event.type) {
      case 'agent_started':
        expectTypeOf(event.input).toEqualTypeOf<unknown>();
        break;
      case 'agent_thinking':
        expectTypeOf(event.thought).toEqualTypeOf<string>();
        break;
      case 'agent_output_delta':
        expectTypeOf(event.delta).toEqualTypeOf<string>();
        expectTypeOf(event).not.toHaveProperty('thought');
        break;
      case 'tool_executing':
        expectTypeOf(event.toolCallId).toEqualTypeOf<string>();
        expectTypeOf(event.toolName).toEqualTypeOf<string>();
        expectTypeOf(event).not.toHaveProperty('status');
        break;
      case 'tool_completed':
        expectTypeOf(event.status).toEqualTypeOf<'succeeded' | 'failed'>();
        expectTypeOf(event.durationMs).toEqualTypeOf<number>();
        expectTypeOf(event.error).toEqualTypeOf<{ name: string; message: string } | undefined>();
        break;
      case 'agent_completed':
        expectTypeOf(event.status).toEqualTypeOf<AgentRunStatus>();
        expectTypeOf(event.error).toEqualTypeOf<AgentRunError | undefined>();
        expectTypeOf(event.output).toEqualTypeOf<unknown>();
        expectTypeOf(event.usage).toEqualTypeOf<TokenUsage | undefined>();
        break;
      case 'workflow_started':
        expectTypeOf(event.workflowName).toEqualTypeOf<string>();
        break;
      case 'workflow_planned':
        expectTypeOf(event.stages).toEqualTypeOf<string[]>();
        expectTypeOf(event.path).toEqualTypeOf<string>();
        break;
      case 'workflow_completed':
        expectTypeOf(event.status).toEqualTypeOf<WorkflowStatus>();
        expectTypeOf(event.succeededStages).toEqualTypeOf<number>();
        expectTypeOf(event.totalStages).toEqualTypeOf<number>();
        break;
      case 'workflow_resumed':
        expectTypeOf(event.completedStages).toEqualTypeOf<string[]>();
        break;
      case 'workflow_suspended':
        expectTypeOf(event.stage).toEqualTypeOf<string>();
        expectTypeOf(event.prompt).toEqualTypeOf<string>();
        break;
      default:
        expectTypeOf(event).toBeNever();
    }
  });

  it('AgentEventOfType picks one member', () => {
    expectTypeOf<AgentEventOfType<'tool_completed'>>().toEqualTypeOf<ToolCompletedEvent>();
    expectTypeOf<AgentEventOfType<'agent_output_delta'>>().toEqualTypeOf<AgentOutputDeltaEvent>();
    expectTypeOf<AgentEventOfType<'agent_thinking'>['thought']>().toEqualTypeOf<string>();
    // @ts-expect-error not an event type
    type _Invalid = AgentEventOfType<'agent_exploded'>;
  });

  it('every event carries the envelope with the documented field types', () => {
    expectTypeOf<AgentEventEnvelope>().toEqualTypeOf<{
      userId: string;
      threadId: string;
      runId: string;
      requestId: string;
      engineId: string;
      executionId: string;
      agentName: string;
      seq: number;
      timestamp: number;
      stage?: string | undefined;
    }>();
    expectTypeOf<AgentStartedEvent>().toMatchTypeOf<AgentEventEnvelope>();
    expectTypeOf<AgentOutputDeltaEvent>().toMatchTypeOf<AgentEventEnvelope>();
    expectTypeOf<AgentOutputDeltaEvent>().toEqualTypeOf<{
      type: 'agent_output_delta';
      userId: string;
      threadId: string;
      runId: string;
      requestId: string;
      engineId: string;
      executionId: string;
      agentName: string;
      seq: number;
      timestamp: number;
      stage?: string | undefined;
      delta: string;
    }>();
    expectTypeOf<WorkflowCompletedEvent>().toMatchTypeOf<AgentEventEnvelope>();
  });

  it('WorkflowEvent is the five workflow events and WorkflowEventInput has no envelope except executionId', () => {
    expectTypeOf<WorkflowEvent['type']>().toEqualTypeOf<
      'workflow_started' | 'workflow_planned' | 'workflow_completed' | 'workflow_resumed' | 'workflow_suspended'
    >();
    const suspended: WorkflowEventInput = {
      type: 'workflow_suspended',
      executionId: 'wf_1',
      workflowId: 'wf_1',
      stage: 'actions',
      prompt: 'Apply?',
    };
    // @ts-expect-error a suspension names its stage
    const noStage: WorkflowEventInput = { type: 'workflow_suspended', executionId: 'wf_1', workflowId: 'wf_1', prompt: 'Apply?' };
    void [suspended, noStage];
    const input: WorkflowEventInput = { type: 'workflow_started', executionId: 'wf_1', workflowId: 'wf_1', workflowName: 'support' };
    expectTypeOf(input.executionId).toEqualTypeOf<string>();
    const withUser: WorkflowEventInput = {
      type: 'workflow_started',
      executionId: 'wf_1',
      workflowId: 'wf_1',
      workflowName: 'support',
      // @ts-expect-error the engine owns the envelope: userId cannot be given
      userId: 'u',
    };
    // @ts-expect-error agent events are not workflow event input
    const agentEvent: WorkflowEventInput = { type: 'agent_thinking', executionId: 'x', thought: 't' };
    // @ts-expect-error nor are output deltas: only an agent emits them, through ctx.writeOutput
    const deltaEvent: WorkflowEventInput = { type: 'agent_output_delta', executionId: 'x', delta: 'd' };
    void [withUser, agentEvent, deltaEvent];
  });
});
