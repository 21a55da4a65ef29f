/** One logging method in Baton's style: a message, then structured details (engine id, error, ...). */
export type EngineLogMethod = (message: string, details?: Record<string, unknown>) => void;

/**
 * One logging method in pino's style (pino, Fastify's `app.log` and `request.log`): the details object
 * first, then the message.
 */
export type PinoStyleLogMethod = (details: Record<string, unknown>, message: string) => void;

/**
 * Where the factory and its engines report what they cannot throw (a listener that threw, a dispose
 * that timed out, an engine reaped). Every method is optional; without a logger the library is silent.
 *
 * Two styles are accepted, told apart once, when the factory is created:
 * - a pino logger (it carries pino's `Symbol.for('pino.serializers')` brand, as every pino logger
 *   since pino 5 does, child loggers and Fastify's `app.log` / `request.log` included) is called as
 *   `logger.warn({ ...details, err }, message)`: the details become fields of the JSON line, and an
 *   `error` detail is passed as `err`, which pino's standard serializer turns into type, message
 *   and stack;
 * - anything else (console, winston, your own) is called as `logger.warn(message, details)`.
 * Another logger that takes the object first (bunyan, ...) is passed wrapped:
 * `{ warn: (message, details) => log.warn(details ?? {}, message), ... }`.
 */
export interface EngineLogger {
  debug?: EngineLogMethod | PinoStyleLogMethod;
  info?: EngineLogMethod | PinoStyleLogMethod;
  warn?: EngineLogMethod | PinoStyleLogMethod;
  error?: EngineLogMethod | PinoStyleLogMethod;
}

/** A logger whose every method exists and never throws. @internal */
export interface SafeLogger {
  debug: EngineLogMethod;
  info: EngineLogMethod;
  warn: EngineLogMethod;
  error: EngineLogMethod;
}

/** How a user logger is called. @internal */
export type EngineLoggerStyle = 'message-first' | 'pino';

// A registry symbol (shared by every copy of pino) that pino puts on its loggers' prototype chain.
const PINO_BRAND = Symbol.for('pino.serializers');

/** `'pino'` for a pino logger (or a child of one, or Fastify's), `'message-first'` for anything else. @internal */
export function loggerStyleOf(logger: object): EngineLoggerStyle {
  try {
    return PINO_BRAND in logger ? 'pino' : 'message-first';
  } catch {
    // A proxy whose `has` trap throws is not a pino logger.
    return 'message-first';
  }
}

const silent: EngineLogMethod = () => {};

/** The details as pino expects them: `error` becomes `err` (pino's standard error serializer reads that key). */
function pinoDetails(details: Record<string, unknown> | undefined): Record<string, unknown> {
  if (details === undefined) return {};
  if (!('error' in details)) return details;
  const { error, ...rest } = details;
  return { ...rest, err: error };
}

function guard(logger: EngineLogger, method: unknown, style: EngineLoggerStyle): EngineLogMethod {
  if (typeof method !== 'function') return silent;
  if (style === 'pino') {
    return (message, details) => {
      try {
        method.call(logger, pinoDetails(details), message);
      } catch {
        // A broken logger must not break a run; there is nowhere left to report its failure.
      }
    };
  }
  return (message, details) => {
    try {
      method.call(logger, message, details);
    } catch {
      // As above.
    }
  };
}

/** Wraps a user logger so that a missing or throwing method can never reach the engine's code paths. @internal */
export function toSafeLogger(logger: EngineLogger | undefined): SafeLogger {
  const source = logger ?? {};
  const style = loggerStyleOf(source);
  return {
    debug: guard(source, source.debug, style),
    info: guard(source, source.info, style),
    warn: guard(source, source.warn, style),
    error: guard(source, source.error, style),
  };
}

/**
 * A logger that adds `base` to the details of every line (an engine's `engineId` and `userId`), so
 * that every warning of an engine names whose engine it was. The line's own details win. @internal
 */
export function withBaseDetails(logger: SafeLogger, base: Readonly<Record<string, unknown>>): SafeLogger {
  // A silent method stays silent for free: no details object is built for a line nobody reads.
  const scoped = (method: EngineLogMethod): EngineLogMethod =>
    method === silent ? silent : (message, details) => method(message, { ...base, ...details });
  return { debug: scoped(logger.debug), info: scoped(logger.info), warn: scoped(logger.warn), error: scoped(logger.error) };
}
