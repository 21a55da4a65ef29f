import {
  type AgentEvent,
  type AgentEventListener,
  type AgentRunResult,
  type AnyAgentDefinition,
  EngineDisposedError,
  type EngineLimits,
  type EngineStats,
  type ExecuteAgentOptions,
  type ExecuteAgentRequest,
  InvalidConfigError,
  isAbortSignal,
  type UserExecutionContext,
  type WorkflowEventInput,
} from '@baton/engine-contract';
import { AgentInvocation } from './agent-invocation.js';
import { type AgentRun, type RunOwner, RunState } from './agent-run.js';
import { DeadlineTimer, MAX_TIMER_DELAY_MS } from './deadline-timer.js';
import { EngineDisposal } from './engine-disposal.js';
import { type SafeLogger, withBaseDetails } from './engine-logger.js';
import type { EngineTimers } from './engine-timers.js';
import { EventStream } from './event-stream.js';
import { RunAdmission } from './run-admission.js';
import { RunEnding } from './run-ending.js';
import { RunEvents } from './run-events.js';
import { RunQueue } from './run-queue.js';
import { signalOf } from './run-signal.js';
import { RunStats, type RunTotals } from './run-stats.js';
import { addUsage, checkUsageReport } from './run-usage.js';
import { toWorkflowEvent } from './workflow-event.js';

/** The factory's configuration every engine reads (never written by an engine). @internal */
export interface EngineHost {
  readonly agents: ReadonlyMap<string, AnyAgentDefinition>;
  readonly agentNames: readonly string[];
  readonly limits: Readonly<EngineLimits>;
  readonly now: () => number;
  readonly timers: EngineTimers;
  readonly logger: SafeLogger;
  /** The factory-wide taps (`onEvent`), called in order after the engine's own listeners. */
  readonly taps: readonly ((event: AgentEvent) => unknown)[];
  readonly validateEvents: boolean;
}

/** What the factory gives one engine. @internal */
export interface EngineCoreOptions {
  readonly engineId: string;
  readonly userContext: UserExecutionContext;
  readonly host: EngineHost;
  /**
   * Called once, synchronously, when disposal starts (after every run has ended): the factory drops the
   * engine from its registry and releases the user's slot. The promise (which never rejects) is awaited
   * by `dispose()`.
   */
  readonly onDisposed: (core: EngineCore) => Promise<void>;
}

const UNSUBSCRIBED = (): void => {};

/**
 * One engine: puts its parts together and is what the public engine object
 * (`UserExecutionEngineImpl`, which holds it in a private field) and the factory talk to. It holds
 * no logic of its own beyond guarding the entry points; each concern lives in its part:
 * - `RunAdmission`: executeAgent, the concurrency limit and the FIFO queue (`RunQueue`);
 * - `AgentInvocation`: calling the agent, its schemas, its promise;
 * - `RunEnding`: ending each call once, its result, timeouts (`DeadlineTimer`) and cancellation;
 * - `RunEvents` / `EventStream`: the run events, `seq`, listeners and iterators;
 * - `checkUsageReport` / `addUsage`: the usage a run reports (summed on the run, counted by `RunStats` at its end);
 * - `toWorkflowEvent`: the orchestrator's workflow events;
 * - `RunStats`: counters; `EngineDisposal`: dispose.
 * Nothing here is shared with another engine; runs reach their engine only through the private
 * field of their `ctx` (as their `RunOwner`).
 *
 * Hot path (measured with scripts/overhead.mjs): V8 inlines the parts into `executeAgent` and
 * `RunEnding.end` only up to a budget of bytecode per optimized function, so the code on the way
 * of a trivial call stays small and rare work (arming the timer, aborting a signal, starting
 * waiting calls, delivering re-entrant events) sits behind a guard, in a call that is not made.
 * @internal
 */
export class EngineCore implements RunOwner {
  readonly engineId: string;
  readonly userContext: UserExecutionContext;
  readonly now: () => number;
  readonly #maxConcurrentRuns: number;
  readonly #queue: RunQueue;
  readonly #stats: RunStats;
  readonly #stream: EventStream;
  readonly #events: RunEvents;
  readonly #ending: RunEnding;
  readonly #admission: RunAdmission;
  readonly #disposal: EngineDisposal;

  constructor(options: EngineCoreOptions) {
    const { host, engineId, userContext } = options;
    const { limits, now } = host;
    // Every line an engine logs names its engine and its user (a pino logger makes them JSON fields).
    const logger = withBaseDetails(host.logger, { engineId, userId: userContext.userId });
    this.engineId = engineId;
    this.userContext = userContext;
    this.now = now;
    this.#maxConcurrentRuns = limits.maxConcurrentRunsPerEngine;
    const onInternalError = (error: unknown): void => {
      logger.error('Baton: unexpected engine error', { engineId, error });
    };
    const queue = new RunQueue(limits.maxConcurrentRunsPerEngine, limits.maxQueuedRunsPerEngine);
    const stats = new RunStats(now());
    const stream = new EventStream({ engineId, logger, taps: host.taps, validate: host.validateEvents });
    const events = new RunEvents(this, stream, now, (run) => ending.timeOutOverdue(run));
    // Ending a call frees a slot for a waiting one, and the timer ends calls: both reach parts made
    // after them, hence the arrow functions (one per engine, not per call).
    const timer = new DeadlineTimer(now, (reached) => ending.timeOutDue(reached), host.timers);
    const ending: RunEnding = new RunEnding({
      engineId,
      userContext,
      now,
      queue,
      stats,
      timer,
      events,
      onSlotFreed: () => admission.pump(),
    });
    const invocation = new AgentInvocation({ engineId, userContext, logger, stats, ending, onInternalError });
    const admission: RunAdmission = new RunAdmission({
      engineId,
      userId: userContext.userId,
      agents: host.agents,
      agentNames: host.agentNames,
      defaultTimeoutMs: limits.runTimeoutMs,
      now,
      owner: this,
      queue,
      stats,
      timer,
      events,
      ending,
      invocation,
    });
    this.#queue = queue;
    this.#stats = stats;
    this.#stream = stream;
    this.#events = events;
    this.#ending = ending;
    this.#admission = admission;
    this.#disposal = new EngineDisposal({
      engineId,
      logger,
      disposeTimeoutMs: Math.min(limits.disposeTimeoutMs, MAX_TIMER_DELAY_MS),
      timers: host.timers,
      queue,
      timer,
      ending,
      stream,
      invocation,
      release: () => options.onDisposed(this),
      onInternalError,
    });
  }

  /** `engine.executeAgent`. */
  execute(request: ExecuteAgentRequest, options?: ExecuteAgentOptions): Promise<AgentRunResult> {
    return this.#admission.execute(request, options);
  }

  /**
   * `engine.emitWorkflowEvent`.
   * @throws EngineDisposedError after dispose; InvalidEventError for another type or a bad payload.
   */
  emitWorkflowEvent(input: WorkflowEventInput): void {
    if (this.#queue.closed) throw new EngineDisposedError({ engineId: this.engineId });
    const event = toWorkflowEvent(input, this, this.#stream.nextSeq, this.now);
    this.#stats.recordActivity(event.timestamp);
    this.#stream.append(event);
  }

  /** `engine.subscribe`. A disposed engine emits nothing more; the listener is not kept. */
  subscribe(listener: AgentEventListener): () => void {
    if (typeof listener !== 'function') throw new InvalidConfigError({ message: 'subscribe(listener): listener must be a function' });
    if (this.#queue.closed) return UNSUBSCRIBED;
    return this.#stream.subscribe(listener);
  }

  /** `engine.events`. */
  events(options?: { signal?: AbortSignal }): AsyncIterable<AgentEvent> {
    const signal = options?.signal;
    if (signal !== undefined && !isAbortSignal(signal))
      throw new InvalidConfigError({ message: 'events({ signal }): signal must be an AbortSignal' });
    return this.#stream.iterate(signal, this.#queue.closed);
  }

  /** `engine.getStats`. */
  getStats(): EngineStats {
    return this.#stats.snapshot({
      engineId: this.engineId,
      userId: this.userContext.userId,
      maxConcurrentRuns: this.#maxConcurrentRuns,
      activeRuns: this.#queue.running.size,
      queuedRuns: this.#queue.waiting.size,
      listenerErrors: this.#stream.listenerErrors,
    });
  }

  /** Adds this engine's run counters to the factory's `totals`. */
  addRunTotals(totals: RunTotals): void {
    this.#stats.addTo(totals);
  }

  /** Set when `dispose()` is called; the engine accepts no more work. */
  get disposed(): boolean {
    return this.#queue.closed;
  }

  /** When the engine became idle (no running or waiting call), or `undefined` when it is busy or disposed. */
  idleSince(): number | undefined {
    if (this.#queue.closed || this.#queue.size > 0) return undefined;
    return this.#stats.lastActivityAt;
  }

  /** `engine.dispose`: idempotent, never rejects. */
  dispose(): Promise<void> {
    return this.#disposal.dispose();
  }

  // RunOwner: what a run's `ctx` and its caller's signal reach.

  /** @inheritDoc */
  cancelByCaller(run: AgentRun): void {
    this.#ending.cancelByCaller(run);
  }

  /** @inheritDoc */
  signalOf(run: AgentRun): AbortSignal {
    return signalOf(run, this.engineId);
  }

  /** @inheritDoc */
  think(run: AgentRun, thought: unknown): void {
    this.#events.thought(run, thought);
  }

  /** @inheritDoc */
  writeOutput(run: AgentRun, delta: unknown): void {
    this.#events.outputDelta(run, delta);
  }

  /** @inheritDoc */
  reportUsage(run: AgentRun, usage: unknown): void {
    const report = checkUsageReport(usage);
    if (report === undefined || run.state !== RunState.RUNNING) return;
    // Past the deadline, the timer not run yet (event-loop lag): the deadline decides, as for deltas.
    if (this.now() > run.deadline) this.#ending.timeOutOverdue(run);
    else addUsage(run, report);
  }

  /** @inheritDoc */
  toolStarted(run: AgentRun, toolName: string, input: unknown, startedAt: number, requestedId?: string): string | undefined {
    return this.#events.toolStarted(run, toolName, input, startedAt, requestedId);
  }

  /** @inheritDoc */
  toolEnded(run: AgentRun, toolCallId: string, succeeded: boolean, value: unknown): void {
    this.#events.toolEnded(run, toolCallId, succeeded, value);
  }
}
