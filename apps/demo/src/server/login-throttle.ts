import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

/** The limits of the login throttle. */
export interface LoginLimits {
  /** Login attempts allowed per client address within `windowMs`; the next one gets 429. */
  maxFailuresPerAddress: number;
  /**
   * Login attempts allowed per username within `windowMs`, from any address. Higher than the
   * per-address limit, so that one address is stopped before it can lock an account out.
   */
  maxFailuresPerUsername: number;
  /** Length of the window (ms), from an address's (username's) first counted attempt; rounded up to whole seconds. */
  windowMs: number;
}

/** Options of the login throttle. */
export interface LoginThrottleOptions extends LoginLimits {
  /**
   * Redis mode: the counts live in Redis under `${keyPrefix}demo:login:…`, so the limits hold across
   * every instance. While Redis is unreachable each instance counts in memory meanwhile.
   */
  redis?: { client: Redis; keyPrefix: string };
}

/** An attempt the throttle admitted: its password may be checked. */
export interface LoginAttempt {
  /**
   * The attempt does not count: its password was right (so only failures use up the limits), or it
   * was never checked (the server was too busy). Never rejects.
   */
  refund(): Promise<void>;
}

/** What the throttle says about a login attempt. */
export type LoginAdmission =
  | { readonly admitted: true; readonly attempt: LoginAttempt }
  | {
      readonly admitted: false;
      /** Which limit refused it. */
      readonly limit: 'address' | 'username';
      /** Milliseconds until the window that refused it ends. */
      readonly retryAfterMs: number;
    };

function createLimiter(points: number, duration: number, name: string, redis: LoginThrottleOptions['redis']): RateLimiterAbstract {
  const memory = new RateLimiterMemory({ points, duration, keyPrefix: name });
  if (!redis) return memory;
  return new RateLimiterRedis({
    storeClient: redis.client,
    keyPrefix: `${redis.keyPrefix}demo:login:${name}`,
    points,
    duration,
    // While Redis is away, count here at once instead of waiting for ioredis to give up.
    rejectIfRedisNotReady: true,
    insuranceLimiter: memory,
  });
}

/**
 * Limits login attempts per client address and per username with `rate-limiter-flexible` (in memory,
 * or in Redis so that the limits hold across instances). Every attempt is counted atomically before
 * its password is checked, so parallel guesses cannot all slip in before the first failure is
 * recorded; a successful one (and one never checked) is refunded. Usernames are counted by a hash, so a password typed into
 * the username field never reaches Redis.
 */
export class LoginThrottle {
  readonly #byAddress: RateLimiterAbstract;
  readonly #byUsername: RateLimiterAbstract;

  constructor(options: LoginThrottleOptions) {
    checkLoginLimits(options);
    const duration = Math.ceil(options.windowMs / 1000);
    this.#byAddress = createLimiter(options.maxFailuresPerAddress, duration, 'address', options.redis);
    this.#byUsername = createLimiter(options.maxFailuresPerUsername, duration, 'username', options.redis);
  }

  /**
   * Counts a login attempt from `address` for `username` and says whether its password may be
   * checked. The address is counted first; an attempt it refuses does not count for the username.
   */
  async attempt(address: string, username: string): Promise<LoginAdmission> {
    const addressKey = address;
    const usernameKey = createHash('sha256').update(username.normalize('NFC')).digest('base64url');
    const byAddress = await consume(this.#byAddress, addressKey);
    if (byAddress !== undefined) return { admitted: false, limit: 'address', retryAfterMs: byAddress };
    const byUsername = await consume(this.#byUsername, usernameKey);
    if (byUsername !== undefined) return { admitted: false, limit: 'username', retryAfterMs: byUsername };
    return {
      admitted: true,
      attempt: {
        refund: async () => {
          await Promise.all([
            this.#byAddress.reward(addressKey).catch(() => undefined),
            this.#byUsername.reward(usernameKey).catch(() => undefined),
          ]);
        },
      },
    };
  }
}

/** Returns the limits when each is a positive whole number; throws an Error naming the first that is not. */
export function checkLoginLimits<T extends LoginLimits>(limits: T): T {
  const { maxFailuresPerAddress, maxFailuresPerUsername, windowMs } = limits;
  for (const [name, value] of Object.entries({ maxFailuresPerAddress, maxFailuresPerUsername, windowMs })) {
    if (!Number.isSafeInteger(value) || value < 1)
      throw new Error(`The login throttle's ${name} must be a positive whole number, got ${value}`);
  }
  return limits;
}

/** Consumes one point: undefined when allowed, else the milliseconds until the window ends. */
async function consume(limiter: RateLimiterAbstract, key: string): Promise<number | undefined> {
  try {
    await limiter.consume(key);
    return undefined;
  } catch (rejection) {
    // A store error (with the insurance limiter in place, only a bug) is an error, not a refusal.
    if (!(rejection instanceof RateLimiterRes)) throw rejection;
    return Math.max(1, rejection.msBeforeNext);
  }
}
