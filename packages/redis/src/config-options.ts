import { InvalidConfigError } from '@baton/engine-contract';
import { type RedisErrorHandler, safeErrorHandler, warnOnError } from './error-handler.js';
import { DEFAULT_KEY_PREFIX } from './redis-keys.js';

/**
 * Checks that `options` is a plain object with no keys besides `allowed` (a misspelt option would
 * otherwise silently fall back to its default).
 * @internal
 */
export function assertOptionsObject(
  options: unknown,
  allowed: readonly string[],
  factoryName: string,
): asserts options is Record<string, unknown> {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidConfigError({ message: `${factoryName} expects an options object with \`redis\`` });
  }
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new InvalidConfigError({ message: `${factoryName}: unknown option \`${key}\` (allowed: ${allowed.join(', ')})` });
    }
  }
}

/** An integer option within `[min, max]`, or its default when absent. @internal */
export function integerOption(
  options: Record<string, unknown>,
  name: string,
  rule: { min: number; max?: number; defaultValue: number },
): number {
  const value = options[name];
  if (value === undefined) return rule.defaultValue;
  const max = rule.max ?? Number.MAX_SAFE_INTEGER;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < rule.min || value > max) {
    throw new InvalidConfigError({ message: `${name} must be an integer between ${rule.min} and ${max}` });
  }
  return value;
}

// Whitespace would break CLIENT SETNAME (owned connections are named after the prefix) and makes
// keys hard to read and type in redis-cli.
const FORBIDDEN_PREFIX = /[\s\p{Cc}]/u;

/** `keyPrefix`: any string without whitespace or control characters (empty allowed); default `baton:`. @internal */
export function keyPrefixOption(options: Record<string, unknown>): string {
  const value = options.keyPrefix;
  if (value === undefined) return DEFAULT_KEY_PREFIX;
  if (typeof value !== 'string' || value.length > 256 || FORBIDDEN_PREFIX.test(value)) {
    throw new InvalidConfigError({
      message: 'keyPrefix must be a string of at most 256 characters without whitespace or control characters',
    });
  }
  return value;
}

/** `onError`: a function, or the default process warning; wrapped so it can never throw into us. @internal */
export function onErrorOption(options: Record<string, unknown>): RedisErrorHandler {
  const value = options.onError;
  if (value === undefined) return safeErrorHandler(warnOnError);
  if (typeof value !== 'function') throw new InvalidConfigError({ message: 'onError must be a function' });
  return safeErrorHandler(value as RedisErrorHandler);
}
