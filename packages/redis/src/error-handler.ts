import type { BatonError } from '@baton/engine-contract';

/**
 * Receives failures that have no caller to reject: a `publish` that could not be written, a lease
 * refresh that failed, a corrupt stream entry that was skipped. Gets a `TransportError` (Redis
 * failed, `cause` holds the ioredis error), an `InvalidEventError` or an `InvalidUserContextError`.
 */
export type RedisErrorHandler = (error: BatonError) => void;

/**
 * The default handler: a process warning (printed to stderr once per call, observable through
 * `process.on('warning')`), so failures are visible without a logger and never crash the process.
 * @internal
 */
export function warnOnError(error: BatonError): void {
  process.emitWarning(error);
}

/**
 * Wraps a handler so that a throwing handler cannot break the code that reports to it (a timer or a
 * promise chain that must never reject).
 * @internal
 */
export function safeErrorHandler(handler: RedisErrorHandler): RedisErrorHandler {
  return (error) => {
    try {
      handler(error);
    } catch {
      // The handler's own failure has nowhere better to go; swallowing it keeps publish/refresh alive.
    }
  };
}
