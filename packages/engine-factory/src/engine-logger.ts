/** One logging method: a message plus structured details (engine id, error, ...). */
export type EngineLogMethod = (message: string, details?: Record<string, unknown>) => void;

/**
 * Where the factory and its engines report what they cannot throw (a listener that threw, a dispose
 * that timed out, an engine reaped). Every method is optional; without a logger the library is silent.
 */
export interface EngineLogger {
  debug?: EngineLogMethod;
  info?: EngineLogMethod;
  warn?: EngineLogMethod;
  error?: EngineLogMethod;
}

/** A logger whose every method exists and never throws. @internal */
export interface SafeLogger {
  debug: EngineLogMethod;
  info: EngineLogMethod;
  warn: EngineLogMethod;
  error: EngineLogMethod;
}

const silent: EngineLogMethod = () => {};

function guard(logger: EngineLogger, method: EngineLogMethod | undefined): EngineLogMethod {
  if (typeof method !== 'function') return silent;
  return (message, details) => {
    try {
      method.call(logger, message, details);
    } catch {
      // A broken logger must not break a run; there is nowhere left to report its failure.
    }
  };
}

/** Wraps a user logger so that a missing or throwing method can never reach the engine's code paths. @internal */
export function toSafeLogger(logger: EngineLogger | undefined): SafeLogger {
  const source = logger ?? {};
  return {
    debug: guard(source, source.debug),
    info: guard(source, source.info),
    warn: guard(source, source.warn),
    error: guard(source, source.error),
  };
}
