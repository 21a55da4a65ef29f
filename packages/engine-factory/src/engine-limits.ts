import {
  DEFAULT_ENGINE_LIMITS,
  type EngineLimits,
  type EngineLimitsInput,
  EngineLimitsSchema,
  firstZodIssue,
  InvalidConfigError,
} from '@baton/engine-contract';

/**
 * Fills in the defaults and validates the limits.
 * @throws InvalidConfigError naming the first offending field (`limits.runTimeoutMs must be an integer ≥ 1`).
 * @internal
 */
export function resolveEngineLimits(input: EngineLimitsInput | undefined): Readonly<EngineLimits> {
  const parsed = EngineLimitsSchema.safeParse(input ?? {});
  if (parsed.success) return Object.freeze(parsed.data);
  const issue = parsed.error.issues[0];
  if (issue?.code === 'unrecognized_keys') {
    throw new InvalidConfigError({
      message: `limits.${issue.keys.join(', limits.')} is not a known limit (known: ${Object.keys(DEFAULT_ENGINE_LIMITS).join(', ')})`,
      cause: parsed.error,
    });
  }
  const { path } = firstZodIssue(parsed.error);
  const field = path === '' ? 'limits' : `limits.${path}`;
  const rule = field === 'limits' ? 'must be an object of integer limits' : 'must be an integer ≥ 1';
  throw new InvalidConfigError({ message: `${field} ${rule}`, cause: parsed.error });
}
