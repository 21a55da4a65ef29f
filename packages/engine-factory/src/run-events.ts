import { type AgentRunResult, InvalidConfigError } from '@baton/engine-contract';
import { type AgentRun, EndCause, RunState } from './agent-run.js';
import {
  agentCompletedEvent,
  agentOutputDeltaEvent,
  agentStartedEvent,
  agentThinkingEvent,
  type EventOrigin,
  type ToolError,
  toolCompletedEvent,
  toolExecutingEvent,
} from './event-builders.js';
import type { EventStream } from './event-stream.js';
import { describeThrown, renderThrownValue } from './run-error.js';

const TOOL_TIMED_OUT: ToolError = Object.freeze({ name: 'TimeoutError', message: 'The run timed out before the tool call finished' });
const TOOL_OUTLIVED_AGENT: ToolError = Object.freeze({ name: 'AbortError', message: 'The agent finished before the tool call did' });
const TOOL_CANCELLED: ToolError = Object.freeze({ name: 'AbortError', message: 'The run was cancelled before the tool call finished' });

/** What `ctx.writeOutput` was given instead of a string (never the value itself: it may hold a secret). */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : typeof value;
}

/**
 * The events of one engine's runs, in the order a run emits them: agent_started, then any
 * agent_thinking / agent_output_delta / tool_executing / tool_completed, then agent_completed. It keeps that order
 * whatever the agent does: nothing an agent reports after its run ended is emitted, and a run that
 * ends mid-tool gets a failed tool_completed for each open call before its agent_completed.
 * @internal
 */
export class RunEvents {
  readonly #origin: EventOrigin;
  readonly #stream: EventStream;
  readonly #now: () => number;
  readonly #onOverdue: (run: AgentRun) => void;

  /**
   * @param onOverdue ends a running call whose deadline has passed before its deadline timer ran
   *   (event-loop lag), when its agent writes output: the deadline decides, as it does for the result.
   */
  constructor(origin: EventOrigin, stream: EventStream, now: () => number, onOverdue: (run: AgentRun) => void) {
    this.#origin = origin;
    this.#stream = stream;
    this.#now = now;
    this.#onOverdue = onOverdue;
  }

  /** `agent_started`, when the run gets its slot. */
  started(run: AgentRun): void {
    const seq = this.#stream.take();
    if (!this.#stream.observed) return;
    this.#stream.deliverOwn(agentStartedEvent(this.#origin, run, seq));
  }

  /** `agent_completed`, the last event of every call; first closes the tool calls still open. */
  completed(run: AgentRun, endedAt: number, result: AgentRunResult): void {
    const openTools = run.openTools;
    if (openTools !== undefined && openTools.size > 0) this.#closeOpenTools(run, openTools, endedAt);
    const seq = this.#stream.take();
    if (!this.#stream.observed) return;
    this.#stream.deliverOwn(agentCompletedEvent(this.#origin, run, seq, endedAt, result));
  }

  /** `ctx.think`: `agent_thinking`, unless the run has ended (a late thought must not follow agent_completed). */
  thought(run: AgentRun, thought: unknown): void {
    if (run.state !== RunState.RUNNING) return;
    const seq = this.#stream.take();
    if (!this.#stream.observed) return;
    const timestamp = this.#now();
    this.#stream.deliver(
      agentThinkingEvent(this.#origin, run, seq, timestamp, typeof thought === 'string' ? thought : renderThrownValue(thought)),
    );
  }

  /**
   * `ctx.writeOutput`: `agent_output_delta`. A non-string throws (whenever it is written: a
   * programming error should not depend on timing); an empty delta, or one written after the run
   * ended, emits nothing and takes no `seq`. A delta written after the deadline, while the deadline
   * timer has not run yet (event-loop lag), ends the run as timed out instead: a timed-out call
   * never streams past its deadline, however late the timer. The clock is read once, for both.
   */
  outputDelta(run: AgentRun, delta: unknown): void {
    if (typeof delta !== 'string') {
      throw new InvalidConfigError({ message: `ctx.writeOutput(delta): delta must be a string, got ${kindOf(delta)}` });
    }
    if (delta.length === 0 || run.state !== RunState.RUNNING) return;
    const timestamp = this.#now();
    if (timestamp > run.deadline) {
      this.#onOverdue(run);
      return;
    }
    const seq = this.#stream.take();
    if (!this.#stream.observed) return;
    this.#stream.deliver(agentOutputDeltaEvent(this.#origin, run, seq, timestamp, delta));
  }

  /**
   * `tool_executing`; returns the tool call id (`requestedId`, else a new one), or `undefined` (and
   * emits nothing) when the run has ended.
   * @throws InvalidConfigError when `requestedId` is the id of a tool call of this run still open:
   *   its `tool_completed` could not be told apart.
   */
  toolStarted(run: AgentRun, toolName: string, input: unknown, startedAt: number, requestedId?: string): string | undefined {
    if (run.state !== RunState.RUNNING) return undefined;
    let openTools = run.openTools;
    if (openTools === undefined) {
      openTools = new Map();
      run.openTools = openTools;
    }
    const toolCallId = requestedId ?? `${run.executionId}:tool:${++run.toolCalls}`;
    if (requestedId !== undefined && openTools.has(requestedId)) {
      throw new InvalidConfigError({
        message: `ctx.tool("${toolName}", ..., { toolCallId }): a tool call with this id is still open in this run`,
      });
    }
    openTools.set(toolCallId, { toolName, startedAt });
    const seq = this.#stream.take();
    if (!this.#stream.observed) return toolCallId;
    this.#stream.deliver(toolExecutingEvent(this.#origin, run, seq, startedAt, toolCallId, toolName, input));
    return toolCallId;
  }

  /** `tool_completed` for a call that returned (`succeeded`) or threw; nothing when the run already closed it. */
  toolEnded(run: AgentRun, toolCallId: string, succeeded: boolean, value: unknown): void {
    const openTools = run.openTools;
    const open = openTools?.get(toolCallId);
    if (openTools === undefined || open === undefined || run.state !== RunState.RUNNING) return;
    openTools.delete(toolCallId);
    const endedAt = this.#now();
    const error = succeeded ? undefined : describeThrown(value);
    const seq = this.#stream.take();
    if (!this.#stream.observed) return;
    this.#stream.deliver(
      toolCompletedEvent(this.#origin, run, seq, endedAt, toolCallId, open.toolName, open.startedAt, succeeded ? value : undefined, error),
    );
  }

  /**
   * The run ended (timeout, cancellation, dispose, or the agent returned without awaiting a tool)
   * while tool calls were open: each gets its failed tool_completed, so every tool_executing is
   * followed by its tool_completed before the run's agent_completed.
   */
  #closeOpenTools(run: AgentRun, openTools: NonNullable<AgentRun['openTools']>, endedAt: number): void {
    const cause = run.endCause;
    const error = cause === EndCause.TIMEOUT ? TOOL_TIMED_OUT : cause === EndCause.NONE ? TOOL_OUTLIVED_AGENT : TOOL_CANCELLED;
    for (const [toolCallId, open] of openTools) {
      const seq = this.#stream.take();
      if (this.#stream.observed) {
        // A copy per event: a listener that edits one event's error cannot reach another's.
        this.#stream.deliverOwn(
          toolCompletedEvent(this.#origin, run, seq, endedAt, toolCallId, open.toolName, open.startedAt, undefined, { ...error }),
        );
      }
    }
    openTools.clear();
  }
}
