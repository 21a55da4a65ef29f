import { InvalidConfigError } from '@baton/engine-contract';
import { z } from 'zod';

/** The limits a factory enforces. Every field is an integer ≥ 1. */
export interface EngineLimits {
  /** Engines one user may hold at once (through the factory's `admission`). Default 2. */
  maxEnginesPerUser: number;
  /** Calls of one engine that run at the same time. Default 3. */
  maxConcurrentRunsPerEngine: number;
  /** Calls of one engine that may wait (FIFO) for a slot; one more is refused. Default 100. */
  maxQueuedRunsPerEngine: number;
  /** Deadline of a call from the moment it is made, queue wait included (ms). Default 30000. */
  runTimeoutMs: number;
  /** An engine without runs and without activity for longer than this is disposed by the reaper (ms). Default 300000. */
  engineIdleTimeoutMs: number;
  /** How often the reaper looks for idle engines (ms). Default 60000. */
  reapIntervalMs: number;
  /** How long `dispose()` waits for aborted agents to settle before giving up on them (ms). Default 5000. */
  disposeTimeoutMs: number;
}

/** The limits used for every field not given to `createEngineFactory`. */
export const DEFAULT_ENGINE_LIMITS: Readonly<EngineLimits> = Object.freeze({
  maxEnginesPerUser: 2,
  maxConcurrentRunsPerEngine: 3,
  maxQueuedRunsPerEngine: 100,
  runTimeoutMs: 30_000,
  engineIdleTimeoutMs: 300_000,
  reapIntervalMs: 60_000,
  disposeTimeoutMs: 5_000,
});

const limit = (fallback: number) => z.number().int().min(1).default(fallback);

// Strict so that a misspelt field ("maxEnginePerUser") is an error instead of a silently ignored limit.
const EngineLimitsSchema = z.strictObject({
  maxEnginesPerUser: limit(DEFAULT_ENGINE_LIMITS.maxEnginesPerUser),
  maxConcurrentRunsPerEngine: limit(DEFAULT_ENGINE_LIMITS.maxConcurrentRunsPerEngine),
  maxQueuedRunsPerEngine: limit(DEFAULT_ENGINE_LIMITS.maxQueuedRunsPerEngine),
  runTimeoutMs: limit(DEFAULT_ENGINE_LIMITS.runTimeoutMs),
  engineIdleTimeoutMs: limit(DEFAULT_ENGINE_LIMITS.engineIdleTimeoutMs),
  reapIntervalMs: limit(DEFAULT_ENGINE_LIMITS.reapIntervalMs),
  disposeTimeoutMs: limit(DEFAULT_ENGINE_LIMITS.disposeTimeoutMs),
}) satisfies z.ZodType<EngineLimits, Partial<EngineLimits> | undefined>;

/**
 * Fills in the defaults and validates the limits.
 * @throws InvalidConfigError naming the first offending field (`limits.runTimeoutMs must be an integer ≥ 1`).
 * @internal
 */
export function resolveEngineLimits(input: Partial<EngineLimits> | undefined): Readonly<EngineLimits> {
  const parsed = EngineLimitsSchema.safeParse(input ?? {});
  if (parsed.success) return Object.freeze(parsed.data);
  const issue = parsed.error.issues[0];
  if (issue?.code === 'unrecognized_keys') {
    throw new InvalidConfigError({
      message: `limits.${issue.keys.join(', limits.')} is not a known limit (known: ${Object.keys(DEFAULT_ENGINE_LIMITS).join(', ')})`,
      cause: parsed.error,
    });
  }
  const field = issue && issue.path.length > 0 ? `limits.${issue.path.join('.')}` : 'limits';
  const rule = field === 'limits' ? 'must be an object of integer limits' : 'must be an integer ≥ 1';
  throw new InvalidConfigError({ message: `${field} ${rule}`, cause: parsed.error });
}
