import type { AgentEvent, WorkflowEventInput } from './agent-event.js';
import type { AgentRunResult } from './agent-run-result.js';
import type { UserExecutionContext } from './user-execution-context.js';

/** What to run. */
export interface ExecuteAgentRequest {
  /** The name of an agent given to the factory. */
  agentName: string;
  /** The agent's input (validated with its `input` schema, if it has one). */
  input?: unknown;
  /** The workflow stage this call runs as; carried on its events and result. */
  stage?: string;
}

/** How to run it. */
export interface ExecuteAgentOptions {
  /** Cancels the call: while queued it ends without starting, while running the agent's signal fires. */
  signal?: AbortSignal;
  /** Deadline from the call, queue wait included (default: the factory's `runTimeoutMs`). */
  timeoutMs?: number;
}

/** Receives an engine's events, synchronously and in `seq` order. */
export type AgentEventListener = (event: AgentEvent) => void;

/** Per-engine counters and gauges. `runs*` count calls admitted to the engine (running or queued). */
export interface EngineStats {
  engineId: string;
  /** The user the engine is bound to. */
  userId: string;
  /** Calls admitted (running, queued, or answered `cancelled` at once for an already aborted signal). */
  runsStarted: number;
  /** Finished calls, by status; with the in-flight ones they add up to `runsStarted`. */
  runsSucceeded: number;
  runsFailed: number;
  runsTimedOut: number;
  runsCancelled: number;
  /** Gauge: calls running now. */
  activeRuns: number;
  /** Gauge: calls waiting for a slot now. */
  queuedRuns: number;
  /**
   * The configured limit: how many calls may run at once on this engine (the factory's
   * `limits.maxConcurrentRunsPerEngine`). The observed peak is `peakConcurrentRuns`.
   */
  maxConcurrentRuns: number;
  /** The highest number of calls that ran at once on this engine so far (never above `maxConcurrentRuns`). */
  peakConcurrentRuns: number;
  /** Over finished calls, queue wait included (ms). */
  avgRunMs: number;
  maxRunMs: number;
  avgQueueMs: number;
  /** Timed-out or cancelled agents whose promise settled after their result was returned. */
  orphanedRuns: number;
  /** Listener calls that threw. */
  listenerErrors: number;
  /** Input tokens reported (`ctx.reportUsage`) by the calls that finished, summed. */
  inputTokens: number;
  /** Output tokens reported (`ctx.reportUsage`) by the calls that finished, summed. */
  outputTokens: number;
}

/**
 * The one sanctioned execution engine: bound to one user's context, it runs agents with per-engine
 * concurrency limits, timeouts and cancellation, and emits that user's events only.
 * Implemented only by `@baton/engine-factory`; check with `isUserExecutionEngine`.
 */
export interface UserExecutionEngine {
  /** Unique per engine. */
  readonly engineId: string;
  /** The context this engine is bound to; every event carries its ids. */
  readonly userContext: UserExecutionContext;
  /**
   * Runs an agent. An agent's failure, timeout or cancellation is a result, never a throw.
   * @throws UnknownAgentError, EngineDisposedError, UserLimitExceededError (queue full).
   */
  executeAgent(request: ExecuteAgentRequest, options?: ExecuteAgentOptions): Promise<AgentRunResult>;
  /** Calls `listener` with every event of this engine; returns the unsubscribe function. */
  subscribe(listener: AgentEventListener): () => void;
  /** The same event stream as an async iterable; ends when `signal` aborts or the engine is disposed. */
  events(options?: { signal?: AbortSignal }): AsyncIterable<AgentEvent>;
  /**
   * Emits a workflow event (`workflow_started`, `workflow_resumed`, `workflow_planned`, `workflow_completed`)
   * on this engine's stream; the engine adds the envelope (its own ids, `seq`, `timestamp`). Used by the orchestrator.
   */
  emitWorkflowEvent(event: WorkflowEventInput): void;
  /** A snapshot of this engine's counters and gauges. */
  getStats(): EngineStats;
  /** False once `dispose()` has been called. */
  isActive(): boolean;
  /**
   * Idempotent. Aborts in-flight runs (they end `cancelled`) and queued ones, waits for them up to the
   * factory's `disposeTimeoutMs` and frees the user's engine slot. Afterwards `executeAgent` throws.
   */
  dispose(): Promise<void>;
  /** `await using engine = await factory.createEngine(ctx)` disposes it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void>;
}
