import { BatonError, TransportError } from '@baton/engine-contract';

/**
 * Wraps a Redis/ioredis failure as a `TransportError` with the original as `cause`. Baton errors
 * pass through unchanged so that a `ReplayUnavailableError` or an earlier `TransportError` keeps its
 * type and message.
 * @internal
 */
export function transportErrorFrom(cause: unknown, action: string): BatonError {
  if (BatonError.isInstance(cause)) return cause;
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new TransportError({ message: `Redis ${action} failed: ${reason}`, cause });
}
