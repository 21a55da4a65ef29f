import type { AgentRunStatus, EngineStats, TokenUsage } from '@baton/engine-contract';

/**
 * The counters an engine hands to its factory, which sums them over every engine (disposed ones
 * included) for `factory.getMetrics()`.
 * @internal
 */
export interface RunTotals {
  runsStarted: number;
  runsSucceeded: number;
  runsFailed: number;
  runsTimedOut: number;
  runsCancelled: number;
  /** Calls that had to wait for a slot. */
  runsQueued: number;
  /** Calls refused because the queue was full. */
  queueRejections: number;
  /** Tokens reported (`ctx.reportUsage`) by finished calls. */
  inputTokens: number;
  outputTokens: number;
}

/** Totals that count nothing yet (the factory's start for disposed engines' sums). @internal */
export function emptyRunTotals(): RunTotals {
  return {
    runsStarted: 0,
    runsSucceeded: 0,
    runsFailed: 0,
    runsTimedOut: 0,
    runsCancelled: 0,
    runsQueued: 0,
    queueRejections: 0,
    inputTokens: 0,
    outputTokens: 0,
  };
}

/** What `snapshot` needs besides the counters: the engine's identity and its current gauges. @internal */
export interface RunStatsGauges {
  readonly engineId: string;
  readonly userId: string;
  readonly maxConcurrentRuns: number;
  readonly activeRuns: number;
  readonly queuedRuns: number;
  readonly listenerErrors: number;
}

/**
 * One engine's run counters, durations and last activity. Written only through the `record*`
 * methods (each called at one point of a run's life), read only through `snapshot` and `addTo`, so
 * no other part of the engine can skew them.
 * @internal
 */
export class RunStats {
  #started = 0;
  #succeeded = 0;
  #failed = 0;
  #timedOut = 0;
  #cancelled = 0;
  #queued = 0;
  #queueRejections = 0;
  #orphaned = 0;
  #peakRunning = 0;
  #finished = 0;
  #totalRunMs = 0;
  #totalQueueMs = 0;
  #maxRunMs = 0;
  #inputTokens = 0;
  #outputTokens = 0;
  #lastActivityAt: number;

  /** @param createdAt when the engine was created: an engine that never ran is idle since then. */
  constructor(createdAt: number) {
    this.#lastActivityAt = createdAt;
  }

  /** Last admission, run end or workflow event (the reaper disposes engines idle for too long). */
  get lastActivityAt(): number {
    return this.#lastActivityAt;
  }

  /** A call was admitted (it runs, waits, or is answered at once). */
  recordAdmitted(at: number): void {
    this.#started++;
    this.#lastActivityAt = at;
  }

  /** An admitted call had to wait for a slot. */
  recordQueued(): void {
    this.#queued++;
  }

  /** A call was refused because the queue was full. */
  recordQueueRejection(): void {
    this.#queueRejections++;
  }

  /** A call got a slot; `running` counts it. */
  recordRunning(running: number): void {
    if (running > this.#peakRunning) this.#peakRunning = running;
  }

  /** A call ended, whatever ended it. */
  recordEnded(status: AgentRunStatus, durationMs: number, queuedMs: number, at: number): void {
    if (status === 'succeeded') this.#succeeded++;
    else if (status === 'failed') this.#failed++;
    else if (status === 'timed_out') this.#timedOut++;
    else this.#cancelled++;
    this.#finished++;
    this.#totalRunMs += durationMs;
    this.#totalQueueMs += queuedMs;
    if (durationMs > this.#maxRunMs) this.#maxRunMs = durationMs;
    this.#lastActivityAt = at;
  }

  /** A call that reported usage ended (called with its final usage, once). */
  recordUsage(usage: TokenUsage): void {
    this.#inputTokens += usage.inputTokens;
    this.#outputTokens += usage.outputTokens;
  }

  /** A timed-out or cancelled agent settled after its result was returned. */
  recordOrphan(): void {
    this.#orphaned++;
  }

  /** Something other than a run kept the engine busy (a workflow event). */
  recordActivity(at: number): void {
    this.#lastActivityAt = at;
  }

  /** `engine.getStats()`: a fresh object every call, so callers may keep or change it. */
  snapshot(gauges: RunStatsGauges): EngineStats {
    const finished = this.#finished;
    return {
      engineId: gauges.engineId,
      userId: gauges.userId,
      runsStarted: this.#started,
      runsSucceeded: this.#succeeded,
      runsFailed: this.#failed,
      runsTimedOut: this.#timedOut,
      runsCancelled: this.#cancelled,
      activeRuns: gauges.activeRuns,
      queuedRuns: gauges.queuedRuns,
      maxConcurrentRuns: gauges.maxConcurrentRuns,
      peakConcurrentRuns: this.#peakRunning,
      avgRunMs: finished === 0 ? 0 : this.#totalRunMs / finished,
      maxRunMs: this.#maxRunMs,
      avgQueueMs: finished === 0 ? 0 : this.#totalQueueMs / finished,
      orphanedRuns: this.#orphaned,
      listenerErrors: gauges.listenerErrors,
      inputTokens: this.#inputTokens,
      outputTokens: this.#outputTokens,
    };
  }

  /** Adds this engine's counters to `totals` (the factory's sums). */
  addTo(totals: RunTotals): void {
    totals.runsStarted += this.#started;
    totals.runsSucceeded += this.#succeeded;
    totals.runsFailed += this.#failed;
    totals.runsTimedOut += this.#timedOut;
    totals.runsCancelled += this.#cancelled;
    totals.runsQueued += this.#queued;
    totals.queueRejections += this.#queueRejections;
    totals.inputTokens += this.#inputTokens;
    totals.outputTokens += this.#outputTokens;
  }
}
