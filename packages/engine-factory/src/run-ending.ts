import type { AgentRunError, AgentRunResult, AgentRunStatus, UserExecutionContext } from '@baton/engine-contract';
import { type AgentRun, EndCause, RunState } from './agent-run.js';
import type { DeadlineTimer } from './deadline-timer.js';
import type { RunEvents } from './run-events.js';
import { cancelledByCaller, cancelledByDispose, timedOut } from './run-outcomes.js';
import type { RunQueue } from './run-queue.js';
import { abortRunSignal } from './run-signal.js';
import type { RunStats } from './run-stats.js';

/** What ending calls needs from its engine. @internal */
export interface RunEndingOptions {
  readonly engineId: string;
  readonly userContext: UserExecutionContext;
  readonly now: () => number;
  readonly queue: RunQueue;
  readonly stats: RunStats;
  readonly timer: DeadlineTimer;
  readonly events: RunEvents;
  /** A running call ended: its slot is free for the next waiting call. */
  readonly onSlotFreed: () => void;
}

/**
 * Ends calls, each exactly once, whatever ended it (the agent, its deadline, its caller's signal or
 * dispose), and builds their `AgentRunResult`. A timed-out or cancelled call gets its result at once,
 * even when its agent ignores the signal and never settles.
 * @internal
 */
export class RunEnding {
  readonly #engineId: string;
  readonly #userContext: UserExecutionContext;
  readonly #now: () => number;
  readonly #queue: RunQueue;
  readonly #stats: RunStats;
  readonly #timer: DeadlineTimer;
  readonly #events: RunEvents;
  readonly #onSlotFreed: () => void;

  constructor(options: RunEndingOptions) {
    this.#engineId = options.engineId;
    this.#userContext = options.userContext;
    this.#now = options.now;
    this.#queue = options.queue;
    this.#stats = options.stats;
    this.#timer = options.timer;
    this.#events = options.events;
    this.#onSlotFreed = options.onSlotFreed;
  }

  /**
   * Ends a call (a second call for the same run does nothing): takes it off the queue, counts it,
   * emits its agent_completed, resolves its promise, aborts the agent's signal (after the event, so a
   * `think` in an abort handler emits nothing) and hands the slot to the next waiting call.
   * @param cause `NONE` when the agent itself finished (`output` or `error` is its outcome).
   */
  end(run: AgentRun, status: AgentRunStatus, cause: EndCause, output: unknown, error: AgentRunError | undefined): void {
    const previous = run.state;
    if (previous === RunState.DONE) return;
    const endedAt = this.#now();
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
    this.#queue.remove(run, previous);
    const callerSignal = run.callerSignal;
    if (callerSignal !== undefined) {
      run.callerSignal = undefined;
      callerSignal.removeEventListener('abort', run);
    }

    const durationMs = endedAt > run.calledAt ? endedAt - run.calledAt : 0;
    // A call that never got a slot spent all its time queued.
    const queuedMs = previous === RunState.RUNNING ? (run.startedAt > run.calledAt ? run.startedAt - run.calledAt : 0) : durationMs;
    this.#stats.recordEnded(status, durationMs, queuedMs, endedAt);
    if (this.#queue.size === 0) this.#timer.release();

    const result: AgentRunResult = {
      status,
      executionId: run.executionId,
      agentName: run.agent.name,
      runId: this.#userContext.runId,
      requestId: this.#userContext.requestId,
      durationMs,
      queuedMs,
    };
    if (run.stage !== undefined) result.stage = run.stage;
    if (output !== undefined) result.output = output;
    if (error !== undefined) result.error = error;
    // The run is over: no later report can change this object any more (they are ignored).
    const usage = run.usage;
    if (usage !== undefined) {
      result.usage = usage;
      this.#stats.recordUsage(usage);
    }

    this.#events.completed(run, endedAt, result);
    run.resolve(result);
    // The two calls below are guarded here rather than inside: on the common path (no signal asked
    // for, nobody waiting) they are never made, which keeps this function within V8's inlining budget.
    if (run.controller !== undefined) abortRunSignal(run, this.#engineId);
    if (previous === RunState.RUNNING && this.#queue.waiting.size !== 0) this.#onSlotFreed();
  }

  /**
   * A running call whose deadline has passed although the deadline timer has not run yet (event-loop
   * lag) reported output or usage: it ends `timed_out` now, and what it reported is dropped.
   */
  timeOutOverdue(run: AgentRun): void {
    if (run.state !== RunState.DONE) this.end(run, 'timed_out', EndCause.TIMEOUT, undefined, timedOut(run));
  }

  /** The caller's signal fired: the call ends `cancelled` at once, running or queued. */
  cancelByCaller(run: AgentRun): void {
    if (run.state === RunState.DONE) return;
    run.callerReason = run.callerSignal?.reason;
    this.end(run, 'cancelled', EndCause.CALLER, undefined, cancelledByCaller());
  }

  /**
   * The deadline timer fired: times out every pending call whose deadline is at or before `reached`,
   * then re-arms the timer for the earliest deadline left.
   */
  timeOutDue(reached: number): void {
    if (this.#queue.closed) return;
    for (const run of this.#queue.due(reached)) {
      // An earlier end in this loop may have ended it already (a listener cancelling a call).
      if (run.state !== RunState.DONE) this.end(run, 'timed_out', EndCause.TIMEOUT, undefined, timedOut(run));
    }
    if (this.#queue.closed) return;
    // A listener may have started a call (and armed the timer for it) meanwhile: the timer keeps the earliest.
    this.#timer.schedule(this.#queue.earliestDeadline(), reached);
  }

  /** Dispose: ends every waiting call (it never starts) and then every running one as `cancelled`. */
  cancelAll(): void {
    const queue = this.#queue;
    for (let run = queue.waiting.head; run !== undefined; run = queue.waiting.head)
      this.end(run, 'cancelled', EndCause.DISPOSE, undefined, cancelledByDispose(this.#engineId));
    for (let run = queue.running.head; run !== undefined; run = queue.running.head)
      this.end(run, 'cancelled', EndCause.DISPOSE, undefined, cancelledByDispose(this.#engineId));
  }
}
