import { type AgentEvent, AgentEventSchema, describeZodIssue, InvalidConfigError, WORKFLOW_AGENT_NAME } from '@baton/engine-contract';
import { type EventGuarantee, EventGuaranteeError } from './errors/event-guarantee-error.js';

/** The ids every event of one engine carries. */
export interface EngineIdentity {
  readonly engineId: string;
  readonly userId: string;
  readonly threadId: string;
  readonly runId: string;
}

/** What `assertEventGuarantees` accepts. */
export interface EventGuaranteeOptions {
  /**
   * Accept agent calls without their `agent_completed` yet, and workflow runs without their last
   * event: for checks while work is still running. Default `false`: everything seen must have ended.
   */
  readonly allowRunning?: boolean;
  /** The engine the events must all come from (its `engineId` and its context's ids). */
  readonly engine?: EngineIdentity;
}

interface CallState {
  readonly agentName: string;
  completed: boolean;
  readonly openTools: Map<string, string>;
}

type WorkflowState = 'open' | 'suspended' | 'done';

/** `agent_completed (seq 4, agent "writer", call e:1)`: how messages name an event. */
function describe(event: AgentEvent): string {
  const call = event.agentName === WORKFLOW_AGENT_NAME ? `workflow run ${event.executionId}` : `call ${event.executionId}`;
  return `${event.type} (seq ${event.seq}, agent "${event.agentName}", ${call})`;
}

/**
 * Checks the guarantees one pass at a time over the events, in the order they were delivered. One
 * instance per check; `violation` is thrown by the caller.
 */
class GuaranteeCheck {
  readonly #options: EventGuaranteeOptions;
  readonly #lastSeq = new Map<string, number>();
  /** Engines whose stream was seen from its first event (seq 0): their calls must open with agent_started. */
  readonly #fromStart = new Set<string>();
  readonly #identity = new Map<string, EngineIdentity>();
  readonly #calls = new Map<string, CallState>();
  readonly #workflows = new Map<string, WorkflowState>();

  constructor(options: EventGuaranteeOptions) {
    this.#options = options;
  }

  event(event: AgentEvent, index: number): void {
    const fail = (guarantee: EventGuarantee, message: string): never => {
      throw new EventGuaranteeError({ guarantee, message: `${describe(event)}: ${message}`, event, index });
    };
    this.#checkEnvelope(event, fail);
    const key = `${event.engineId}\u0000${event.executionId}`;
    if (event.agentName === WORKFLOW_AGENT_NAME) this.#checkWorkflowEvent(event, key, fail);
    else this.#checkCallEvent(event, key, fail);
  }

  /** After the last event: what never ended. */
  end(): void {
    if (this.#options.allowRunning === true) return;
    for (const [key, call] of this.#calls) {
      if (call.completed) continue;
      throw new EventGuaranteeError({
        guarantee: 'one-completion-per-call',
        message: `call ${key.split('\u0000')[1]} of agent "${call.agentName}" has no agent_completed (pass { allowRunning: true } to check while calls still run)`,
      });
    }
    for (const [key, state] of this.#workflows) {
      if (state !== 'open') continue;
      throw new EventGuaranteeError({
        guarantee: 'workflow-bracketing',
        message: `workflow run ${key.split('\u0000')[1]} has no workflow_completed or workflow_suspended (pass { allowRunning: true } to check while runs still go on)`,
      });
    }
  }

  #checkEnvelope(event: AgentEvent, fail: (guarantee: EventGuarantee, message: string) => never): void {
    const previous = this.#lastSeq.get(event.engineId);
    if (previous !== undefined && event.seq !== previous + 1) {
      fail('gapless-seq', `expected seq ${previous + 1} after seq ${previous} of engine ${event.engineId}`);
    }
    if (previous === undefined && event.seq === 0) this.#fromStart.add(event.engineId);
    this.#lastSeq.set(event.engineId, event.seq);
    const expected = this.#options.engine;
    if (expected !== undefined && event.engineId !== expected.engineId) {
      fail('user-isolation', `comes from engine ${event.engineId}, not from the recorded engine ${expected.engineId}`);
    }
    const identity = expected ?? this.#identity.get(event.engineId);
    if (identity === undefined) {
      this.#identity.set(event.engineId, event);
      return;
    }
    for (const field of ['userId', 'threadId', 'runId'] as const) {
      if (event[field] !== identity[field]) {
        fail('user-isolation', `carries ${field} "${event[field]}" where its engine's ${field} is "${identity[field]}"`);
      }
    }
  }

  #checkCallEvent(event: AgentEvent, key: string, fail: (guarantee: EventGuarantee, message: string) => never): void {
    let call = this.#calls.get(key);
    if (call === undefined) {
      // A call answered without starting (cancelled while queued) has only its agent_completed.
      if (this.#fromStart.has(event.engineId) && event.type !== 'agent_started' && event.type !== 'agent_completed') {
        fail('call-order', "comes before its call's agent_started");
      }
      call = { agentName: event.agentName, completed: false, openTools: new Map() };
      this.#calls.set(key, call);
    } else {
      if (call.completed && event.type === 'agent_completed') fail('one-completion-per-call', 'is a second agent_completed for its call');
      if (call.completed) fail('call-order', 'follows the agent_completed of its call');
      if (event.type === 'agent_started') fail('call-order', 'is not the first event of its call');
      if (event.agentName !== call.agentName) fail('call-order', `names another agent than its call's first event ("${call.agentName}")`);
    }
    switch (event.type) {
      case 'tool_executing':
        if (call.openTools.has(event.toolCallId)) fail('tool-pairing', `tool call ${event.toolCallId} is already open in this call`);
        call.openTools.set(event.toolCallId, event.toolName);
        break;
      case 'tool_completed': {
        const toolName = call.openTools.get(event.toolCallId);
        if (toolName === undefined) fail('tool-pairing', `has no open tool_executing with toolCallId ${event.toolCallId}`);
        if (toolName !== event.toolName) fail('tool-pairing', `names tool "${event.toolName}" but its tool_executing named "${toolName}"`);
        call.openTools.delete(event.toolCallId);
        break;
      }
      case 'agent_completed':
        if (call.openTools.size > 0) {
          fail('tool-pairing', `tool call ${[...call.openTools.keys()].join(', ')} has no tool_completed before it`);
        }
        call.completed = true;
        break;
      case 'agent_started':
      case 'agent_thinking':
      case 'agent_output_delta':
        break;
      default:
        fail('call-order', `a workflow event type on an agent call (agentName is not "${WORKFLOW_AGENT_NAME}")`);
    }
  }

  #checkWorkflowEvent(event: AgentEvent, key: string, fail: (guarantee: EventGuarantee, message: string) => never): void {
    const state = this.#workflows.get(key);
    switch (event.type) {
      case 'workflow_started':
        if (state !== undefined) fail('workflow-bracketing', 'starts a workflow run that already has events');
        this.#workflows.set(key, 'open');
        return;
      case 'workflow_resumed':
        if (state === 'open' || state === 'done')
          fail('workflow-bracketing', `resumes a workflow run that is ${state === 'open' ? 'still running' : 'finished'}`);
        this.#workflows.set(key, 'open');
        return;
      case 'workflow_planned':
      case 'workflow_completed':
      case 'workflow_suspended':
        if (state !== 'open') {
          fail(
            'workflow-bracketing',
            state === undefined
              ? 'comes before workflow_started or workflow_resumed'
              : `follows the run's ${state === 'done' ? 'workflow_completed' : 'workflow_suspended'}`,
          );
        }
        if (event.type !== 'workflow_planned') this.#workflows.set(key, event.type === 'workflow_completed' ? 'done' : 'suspended');
        return;
      default:
        fail('call-order', `an agent event type carries agentName "${WORKFLOW_AGENT_NAME}"`);
    }
  }
}

function checkOptions(options: unknown): EventGuaranteeOptions {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null) {
    throw new InvalidConfigError({
      message: 'assertEventGuarantees(events, options): options must be an object { allowRunning?, engine? }',
    });
  }
  const { allowRunning } = options as EventGuaranteeOptions;
  if (allowRunning !== undefined && typeof allowRunning !== 'boolean') {
    throw new InvalidConfigError({ message: 'assertEventGuarantees: allowRunning must be a boolean' });
  }
  return options as EventGuaranteeOptions;
}

/**
 * Checks that `events` (in the order they were delivered, from one or several engines) keep the
 * guarantees of the engine contract (see `EventGuarantee`). The events of each engine must be
 * complete from its first one on: a list filtered by agent or type has gaps by design.
 * @throws EventGuaranteeError at the first event that breaks one, naming it and the guarantee.
 * @throws InvalidConfigError when `events` is not an array or `options` is malformed.
 * @example
 * assertEventGuarantees(events); // every call completed once, tools paired, seq without gaps, ...
 */
export function assertEventGuarantees(events: readonly AgentEvent[], options?: EventGuaranteeOptions): void {
  if (!Array.isArray(events))
    throw new InvalidConfigError({ message: 'assertEventGuarantees(events): events must be an array of agent events' });
  const check = new GuaranteeCheck(checkOptions(options));
  events.forEach((event: unknown, index) => {
    const parsed = AgentEventSchema.safeParse(event);
    if (!parsed.success) {
      throw new EventGuaranteeError({
        guarantee: 'valid-event',
        message: `events[${index}] is not a valid agent event: ${describeZodIssue(parsed.error, { root: 'event' })}`,
        index,
        cause: parsed.error,
      });
    }
    check.event(event as AgentEvent, index);
  });
  check.end();
}
