import { z } from 'zod';

/** The limits every engine factory starts from; each field of `EngineLimits` not given takes its default. */
export const DEFAULT_ENGINE_LIMITS = Object.freeze({
  maxEnginesPerUser: 2,
  maxConcurrentRunsPerEngine: 3,
  maxQueuedRunsPerEngine: 100,
  runTimeoutMs: 30_000,
  engineIdleTimeoutMs: 300_000,
  reapIntervalMs: 60_000,
  disposeTimeoutMs: 5_000,
});

const limit = (fallback: number) => z.number().int().min(1).default(fallback);

/**
 * The factory's limits (every field an integer ≥ 1, defaults from `DEFAULT_ENGINE_LIMITS`). Strict, so
 * that a misspelt field (`maxEnginePerUser`) is an error instead of a silently ignored limit. Lives in
 * the contract so that the factory validates with zod while depending on the contract alone.
 */
export const EngineLimitsSchema = z.strictObject({
  /** Engines one user may hold at once (through the factory's `admission`). */
  maxEnginesPerUser: limit(DEFAULT_ENGINE_LIMITS.maxEnginesPerUser),
  /** Calls of one engine that run at the same time. */
  maxConcurrentRunsPerEngine: limit(DEFAULT_ENGINE_LIMITS.maxConcurrentRunsPerEngine),
  /** Calls of one engine that may wait (FIFO) for a slot; one more is refused. */
  maxQueuedRunsPerEngine: limit(DEFAULT_ENGINE_LIMITS.maxQueuedRunsPerEngine),
  /** Deadline of a call from the moment it is made, queue wait included (ms). */
  runTimeoutMs: limit(DEFAULT_ENGINE_LIMITS.runTimeoutMs),
  /** An engine without runs or activity for longer than this is disposed by the reaper (ms). */
  engineIdleTimeoutMs: limit(DEFAULT_ENGINE_LIMITS.engineIdleTimeoutMs),
  /** How often the reaper looks for idle engines (ms). */
  reapIntervalMs: limit(DEFAULT_ENGINE_LIMITS.reapIntervalMs),
  /** How long `dispose()` waits for aborted agents to settle before giving up on them (ms). */
  disposeTimeoutMs: limit(DEFAULT_ENGINE_LIMITS.disposeTimeoutMs),
});

/** The limits a factory enforces, after defaults. */
export type EngineLimits = z.output<typeof EngineLimitsSchema>;
/** What `createEngineFactory({ limits })` accepts: any subset of the limits. */
export type EngineLimitsInput = z.input<typeof EngineLimitsSchema>;
