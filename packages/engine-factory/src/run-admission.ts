import {
  type AgentRunResult,
  type AnyAgentDefinition,
  EngineDisposedError,
  type ExecuteAgentOptions,
  type ExecuteAgentRequest,
  InvalidConfigError,
  isAbortSignal,
  UnknownAgentError,
  UserLimitExceededError,
} from '@baton/engine-contract';
import type { AgentInvocation } from './agent-invocation.js';
import { AgentRun, EndCause, type RunOwner, RunState } from './agent-run.js';
import type { DeadlineTimer } from './deadline-timer.js';
import type { RunEnding } from './run-ending.js';
import { renderThrownValue } from './run-error.js';
import type { RunEvents } from './run-events.js';
import { cancelledByCaller, timedOut } from './run-outcomes.js';
import type { RunQueue } from './run-queue.js';
import type { RunStats } from './run-stats.js';

/** What admitting calls needs from its engine. @internal */
export interface RunAdmissionOptions {
  readonly engineId: string;
  readonly userId: string;
  readonly agents: ReadonlyMap<string, AnyAgentDefinition>;
  readonly agentNames: readonly string[];
  readonly defaultTimeoutMs: number;
  readonly now: () => number;
  /** What each run reports to (`ctx.signal`, `ctx.think`, `ctx.tool`, its caller's signal). */
  readonly owner: RunOwner;
  readonly queue: RunQueue;
  readonly stats: RunStats;
  readonly timer: DeadlineTimer;
  readonly events: RunEvents;
  readonly ending: RunEnding;
  readonly invocation: AgentInvocation;
}

/**
 * `engine.executeAgent`: checks the call, admits it (up to `maxConcurrent` run at once, then up to
 * `maxQueued` wait in FIFO order, then `UserLimitExceededError`), arms its deadline and starts it
 * when a slot is free, and starts waiting calls as slots free up.
 * @internal
 */
export class RunAdmission {
  readonly #engineId: string;
  readonly #userId: string;
  readonly #agents: ReadonlyMap<string, AnyAgentDefinition>;
  readonly #agentNames: readonly string[];
  readonly #defaultTimeoutMs: number;
  readonly #now: () => number;
  readonly #owner: RunOwner;
  readonly #queue: RunQueue;
  readonly #stats: RunStats;
  readonly #timer: DeadlineTimer;
  readonly #events: RunEvents;
  readonly #ending: RunEnding;
  readonly #invocation: AgentInvocation;
  /** Numbers this engine's calls: executionId `<engineId>:<n>`. */
  #executions = 0;
  #pumping = false;

  constructor(options: RunAdmissionOptions) {
    this.#engineId = options.engineId;
    this.#userId = options.userId;
    this.#agents = options.agents;
    this.#agentNames = options.agentNames;
    this.#defaultTimeoutMs = options.defaultTimeoutMs;
    this.#now = options.now;
    this.#owner = options.owner;
    this.#queue = options.queue;
    this.#stats = options.stats;
    this.#timer = options.timer;
    this.#events = options.events;
    this.#ending = options.ending;
    this.#invocation = options.invocation;
  }

  /** Contract violations reject; everything else (failure, timeout, cancellation) resolves to a result. */
  execute(request: ExecuteAgentRequest, options?: ExecuteAgentOptions): Promise<AgentRunResult> {
    const queue = this.#queue;
    if (queue.closed) return Promise.reject(new EngineDisposedError({ engineId: this.#engineId }));
    if (typeof request !== 'object' || request === null) {
      return Promise.reject(new InvalidConfigError({ message: 'executeAgent expects a request { agentName, input?, stage? }' }));
    }
    const { agentName, stage } = request;
    const agent = typeof agentName === 'string' ? this.#agents.get(agentName) : undefined;
    if (agent === undefined) {
      const asked = typeof agentName === 'string' ? agentName : renderThrownValue(agentName);
      return Promise.reject(new UnknownAgentError({ agentName: asked, knownAgents: this.#agentNames }));
    }
    if (stage !== undefined && typeof stage !== 'string') {
      return Promise.reject(new InvalidConfigError({ message: 'executeAgent: stage must be a string' }));
    }
    let timeoutMs = this.#defaultTimeoutMs;
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
    const free = queue.hasFreeSlot();
    // A call whose signal has already fired is answered at once, so a full queue does not refuse it.
    if (!free && queue.isFull() && signal?.aborted !== true) {
      this.#stats.recordQueueRejection();
      return Promise.reject(this.#queueFull());
    }

    const calledAt = this.#now();
    const run = new AgentRun(
      this.#owner,
      `${this.#engineId}:${++this.#executions}`,
      agent,
      request.input,
      stage,
      calledAt,
      calledAt + timeoutMs,
    );
    this.#stats.recordAdmitted(calledAt);
    if (signal !== undefined) {
      if (signal.aborted) {
        // Answered at once without starting: only its agent_completed is emitted.
        run.callerReason = signal.reason;
        this.#ending.end(run, 'cancelled', EndCause.CALLER, undefined, cancelledByCaller());
        return run.promise;
      }
      run.callerSignal = signal;
      // The run is the listener object (handleEvent): no closure per call.
      signal.addEventListener('abort', run);
    }
    if (queue.size === 0) this.#timer.hold();
    this.#timer.schedule(run.deadline, calledAt);
    if (free) {
      this.#start(run, calledAt);
    } else {
      queue.enqueue(run);
      this.#stats.recordQueued();
    }
    return run.promise;
  }

  /** Starts waiting calls while slots are free. A loop, not recursion: sync agents cannot grow the stack. */
  pump(): void {
    const queue = this.#queue;
    if (this.#pumping || queue.closed) return;
    this.#pumping = true;
    try {
      for (let run = queue.nextToStart(); run !== undefined; run = queue.nextToStart()) {
        const now = this.#now();
        // The deadline timer may not have run yet (event-loop lag): a freed slot never goes to a late call.
        if (run.deadline <= now) {
          this.#ending.end(run, 'timed_out', EndCause.TIMEOUT, undefined, timedOut(run));
        } else {
          queue.dequeue();
          this.#start(run, now);
        }
      }
    } finally {
      this.#pumping = false;
    }
  }

  /** Gives `run` a slot: emits agent_started and calls the agent. */
  #start(run: AgentRun, startedAt: number): void {
    run.startedAt = startedAt;
    this.#stats.recordRunning(this.#queue.occupy(run));
    this.#events.started(run);
    // A listener may have cancelled the run (or disposed the engine) on agent_started.
    if (run.state !== RunState.RUNNING) return;
    this.#invocation.invoke(run);
  }

  #queueFull(): UserLimitExceededError {
    const { maxConcurrent, maxQueued } = this.#queue;
    return new UserLimitExceededError({
      userId: this.#userId,
      limit: maxQueued,
      message:
        `User ${this.#userId} has too many runs waiting on engine ${this.#engineId}: ` +
        `${maxConcurrent} running and ${maxQueued} queued (the queue limit, maxQueuedRunsPerEngine). ` +
        'Retry when a run has finished, or raise limits.maxQueuedRunsPerEngine.',
    });
  }
}
