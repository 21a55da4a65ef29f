import {
  type AgentCompletedEvent,
  type AgentEvent,
  AgentEventSchema,
  type AgentRunError,
  type AgentRunStatus,
  type TokenUsage,
  type WorkflowStatus,
} from '@baton/engine-contract';

/** The ids of one engine's events. */
export interface ScriptIds {
  userId: string;
  threadId: string;
  runId: string;
  requestId: string;
  engineId: string;
}

// Event timestamps are epoch ms, as an engine with the default clock stamps them.
const START = Date.UTC(2026, 11, 5, 12, 0, 0);

/**
 * Writes the events one engine would emit, in order (gapless `seq`, its own ids), checked against the
 * contract's `AgentEventSchema` so that the tap is only ever fed what an engine can emit. Each shape
 * (type and fields) is parsed once: the 10,000-run test repeats a handful of shapes, and parsing all
 * of them would cost more than the test itself. Time moves only through `advance`.
 */
export class EventScript {
  readonly ids: ScriptIds;
  #seq = 0;
  #time = START;
  readonly #checkedShapes = new Set<string>();

  constructor(ids: Partial<ScriptIds> = {}) {
    this.ids = {
      userId: ids.userId ?? 'u_alice',
      threadId: ids.threadId ?? 't_alice',
      runId: ids.runId ?? 'r_alice',
      requestId: ids.requestId ?? 'q_alice',
      engineId: ids.engineId ?? 'engine-alice',
    };
  }

  /** The current event time (epoch ms). */
  get time(): number {
    return this.#time;
  }

  /** Moves the event clock on. */
  advance(ms: number): this {
    this.#time += ms;
    return this;
  }

  #event(fields: Record<string, unknown> & { type: AgentEvent['type']; executionId: string; agentName: string }): AgentEvent {
    const event = { ...this.ids, seq: this.#seq++, timestamp: this.#time, ...fields };
    const shape = Object.keys(fields).join(',');
    if (this.#checkedShapes.has(shape)) return event as AgentEvent;
    this.#checkedShapes.add(shape);
    return AgentEventSchema.parse(event);
  }

  workflowStarted(workflowId: string, workflowName: string): AgentEvent {
    return this.#event({ type: 'workflow_started', executionId: workflowId, agentName: 'workflow', workflowId, workflowName });
  }

  workflowResumed(workflowId: string, completedStages: string[]): AgentEvent {
    return this.#event({ type: 'workflow_resumed', executionId: workflowId, agentName: 'workflow', workflowId, completedStages });
  }

  workflowPlanned(workflowId: string, stages: string[], path = 'sufficient'): AgentEvent {
    return this.#event({ type: 'workflow_planned', executionId: workflowId, agentName: 'workflow', workflowId, path, stages });
  }

  workflowSuspended(workflowId: string, stage: string): AgentEvent {
    return this.#event({
      type: 'workflow_suspended',
      executionId: workflowId,
      agentName: 'workflow',
      workflowId,
      stage,
      prompt: `Approve ${stage}?`,
    });
  }

  workflowCompleted(
    workflowId: string,
    options: { status: WorkflowStatus; durationMs: number; succeededStages: number; totalStages: number; path?: string },
  ): AgentEvent {
    return this.#event({
      type: 'workflow_completed',
      executionId: workflowId,
      agentName: 'workflow',
      workflowId,
      path: options.path ?? 'sufficient',
      status: options.status,
      durationMs: options.durationMs,
      succeededStages: options.succeededStages,
      totalStages: options.totalStages,
    });
  }

  agentStarted(executionId: string, agentName: string, stage?: string): AgentEvent {
    return this.#event({ type: 'agent_started', executionId, agentName, ...(stage === undefined ? {} : { stage }) });
  }

  thinking(executionId: string, agentName: string, thought: string): AgentEvent {
    return this.#event({ type: 'agent_thinking', executionId, agentName, thought });
  }

  outputDelta(executionId: string, agentName: string, delta: string): AgentEvent {
    return this.#event({ type: 'agent_output_delta', executionId, agentName, delta });
  }

  toolExecuting(executionId: string, agentName: string, toolCallId: string, toolName: string): AgentEvent {
    return this.#event({ type: 'tool_executing', executionId, agentName, toolCallId, toolName, input: { query: 'tides' } });
  }

  toolCompleted(
    executionId: string,
    agentName: string,
    toolCallId: string,
    toolName: string,
    options: { status: 'succeeded' | 'failed'; durationMs: number; error?: { name: string; message: string } },
  ): AgentEvent {
    return this.#event({ type: 'tool_completed', executionId, agentName, toolCallId, toolName, ...options });
  }

  agentCompleted(
    executionId: string,
    agentName: string,
    options: { status: AgentRunStatus; durationMs: number; stage?: string; error?: AgentRunError; usage?: TokenUsage },
  ): AgentCompletedEvent {
    return this.#event({ type: 'agent_completed', executionId, agentName, ...options }) as AgentCompletedEvent;
  }
}

/** An `AgentRunError` of `code`. */
export function runError(code: AgentRunError['code'], message = `the call ended with ${code}`): AgentRunError {
  return { code, name: code === 'AGENT_FAILED' ? 'Error' : 'BatonError', message };
}
