import type { AgentEvent, WorkflowCompletedEvent } from '@baton/engine-contract';
import type { BatonUIMessageChunk } from './ui-message-types.js';

/** Receives the chunks one event maps to. @internal */
export type EmitChunk = (chunk: BatonUIMessageChunk) => void;

type FinishReason = Extract<BatonUIMessageChunk, { type: 'finish' }>['finishReason'];

/** How a workflow's end reads to a chat client: `stop` for an answer, `error` when a stage failed. */
const FINISH_REASONS: Readonly<Record<string, FinishReason>> = { succeeded: 'stop', failed: 'error', cancelled: 'other' };

/** Tool-call ids are unique per agent call only; the UI message needs them unique per message. */
function toolKey(executionId: string, toolCallId: string): string {
  return `${executionId}\u0000${toolCallId}`;
}

/**
 * Turns the events of one workflow run into UI message stream chunks, keeping what the protocol
 * needs between events: the open text part of each agent call, the tool calls already announced.
 * - `agent_output_delta` → `text-start` (the call's first delta) and `text-delta`; one text part
 *   per agent call (`executionId`), ended by the call's `agent_completed` (`text-end`).
 * - `agent_thinking` → one complete reasoning part (`reasoning-start`/`-delta`/`-end`) per thought.
 * - `tool_executing` → `tool-input-available`; `tool_completed` → `tool-output-available`
 *   (succeeded) or `tool-output-error` (failed, `errorText` = the error's message).
 * - `agent_completed` → `data-baton-stage` `{ agentName, status, durationMs }` (id: the executionId).
 * - `workflow_completed` → the open text parts end, then `finish` (`finishReason` `stop`, `error`
 *   for a failed run, `other` after an `abort` chunk for a cancelled one).
 * - `workflow_suspended` → the open text parts end, a `data-baton-approval` part
 *   `{ workflowId, stage, prompt }` (id: the workflowId), then `finish` (`finishReason` `other`): the
 *   run waits for a decision, and its continuation (after `resume`) is a message of its own.
 * - `agent_started`, `workflow_started`, `workflow_resumed`, `workflow_planned` → nothing: the message
 *   has started already (`start`), so a resumed run's message begins as a started run's does, with
 *   the stages that run now (those completed before the resumption are not called again).
 * Unknown event types map to nothing. No `start-step`/`finish-step`: a step end closes every open
 * text part of the message, which would cut the parts of stages that run concurrently.
 * @internal
 */
export class UIMessageChunkMapper {
  readonly #openText = new Map<string, string>();
  readonly #toolCallIds = new Map<string, string>();
  readonly #usedToolCallIds = new Set<string>();
  #thoughts = 0;

  /** Maps one event; true when it was the run's `workflow_completed` or `workflow_suspended` (the message is finished). */
  map(event: AgentEvent, emit: EmitChunk): boolean {
    switch (event.type) {
      case 'agent_output_delta':
        this.#delta(event.executionId, event.delta, emit);
        return false;
      case 'agent_thinking': {
        const id = `reasoning:${event.executionId}:${++this.#thoughts}`;
        emit({ type: 'reasoning-start', id });
        if (event.thought !== '') emit({ type: 'reasoning-delta', id, delta: event.thought });
        emit({ type: 'reasoning-end', id });
        return false;
      }
      case 'tool_executing':
        emit({
          type: 'tool-input-available',
          toolCallId: this.#announceTool(event.executionId, event.toolCallId),
          toolName: event.toolName,
          input: event.input,
        });
        return false;
      case 'tool_completed': {
        const toolCallId = this.#toolCallIds.get(toolKey(event.executionId, event.toolCallId));
        // A result without its announced call (the stream joined mid-run) would fail the reader.
        if (toolCallId === undefined) return false;
        if (event.status === 'succeeded') emit({ type: 'tool-output-available', toolCallId, output: event.output });
        else emit({ type: 'tool-output-error', toolCallId, errorText: event.error?.message ?? 'The tool call failed' });
        return false;
      }
      case 'agent_completed':
        this.#endText(event.executionId, emit);
        emit({
          type: 'data-baton-stage',
          id: event.executionId,
          data: { agentName: event.agentName, status: event.status, durationMs: event.durationMs },
        });
        return false;
      case 'workflow_completed':
        this.finish(emit, event);
        return true;
      case 'workflow_suspended':
        this.endOpenParts(emit);
        emit({
          type: 'data-baton-approval',
          id: event.workflowId,
          data: { workflowId: event.workflowId, stage: event.stage, prompt: event.prompt },
        });
        emit({ type: 'finish', finishReason: 'other' });
        return true;
      case 'agent_started':
      case 'workflow_started':
      case 'workflow_resumed':
      case 'workflow_planned':
        return false;
      default:
        // A type from a newer contract: skipped rather than failing the stream.
        return false;
    }
  }

  /**
   * Ends the message: closes the open text parts, then `finish` (with the finish reason of `completed`
   * when the run's end is known). A cancelled run gets an `abort` chunk before its `finish`.
   */
  finish(emit: EmitChunk, completed?: WorkflowCompletedEvent): void {
    this.endOpenParts(emit);
    if (completed === undefined) {
      emit({ type: 'finish' });
      return;
    }
    if (completed.status === 'cancelled') emit({ type: 'abort', reason: 'The workflow run was cancelled' });
    emit({ type: 'finish', finishReason: FINISH_REASONS[completed.status] ?? 'other' });
  }

  /** Ends every open text part (before an error or the finish), so no part is left streaming. */
  endOpenParts(emit: EmitChunk): void {
    for (const executionId of [...this.#openText.keys()]) this.#endText(executionId, emit);
  }

  #delta(executionId: string, delta: string, emit: EmitChunk): void {
    if (delta === '') return;
    let id = this.#openText.get(executionId);
    if (id === undefined) {
      id = `text:${executionId}`;
      this.#openText.set(executionId, id);
      emit({ type: 'text-start', id });
    }
    emit({ type: 'text-delta', id, delta });
  }

  #endText(executionId: string, emit: EmitChunk): void {
    const id = this.#openText.get(executionId);
    if (id === undefined) return;
    this.#openText.delete(executionId);
    emit({ type: 'text-end', id });
  }

  /** The tool call's id in the message: its own, or made unique when another call already used it. */
  #announceTool(executionId: string, toolCallId: string): string {
    let id = toolCallId;
    if (this.#usedToolCallIds.has(id)) id = `${executionId}:${toolCallId}`;
    this.#usedToolCallIds.add(id);
    this.#toolCallIds.set(toolKey(executionId, toolCallId), id);
    return id;
  }
}
