/**
 * Factory-wide counters and gauges (`factory.getMetrics()`). `enginesActive` and `activeUsers` are
 * gauges; every other field is a counter that never decreases. They balance at every moment:
 * `runsStarted = runsSucceeded + runsFailed + runsTimedOut + runsCancelled + (calls in flight)` and
 * `enginesCreated = enginesActive + enginesDisposed`.
 */
export interface EngineFactoryMetrics {
  /** Engines handed out by `createEngine`. */
  enginesCreated: number;
  /** Gauge: engines not disposed yet. */
  enginesActive: number;
  /** Engines disposed, for whatever reason (reaped ones included). */
  enginesDisposed: number;
  /** Engines disposed by the reaper for being idle. */
  enginesReaped: number;
  /** `UserLimitExceededError`s thrown: engines refused by admission plus calls refused by a full run queue. */
  userLimitRejections: number;
  /** Gauge: users holding at least one active engine. */
  activeUsers: number;
  /**
   * `executeAgent` calls accepted by an engine (not rejected with an error): those that ran, those
   * that waited, and those answered at once as `cancelled` because their signal was already aborted.
   * The same definition as `EngineStats.runsStarted`; this is the sum over all engines, disposed ones included.
   */
  runsStarted: number;
  runsSucceeded: number;
  runsFailed: number;
  runsTimedOut: number;
  runsCancelled: number;
  /** Calls that had to wait in an engine's queue for a slot. */
  runsQueued: number;
  /**
   * Input tokens reported (`ctx.reportUsage`) by finished calls: the sum of `EngineStats.inputTokens`
   * over all engines, disposed ones included.
   */
  inputTokens: number;
  /** Output tokens reported by finished calls, summed like `inputTokens`. */
  outputTokens: number;
}
