import {
  EngineDisposedError,
  InvalidConfigError,
  InvalidEventError,
  UnknownAgentError,
  UserLimitExceededError,
  WORKFLOW_AGENT_NAME,
  WorkflowCompletedEventSchema,
  WorkflowPlannedEventSchema,
  WorkflowStartedEventSchema,
  redact,
  type AgentCompletedEvent,
  type AgentEvent,
  type AgentEventListener,
  type AgentRunError,
  type AgentRunResult,
  type AgentRunStatus,
  type AgentStartedEvent,
  type AgentThinkingEvent,
  type AnyAgentDefinition,
  type EngineStats,
  type ExecuteAgentOptions,
  type ExecuteAgentRequest,
  type ToolCompletedEvent,
  type ToolExecutingEvent,
  type UserExecutionContext,
  type WorkflowEventInput,
} from '@baton/engine-contract';
import { AgentRun, EndCause, RunState, type RunOwner } from './agent-run.js';
import type { EngineLimits } from '@baton/engine-contract';
import type { SafeLogger } from './engine-logger.js';
import { EventDispatcher } from './event-dispatcher.js';
import { EventIterator } from './event-iterator.js';
import { RunContext } from './run-context.js';
import { describeThrown, renderThrownValue, toRunError } from './run-error.js';
import { RunList } from './run-list.js';
import { checkAgainstSchema, type AgentSchema } from './schema-check.js';

/** setTimeout's largest delay; a longer one fires at once (with a warning), so timers are clamped to it. @internal */
export const MAX_TIMER_DELAY_MS = 2_147_483_647;

/** The factory's configuration every engine reads (never written by an engine). @internal */
export interface EngineHost {
  readonly agents: ReadonlyMap<string, AnyAgentDefinition>;
  readonly agentNames: readonly string[];
  readonly limits: Readonly<EngineLimits>;
  readonly now: () => number;
  readonly logger: SafeLogger;
  readonly onEvent: ((event: AgentEvent) => unknown) | undefined;
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

const WORKFLOW_SCHEMAS = {
  workflow_started: WorkflowStartedEventSchema,
  workflow_planned: WorkflowPlannedEventSchema,
  workflow_completed: WorkflowCompletedEventSchema,
} as const;

function isAbortSignal(value: unknown): value is AbortSignal {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AbortSignal).aborted === 'boolean' &&
    typeof (value as AbortSignal).addEventListener === 'function'
  );
}

/** Events carry a redacted copy; primitives need no copy (and `redact` would allocate for nothing). */
function redactPayload(value: unknown): unknown {
  return typeof value === 'object' && value !== null ? redact(value) : value;
}

/**
 * Everything one engine owns: its context, run lists (running + FIFO queue), deadline timer,
 * listeners, counters and `seq`. Nothing here is shared with another engine; the public engine object
 * (`UserExecutionEngineImpl`) holds it in a private field, and runs reach it only through a private
 * field of their `ctx`.
 *
 * Hot-path choices (measured on Node 20, see scripts/overhead.mjs): no AbortController unless the
 * agent reads `ctx.signal` (creating one costs several µs there); no setTimeout per run but one timer
 * per engine armed for the earliest deadline (clearTimeout + setTimeout per run costs ~0.4 µs, a
 * ref/unref toggle 15 ns); no zod parsing for agents without schemas; no event objects at all when
 * nobody listens.
 * @internal
 */
export class EngineCore implements RunOwner {
  readonly engineId: string;
  readonly userContext: UserExecutionContext;
  readonly now: () => number;

  // Counters and gauges (read by getStats and folded into the factory's metrics on dispose).
  runsStarted = 0;
  runsSucceeded = 0;
  runsFailed = 0;
  runsTimedOut = 0;
  runsCancelled = 0;
  /** Calls that had to wait for a slot. */
  runsQueued = 0;
  /** Calls refused because the queue was full. */
  queueRejections = 0;
  orphanedRuns = 0;
  private peakConcurrency = 0;
  private finishedRuns = 0;
  private totalRunMs = 0;
  private totalQueueMs = 0;
  private maxRunMs = 0;

  /** Set when `dispose()` is called; the engine accepts no more work. */
  disposed = false;
  /** Last admission, run end or workflow event (for the reaper). */
  private lastActivityAt: number;

  private readonly agents: ReadonlyMap<string, AnyAgentDefinition>;
  private readonly agentNames: readonly string[];
  private readonly maxConcurrent: number;
  private readonly maxQueued: number;
  private readonly defaultTimeoutMs: number;
  private readonly disposeTimeoutMs: number;
  private readonly logger: SafeLogger;
  private readonly onDisposed: (core: EngineCore) => Promise<void>;
  private readonly dispatcher: EventDispatcher;
  private readonly running = new RunList<AgentRun>();
  private readonly waiting = new RunList<AgentRun>();
  private readonly iterators = new Set<EventIterator>();
  private seq = 0;
  private executions = 0;
  private pumping = false;
  // The deadline timer: armed for the earliest deadline; ref'd only while runs are pending.
  private timer: ReturnType<typeof setTimeout> | undefined = undefined;
  private timerDeadline = Number.POSITIVE_INFINITY;
  private timerFiresAt = 0;
  private readonly onTimer = (): void => this.expireDue();
  // Agent promises not settled yet (also those of runs already ended): dispose waits for them.
  private unsettledAgents = 0;
  private onAllSettled: (() => void) | undefined = undefined;
  private disposal: Promise<void> | undefined = undefined;
  private readonly onInternalError = (error: unknown): void => {
    this.logger.error('Baton: unexpected engine error', { engineId: this.engineId, error });
  };

  constructor(options: EngineCoreOptions) {
    const { host } = options;
    this.engineId = options.engineId;
    this.userContext = options.userContext;
    this.now = host.now;
    this.agents = host.agents;
    this.agentNames = host.agentNames;
    this.maxConcurrent = host.limits.maxConcurrentRunsPerEngine;
    this.maxQueued = host.limits.maxQueuedRunsPerEngine;
    this.defaultTimeoutMs = host.limits.runTimeoutMs;
    this.disposeTimeoutMs = Math.min(host.limits.disposeTimeoutMs, MAX_TIMER_DELAY_MS);
    this.logger = host.logger;
    this.onDisposed = options.onDisposed;
    this.dispatcher = new EventDispatcher({ engineId: this.engineId, logger: host.logger, tap: host.onEvent, validate: host.validateEvents });
    this.lastActivityAt = host.now();
  }

  // ---------------------------------------------------------------- admission

  /** `engine.executeAgent`: contract violations reject; everything else resolves to a result. */
  execute(request: ExecuteAgentRequest, options?: ExecuteAgentOptions): Promise<AgentRunResult> {
    if (this.disposed) return Promise.reject(new EngineDisposedError({ engineId: this.engineId }));
    if (typeof request !== 'object' || request === null) {
      return Promise.reject(new InvalidConfigError({ message: 'executeAgent expects a request { agentName, input?, stage? }' }));
    }
    const { agentName, stage } = request;
    const agent = typeof agentName === 'string' ? this.agents.get(agentName) : undefined;
    if (agent === undefined) {
      const asked = typeof agentName === 'string' ? agentName : renderThrownValue(agentName);
      return Promise.reject(new UnknownAgentError({ agentName: asked, knownAgents: this.agentNames }));
    }
    if (stage !== undefined && typeof stage !== 'string') {
      return Promise.reject(new InvalidConfigError({ message: 'executeAgent: stage must be a string' }));
    }
    let timeoutMs = this.defaultTimeoutMs;
    let signal: AbortSignal | undefined;
    if (options !== undefined && options !== null) {
      const requested = options.timeoutMs;
      if (requested !== undefined) {
        if (typeof requested !== 'number' || !(requested > 0) || requested === Number.POSITIVE_INFINITY) {
          return Promise.reject(new InvalidConfigError({ message: 'executeAgent: timeoutMs must be a positive finite number' }));
        }
        timeoutMs = requested;
      }
      if (options.signal !== undefined && options.signal !== null) {
        if (!isAbortSignal(options.signal)) {
          return Promise.reject(new InvalidConfigError({ message: 'executeAgent: signal must be an AbortSignal' }));
        }
        signal = options.signal;
      }
    }
    // A new call waits behind queued ones even if a slot is momentarily free (FIFO).
    const free = this.running.size < this.maxConcurrent && this.waiting.size === 0;
    if (!free && this.waiting.size >= this.maxQueued && signal?.aborted !== true) {
      this.queueRejections++;
      return Promise.reject(
        new UserLimitExceededError({
          userId: this.userContext.userId,
          limit: this.maxQueued,
          message:
            `User ${this.userContext.userId} has too many runs waiting on engine ${this.engineId}: ` +
            `${this.maxConcurrent} running and ${this.maxQueued} queued (the queue limit, maxQueuedRunsPerEngine). ` +
            'Retry when a run has finished, or raise limits.maxQueuedRunsPerEngine.',
        }),
      );
    }

    const calledAt = this.now();
    const run = new AgentRun(this, `${this.engineId}:${++this.executions}`, agent, request.input, stage, calledAt, calledAt + timeoutMs);
    this.runsStarted++;
    this.lastActivityAt = calledAt;
    if (signal !== undefined) {
      if (signal.aborted) {
        // Answered at once without starting: only its agent_completed is emitted.
        run.callerReason = signal.reason;
        this.end(run, 'cancelled', EndCause.CALLER, undefined, cancelledByCaller());
        return run.promise;
      }
      run.callerSignal = signal;
      signal.addEventListener('abort', run);
    }
    if (this.timer !== undefined && this.running.size + this.waiting.size === 0) this.timer.ref();
    if (run.deadline < this.timerDeadline) this.arm(run.deadline, calledAt);
    if (free) {
      this.start(run, calledAt);
    } else {
      run.state = RunState.QUEUED;
      this.waiting.push(run);
      this.runsQueued++;
    }
    return run.promise;
  }

  /** Gives `run` a slot: emits agent_started and calls the agent (after its input schema, if any). */
  private start(run: AgentRun, startedAt: number): void {
    run.state = RunState.RUNNING;
    run.startedAt = startedAt;
    this.running.push(run);
    if (this.running.size > this.peakConcurrency) this.peakConcurrency = this.running.size;
    this.emitStarted(run);
    // A listener may have cancelled the run (or disposed the engine) on agent_started.
    if (run.state !== RunState.RUNNING) return;
    const agent = run.agent;
    if (agent.input !== undefined || agent.output !== undefined) {
      this.runChecked(run, agent.input).then(undefined, this.onInternalError);
      return;
    }
    this.invoke(run, run.input);
  }

  /** Starts waiting runs while slots are free. A loop, not recursion: sync agents cannot grow the stack. */
  private pump(): void {
    if (this.pumping || this.disposed) return;
    this.pumping = true;
    try {
      while (this.waiting.head !== undefined && this.running.size < this.maxConcurrent) {
        const run = this.waiting.head;
        const now = this.now();
        // The deadline timer may not have run yet (event-loop lag): a freed slot never goes to a late call.
        if (run.deadline <= now) {
          this.end(run, 'timed_out', EndCause.TIMEOUT, undefined, timedOut(run));
          continue;
        }
        this.waiting.shift();
        this.start(run, now);
      }
    } finally {
      this.pumping = false;
    }
  }

  // ---------------------------------------------------------------- running

  private async runChecked(run: AgentRun, schema: AgentSchema | undefined): Promise<void> {
    let input = run.input;
    if (schema !== undefined) {
      const checked = await checkAgainstSchema(schema, input, 'input', run.agent.name);
      if (run.state !== RunState.RUNNING) return;
      if (!checked.success) {
        this.end(run, 'failed', EndCause.NONE, undefined, checked.error);
        return;
      }
      input = checked.data;
    }
    this.invoke(run, input);
  }

  private invoke(run: AgentRun, input: unknown): void {
    let returned: unknown;
    try {
      returned = run.agent.run(input, new RunContext(run, this.userContext));
      if ((typeof returned === 'object' && returned !== null) || typeof returned === 'function') {
        const then = (returned as PromiseLike<unknown>).then;
        if (typeof then === 'function') {
          this.unsettledAgents++;
          try {
            then.call(
              returned,
              (value: unknown) => this.agentSettled(run, true, value),
              (reason: unknown) => this.agentSettled(run, false, reason),
            );
          } catch (error) {
            // A thenable whose `then` throws: it will never call back.
            run.agentSettled = true;
            this.unsettledAgents--;
            throw error;
          }
          return;
        }
      }
    } catch (error) {
      this.end(run, 'failed', EndCause.NONE, undefined, toRunError('AGENT_FAILED', error));
      return;
    }
    this.succeed(run, returned);
  }

  private agentSettled(run: AgentRun, fulfilled: boolean, value: unknown): void {
    if (run.agentSettled) return;
    run.agentSettled = true;
    this.unsettledAgents--;
    if (run.state !== RunState.RUNNING) {
      // Its result (timed_out / cancelled) was returned already: the late settle changes nothing.
      this.orphanedRuns++;
      this.logger.debug('Baton: an abandoned agent settled after its run ended', {
        engineId: this.engineId,
        executionId: run.executionId,
        agentName: run.agent.name,
        fulfilled,
      });
      if (this.unsettledAgents === 0 && this.onAllSettled !== undefined) this.onAllSettled();
      return;
    }
    if (fulfilled) this.succeed(run, value);
    else this.end(run, 'failed', EndCause.NONE, undefined, toRunError('AGENT_FAILED', value));
  }

  private succeed(run: AgentRun, output: unknown): void {
    const schema = run.agent.output;
    if (schema === undefined) {
      this.end(run, 'succeeded', EndCause.NONE, output, undefined);
      return;
    }
    this.checkOutput(run, schema, output).then(undefined, this.onInternalError);
  }

  private async checkOutput(run: AgentRun, schema: AgentSchema, output: unknown): Promise<void> {
    const checked = await checkAgainstSchema(schema, output, 'output', run.agent.name);
    if (run.state !== RunState.RUNNING) return;
    if (checked.success) this.end(run, 'succeeded', EndCause.NONE, checked.data, undefined);
    else this.end(run, 'failed', EndCause.NONE, undefined, checked.error);
  }

  /**
   * Ends a call exactly once, whatever ended it: updates the lists and counters, emits its
   * agent_completed, resolves its promise, aborts the agent's signal (after the event, so a `think`
   * in an abort handler emits nothing) and hands the slot to the next waiting call.
   */
  private end(run: AgentRun, status: AgentRunStatus, cause: EndCause, output: unknown, error: AgentRunError | undefined): void {
    const previous = run.state;
    if (previous === RunState.DONE) return;
    const endedAt = this.now();
    if (cause === EndCause.NONE && endedAt > run.deadline) {
      // The agent finished after its deadline but before the deadline timer ran (event-loop lag, or a
      // synchronous agent that overran): the deadline still decides.
      status = 'timed_out';
      cause = EndCause.TIMEOUT;
      output = undefined;
      error = timedOut(run);
    }
    run.state = RunState.DONE;
    run.endCause = cause;
    if (previous === RunState.RUNNING) this.running.remove(run);
    else if (previous === RunState.QUEUED) this.waiting.remove(run);
    const callerSignal = run.callerSignal;
    if (callerSignal !== undefined) {
      run.callerSignal = undefined;
      callerSignal.removeEventListener('abort', run);
    }

    const durationMs = endedAt > run.calledAt ? endedAt - run.calledAt : 0;
    const queuedMs = previous === RunState.RUNNING ? (run.startedAt > run.calledAt ? run.startedAt - run.calledAt : 0) : durationMs;
    if (status === 'succeeded') this.runsSucceeded++;
    else if (status === 'failed') this.runsFailed++;
    else if (status === 'timed_out') this.runsTimedOut++;
    else this.runsCancelled++;
    this.finishedRuns++;
    this.totalRunMs += durationMs;
    this.totalQueueMs += queuedMs;
    if (durationMs > this.maxRunMs) this.maxRunMs = durationMs;
    this.lastActivityAt = endedAt;
    // Nothing pending: the deadline timer must not keep the process alive.
    if (this.timer !== undefined && this.running.size + this.waiting.size === 0) this.timer.unref();

    const result: AgentRunResult = {
      status,
      executionId: run.executionId,
      agentName: run.agent.name,
      runId: this.userContext.runId,
      requestId: this.userContext.requestId,
      durationMs,
      queuedMs,
    };
    if (run.stage !== undefined) result.stage = run.stage;
    if (output !== undefined) result.output = output;
    if (error !== undefined) result.error = error;

    if (run.openTools !== undefined && run.openTools.size > 0) this.closeOpenTools(run, cause, endedAt);
    this.emitCompleted(run, endedAt, result);
    run.resolve(result);
    if (run.controller !== undefined && cause !== EndCause.NONE) run.controller.abort(this.abortReason(run));
    if (previous === RunState.RUNNING) this.pump();
  }

  /** The caller's signal fired: the call ends `cancelled` at once, running or queued. */
  cancelByCaller(run: AgentRun): void {
    if (run.state === RunState.DONE) return;
    run.callerReason = run.callerSignal?.reason;
    this.end(run, 'cancelled', EndCause.CALLER, undefined, cancelledByCaller());
  }

  signalOf(run: AgentRun): AbortSignal {
    let controller = run.controller;
    if (controller === undefined) {
      controller = new AbortController();
      run.controller = controller;
      if (run.state === RunState.DONE && run.endCause !== EndCause.NONE) controller.abort(this.abortReason(run));
    }
    return controller.signal;
  }

  private abortReason(run: AgentRun): unknown {
    if (run.endCause === EndCause.CALLER) return run.callerReason;
    if (run.endCause === EndCause.TIMEOUT) return new DOMException(timeoutMessage(run), 'TimeoutError');
    return new DOMException(`The run was cancelled because engine ${this.engineId} was disposed`, 'AbortError');
  }

  // ---------------------------------------------------------------- deadlines

  private arm(deadline: number, now: number): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    const wanted = deadline - now;
    const delay = wanted <= 0 ? 0 : wanted > MAX_TIMER_DELAY_MS ? MAX_TIMER_DELAY_MS : wanted;
    this.timerDeadline = deadline;
    this.timerFiresAt = now + delay;
    this.timer = setTimeout(this.onTimer, delay);
  }

  /**
   * The deadline timer fired: time out every call whose deadline has passed (waiting ones first, so a
   * freed slot never goes to a call that is already late), then re-arm for the earliest remaining one.
   * "Passed" trusts the timer as well as the clock, so a frozen injected clock cannot stall timeouts.
   */
  private expireDue(): void {
    this.timer = undefined;
    this.timerDeadline = Number.POSITIVE_INFINITY;
    if (this.disposed) return;
    const reached = Math.max(this.timerFiresAt, this.now());
    const expired: AgentRun[] = [];
    for (let run = this.waiting.head; run !== undefined; run = run.next) if (run.deadline <= reached) expired.push(run);
    for (let run = this.running.head; run !== undefined; run = run.next) if (run.deadline <= reached) expired.push(run);
    for (const run of expired) {
      if (run.state !== RunState.DONE) this.end(run, 'timed_out', EndCause.TIMEOUT, undefined, timedOut(run));
    }
    if (this.disposed) return;
    // A listener may have started a call (and armed the timer for it) meanwhile: keep the earliest.
    let next = Number.POSITIVE_INFINITY;
    for (let run = this.waiting.head; run !== undefined; run = run.next) if (run.deadline < next) next = run.deadline;
    for (let run = this.running.head; run !== undefined; run = run.next) if (run.deadline < next) next = run.deadline;
    if (next < this.timerDeadline) this.arm(next, reached);
  }

  // ---------------------------------------------------------------- events

  private envelope(type: AgentEvent['type'], executionId: string, agentName: string, stage: string | undefined, seq: number, timestamp: number): Record<string, unknown> {
    const context = this.userContext;
    const event: Record<string, unknown> = {
      type,
      userId: context.userId,
      threadId: context.threadId,
      runId: context.runId,
      requestId: context.requestId,
      engineId: this.engineId,
      executionId,
      agentName,
      seq,
      timestamp,
    };
    if (stage !== undefined) event.stage = stage;
    return event;
  }

  // agent_started and agent_completed are built as complete literals (no properties added later on
  // the common path): one allocation each, one shape per variant.
  private emitStarted(run: AgentRun): void {
    const seq = this.seq++;
    if (!this.dispatcher.observed) return;
    const context = this.userContext;
    const event: AgentStartedEvent =
      run.input === undefined
        ? {
            type: 'agent_started',
            userId: context.userId,
            threadId: context.threadId,
            runId: context.runId,
            requestId: context.requestId,
            engineId: this.engineId,
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
            engineId: this.engineId,
            executionId: run.executionId,
            agentName: run.agent.name,
            seq,
            timestamp: run.startedAt,
            input: redactPayload(run.input),
          };
    if (run.stage !== undefined) event.stage = run.stage;
    this.dispatchOwn(event);
  }

  private emitCompleted(run: AgentRun, endedAt: number, result: AgentRunResult): void {
    const seq = this.seq++;
    if (!this.dispatcher.observed) return;
    const context = this.userContext;
    const event: AgentCompletedEvent =
      result.output === undefined
        ? {
            type: 'agent_completed',
            userId: context.userId,
            threadId: context.threadId,
            runId: context.runId,
            requestId: context.requestId,
            engineId: this.engineId,
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
            engineId: this.engineId,
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
    this.dispatchOwn(event);
  }

  /**
   * Delivers an event the engine built itself. Dispatch throws only when `validateEvents` finds it
   * invalid (an engine bug, already logged by the dispatcher); the run's bookkeeping must go on.
   */
  private dispatchOwn(event: AgentEvent): void {
    try {
      this.dispatcher.dispatch(event);
    } catch {
      // Logged by the dispatcher.
    }
  }

  think(run: AgentRun, thought: unknown): void {
    // A late thought (the run already timed out or was cancelled) must not follow agent_completed.
    if (run.state !== RunState.RUNNING) return;
    const seq = this.seq++;
    if (!this.dispatcher.observed) return;
    const event = this.envelope('agent_thinking', run.executionId, run.agent.name, run.stage, seq, this.now());
    event.thought = typeof thought === 'string' ? thought : renderThrownValue(thought);
    this.dispatcher.dispatch(event as AgentThinkingEvent);
  }

  toolStarted(run: AgentRun, toolName: string, input: unknown, startedAt: number): string | undefined {
    if (run.state !== RunState.RUNNING) return undefined;
    const toolCallId = `${run.executionId}:tool:${++run.toolCalls}`;
    (run.openTools ??= new Map()).set(toolCallId, { toolName, startedAt });
    const seq = this.seq++;
    if (!this.dispatcher.observed) return toolCallId;
    const event = this.envelope('tool_executing', run.executionId, run.agent.name, run.stage, seq, startedAt);
    event.toolCallId = toolCallId;
    event.toolName = toolName;
    if (input !== undefined) event.input = redactPayload(input);
    this.dispatcher.dispatch(event as ToolExecutingEvent);
    return toolCallId;
  }

  toolEnded(run: AgentRun, toolCallId: string, succeeded: boolean, value: unknown): void {
    // Closed already: the run ended mid-tool and closeOpenTools emitted its tool_completed.
    const open = run.openTools?.get(toolCallId);
    if (open === undefined || run.state !== RunState.RUNNING) return;
    run.openTools!.delete(toolCallId);
    this.emitToolCompleted(run, toolCallId, open.toolName, open.startedAt, this.now(), succeeded ? 'succeeded' : 'failed', succeeded ? value : describeThrown(value));
  }

  /**
   * The run ended (timeout, cancellation, dispose, or the agent returned without awaiting a tool)
   * while tool calls were open: each gets its failed tool_completed before the run's agent_completed,
   * so every tool_executing is followed by its tool_completed.
   */
  private closeOpenTools(run: AgentRun, cause: EndCause, endedAt: number): void {
    const error =
      cause === EndCause.TIMEOUT
        ? { name: 'TimeoutError', message: 'The run timed out before the tool call finished' }
        : cause === EndCause.NONE
          ? { name: 'AbortError', message: 'The agent finished before the tool call did' }
          : { name: 'AbortError', message: 'The run was cancelled before the tool call finished' };
    for (const [toolCallId, open] of run.openTools!) this.emitToolCompleted(run, toolCallId, open.toolName, open.startedAt, endedAt, 'failed', error);
    run.openTools!.clear();
  }

  private emitToolCompleted(run: AgentRun, toolCallId: string, toolName: string, startedAt: number, endedAt: number, status: 'succeeded' | 'failed', payload: unknown): void {
    const seq = this.seq++;
    if (!this.dispatcher.observed) return;
    const event = this.envelope('tool_completed', run.executionId, run.agent.name, run.stage, seq, endedAt);
    event.toolCallId = toolCallId;
    event.toolName = toolName;
    event.status = status;
    if (status === 'failed') event.error = payload;
    else if (payload !== undefined) event.output = redactPayload(payload);
    event.durationMs = endedAt > startedAt ? endedAt - startedAt : 0;
    this.dispatcher.dispatch(event as ToolCompletedEvent);
  }

  /**
   * Emits a workflow event with the envelope filled from this engine (its ids, `seq`, `timestamp`,
   * agentName `'workflow'`, executionId = the workflow run's id). Validated always: it is rare and comes
   * from outside the engine.
   * @throws EngineDisposedError after dispose; InvalidEventError for another type or a bad payload.
   */
  emitWorkflowEvent(input: WorkflowEventInput): void {
    if (this.disposed) throw new EngineDisposedError({ engineId: this.engineId });
    if (typeof input !== 'object' || input === null) {
      throw new InvalidEventError({ message: 'emitWorkflowEvent expects a workflow event { type, executionId, workflowId, ... }' });
    }
    const type = input.type;
    if (type !== 'workflow_started' && type !== 'workflow_planned' && type !== 'workflow_completed') {
      throw new InvalidEventError({
        message: `emitWorkflowEvent accepts only workflow_started, workflow_planned and workflow_completed, not ${renderThrownValue(type)}`,
      });
    }
    if (typeof input.executionId !== 'string' || input.executionId.length === 0) {
      throw new InvalidEventError({ message: `emitWorkflowEvent(${type}): executionId (the workflow run's id) must be a non-empty string` });
    }
    const timestamp = this.now();
    const event = this.envelope(type, input.executionId, WORKFLOW_AGENT_NAME, undefined, this.seq, timestamp);
    // Copy the payload field by field: the envelope is the engine's and cannot be overridden.
    event.workflowId = input.workflowId;
    if (input.type === 'workflow_started') {
      event.workflowName = input.workflowName;
    } else if (input.type === 'workflow_planned') {
      event.path = input.path;
      event.stages = Array.isArray(input.stages) ? [...input.stages] : input.stages;
    } else {
      event.path = input.path;
      event.status = input.status;
      event.durationMs = input.durationMs;
      event.succeededStages = input.succeededStages;
      event.totalStages = input.totalStages;
    }
    const parsed = WORKFLOW_SCHEMAS[type].safeParse(event);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'event';
      throw new InvalidEventError({ message: `emitWorkflowEvent(${type}): ${where}: ${issue?.message ?? 'invalid'}`, cause: parsed.error });
    }
    this.seq++;
    this.lastActivityAt = timestamp;
    if (this.dispatcher.observed) this.dispatcher.dispatch(event as AgentEvent);
  }

  subscribe(listener: AgentEventListener): () => void {
    if (typeof listener !== 'function') throw new InvalidConfigError({ message: 'subscribe(listener): listener must be a function' });
    // A disposed engine emits nothing more; the listener is not kept.
    if (this.disposed) return () => {};
    return this.dispatcher.subscribe(listener);
  }

  events(options?: { signal?: AbortSignal }): AsyncIterable<AgentEvent> {
    const signal = options?.signal;
    if (signal !== undefined && !isAbortSignal(signal)) throw new InvalidConfigError({ message: 'events({ signal }): signal must be an AbortSignal' });
    const iterator = new EventIterator(
      this.disposed ? undefined : (listener) => this.dispatcher.subscribe(listener),
      signal,
      (closed) => this.iterators.delete(closed),
    );
    if (iterator.open) this.iterators.add(iterator);
    return iterator;
  }

  // ---------------------------------------------------------------- stats and lifecycle

  getStats(): EngineStats {
    const finished = this.finishedRuns;
    return {
      engineId: this.engineId,
      userId: this.userContext.userId,
      runsStarted: this.runsStarted,
      runsSucceeded: this.runsSucceeded,
      runsFailed: this.runsFailed,
      runsTimedOut: this.runsTimedOut,
      runsCancelled: this.runsCancelled,
      activeRuns: this.running.size,
      queuedRuns: this.waiting.size,
      maxConcurrentRuns: this.peakConcurrency,
      avgRunMs: finished === 0 ? 0 : this.totalRunMs / finished,
      maxRunMs: this.maxRunMs,
      avgQueueMs: finished === 0 ? 0 : this.totalQueueMs / finished,
      orphanedRuns: this.orphanedRuns,
      listenerErrors: this.dispatcher.errors,
    };
  }

  /** Calls running plus calls waiting. */
  get inFlight(): number {
    return this.running.size + this.waiting.size;
  }

  /** When the engine became idle (no running or waiting call), or `undefined` when it is busy or disposed. */
  idleSince(): number | undefined {
    if (this.disposed || this.running.size + this.waiting.size > 0) return undefined;
    return this.lastActivityAt;
  }

  /**
   * Idempotent (the same promise every time). Synchronously: refuses new work, ends every waiting call
   * (without starting it) and every running one as `cancelled`, aborts their signals, ends the event
   * iterators after their buffered events, drops the listeners and lets the factory release the user's
   * slot. Then waits up to `disposeTimeoutMs` for aborted agents to settle. Never rejects.
   */
  dispose(): Promise<void> {
    if (this.disposal !== undefined) return this.disposal;
    let finish!: () => void;
    this.disposal = new Promise<void>((resolve) => {
      finish = resolve;
    });
    this.disposed = true;
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.timerDeadline = Number.POSITIVE_INFINITY;
    }
    let released: Promise<void> = Promise.resolve();
    try {
      // Waiting calls first: they end without ever starting.
      for (let run = this.waiting.head; run !== undefined; run = this.waiting.head) this.end(run, 'cancelled', EndCause.DISPOSE, undefined, cancelledByDispose(this.engineId));
      for (let run = this.running.head; run !== undefined; run = this.running.head) this.end(run, 'cancelled', EndCause.DISPOSE, undefined, cancelledByDispose(this.engineId));
      for (const iterator of [...this.iterators]) iterator.end(true);
      this.dispatcher.clear();
    } catch (error) {
      this.onInternalError(error);
    } finally {
      // Always leave the registry and free the slot, whatever a listener or agent did above.
      released = this.onDisposed(this);
    }
    this.waitForAgents(released).then(finish, (error: unknown) => {
      this.onInternalError(error);
      finish();
    });
    return this.disposal;
  }

  private async waitForAgents(released: Promise<void>): Promise<void> {
    const settled =
      this.unsettledAgents === 0
        ? released
        : Promise.all([
            released,
            new Promise<void>((resolve) => {
              this.onAllSettled = resolve;
            }),
          ]);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = await Promise.race([
      settled.then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), this.disposeTimeoutMs);
      }),
    ]);
    clearTimeout(timer);
    this.onAllSettled = undefined;
    if (timedOut) {
      this.logger.warn('Baton: engine disposed without waiting further for agents that ignore their signal', {
        engineId: this.engineId,
        unsettledAgents: this.unsettledAgents,
        disposeTimeoutMs: this.disposeTimeoutMs,
      });
    }
  }
}

function timeoutMessage(run: AgentRun): string {
  return `Agent "${run.agent.name}" did not finish within ${run.deadline - run.calledAt} ms`;
}

function timedOut(run: AgentRun): AgentRunError {
  return { code: 'RUN_TIMEOUT', name: 'TimeoutError', message: timeoutMessage(run) };
}

function cancelledByCaller(): AgentRunError {
  return { code: 'RUN_CANCELLED', name: 'AbortError', message: "The run was cancelled by the caller's signal" };
}

function cancelledByDispose(engineId: string): AgentRunError {
  return { code: 'RUN_CANCELLED', name: 'AbortError', message: `The run was cancelled because engine ${engineId} was disposed` };
}
