import { type AgentEvent, BatonError, InvalidEventError } from '@baton/engine-contract';

const name = 'EventGuaranteeError';
const marker = `baton.error.${name}`;
const symbol = Symbol.for(marker);

/**
 * The guarantees of the engine contract that `assertEventGuarantees` (and a recorder's
 * `assertGuarantees`) check, each named in the error when it does not hold:
 * - `valid-event`: every event parses with the contract's `AgentEventSchema`;
 * - `gapless-seq`: per engine, each event's `seq` is the previous one's plus 1;
 * - `user-isolation`: every event of an engine carries that engine's user, thread and run ids;
 * - `call-order`: an agent call's `agent_started` (when it started) is its first event, and nothing
 *   of the call follows its `agent_completed`;
 * - `one-completion-per-call`: every agent call ends with exactly one `agent_completed`;
 * - `tool-pairing`: every `tool_completed` follows its `tool_executing` (same call, `toolCallId` and
 *   `toolName`), and every `tool_executing` has its `tool_completed` before the call's `agent_completed`;
 * - `workflow-bracketing`: a workflow run opens with `workflow_started` (or `workflow_resumed`) and
 *   ends with one `workflow_completed` (or `workflow_suspended`, until it is resumed), nothing after.
 */
export type EventGuarantee =
  | 'valid-event'
  | 'gapless-seq'
  | 'user-isolation'
  | 'call-order'
  | 'one-completion-per-call'
  | 'tool-pairing'
  | 'workflow-bracketing';

/**
 * Thrown when recorded events break a guarantee of the engine contract (`code: 'INVALID_EVENT'`, a
 * kind of `InvalidEventError`). The message names the guarantee, the event (type, `seq`, agent) and
 * what was expected instead.
 */
export class EventGuaranteeError extends InvalidEventError {
  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: the brand is read through Symbol.for by isInstance, which the rule cannot see.
  private readonly [symbol] = true;
  /** The guarantee that does not hold. */
  readonly guarantee: EventGuarantee;
  /** The event where it broke; absent when the problem is something missing at the end (a call never completed). */
  readonly event: AgentEvent | undefined;
  /** The position of `event` in the checked list; absent with `event`. */
  readonly index: number | undefined;

  constructor(options: { guarantee: EventGuarantee; message: string; event?: AgentEvent; index?: number; cause?: unknown }) {
    super({ message: `Event guarantee "${options.guarantee}" broken: ${options.message}`, cause: options.cause });
    this.name = name;
    this.guarantee = options.guarantee;
    this.event = options.event;
    this.index = options.index;
  }

  /** True for an `EventGuaranteeError` from any copy of this package; false for other errors. */
  static override isInstance(error: unknown): error is EventGuaranteeError {
    return BatonError.hasMarker(error, marker);
  }
}
