import type { AgentRunResult, AnyAgentDefinition, TokenUsage } from '@baton/engine-contract';
import type { RunListNode } from './run-list.js';

/** Where a call is in its life. Numbers, so that the hot path compares small integers. @internal */
export const RunState = { NEW: 0, QUEUED: 1, RUNNING: 2, DONE: 3 } as const;
/** @internal */
export type RunState = (typeof RunState)[keyof typeof RunState];

/** Why a call was ended from outside the agent (`NONE`: the agent itself finished it). @internal */
export const EndCause = { NONE: 0, TIMEOUT: 1, CALLER: 2, DISPOSE: 3 } as const;
/** @internal */
export type EndCause = (typeof EndCause)[keyof typeof EndCause];

/** What a run needs from the engine that owns it. @internal */
export interface RunOwner {
  /** The caller's signal fired. */
  cancelByCaller(run: AgentRun): void;
  /** The run's one AbortSignal, created on first use. */
  signalOf(run: AgentRun): AbortSignal;
  /** `ctx.think`. */
  think(run: AgentRun, thought: unknown): void;
  /** `ctx.writeOutput`: emits `agent_output_delta`; throws `InvalidConfigError` for a non-string. */
  writeOutput(run: AgentRun, delta: unknown): void;
  /** `ctx.reportUsage`: adds to the run's usage; throws `InvalidConfigError` for a bad report. */
  reportUsage(run: AgentRun, usage: unknown): void;
  /** Emits `tool_executing` (with `requestedId`, else a new id); returns the tool call id, or `undefined` when the run has ended (emit nothing). */
  toolStarted(run: AgentRun, toolName: string, input: unknown, startedAt: number, requestedId?: string): string | undefined;
  /** Emits `tool_completed` unless the run has ended (then the engine has closed the call already). */
  toolEnded(run: AgentRun, toolCallId: string, succeeded: boolean, value: unknown): void;
  /** The injected clock. */
  readonly now: () => number;
}

/**
 * The state of one `executeAgent` call. It is also the listener of the caller's signal
 * (`handleEvent`), which spares a closure per call, and links itself into the engine's run lists.
 * @internal
 */
export class AgentRun implements RunListNode<AgentRun> {
  prev: AgentRun | undefined = undefined;
  next: AgentRun | undefined = undefined;
  state: RunState = RunState.NEW;
  endCause: EndCause = EndCause.NONE;
  /** When it got a slot (equal to `calledAt` when it never waited). */
  startedAt = 0;
  /** Created lazily: an AbortSignal is expensive in Node 20 and most trivial agents never look at it. */
  controller: AbortController | undefined = undefined;
  /** The caller's signal while the call is pending (its listener is removed when the call ends). */
  callerSignal: AbortSignal | undefined = undefined;
  /** The caller signal's `reason`, passed on to the agent's signal. */
  callerReason: unknown = undefined;
  /** The agent's promise settled (guards against thenables that call back twice). */
  agentSettled = false;
  toolCalls = 0;
  /**
   * Tool calls that emitted tool_executing but not yet tool_completed (id → name and start), so a run
   * that ends mid-tool can still close each one before its agent_completed. Created on first tool call.
   */
  openTools: Map<string, { readonly toolName: string; readonly startedAt: number }> | undefined = undefined;
  /** The usage reported so far (`ctx.reportUsage`), summed. Created on the first report: most runs report none. */
  usage: TokenUsage | undefined = undefined;
  /** Resolves `promise`; set by the constructor. */
  resolve!: (result: AgentRunResult) => void;
  readonly promise: Promise<AgentRunResult>;

  constructor(
    readonly owner: RunOwner,
    readonly executionId: string,
    readonly agent: AnyAgentDefinition,
    readonly input: unknown,
    readonly stage: string | undefined,
    readonly calledAt: number,
    readonly deadline: number,
  ) {
    // (A shared executor writing to a module-level slot would save this closure, but the package keeps
    // no module-level mutable state.)
    this.promise = new Promise<AgentRunResult>((resolve) => {
      this.resolve = resolve;
    });
  }

  /** The caller's `signal` fired (EventListener object protocol). */
  handleEvent(): void {
    this.owner.cancelByCaller(this);
  }
}
