import type { EngineLogger } from '@baton/engine-factory';

/** One line the factory logged. */
export interface LogEntry {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly details: Readonly<Record<string, unknown>> | undefined;
}

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * A logger that keeps what the factory logs (a listener that threw, an invalid event it dropped, a
 * slow disposal) in `entries`, for tests to assert on. Reads both argument orders, `(message,
 * details)` and the pino-style `(details, message)`, so it works whichever the factory uses. @internal
 */
export function createRecordedLogger(): { logger: EngineLogger; entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const method =
    (level: LogEntry['level']) =>
    (first: unknown, second?: unknown): void => {
      const [message, details] = typeof first === 'string' ? [first, second] : [second, first];
      entries.push({ level, message: typeof message === 'string' ? message : '', details: isRecord(details) ? details : undefined });
    };
  const logger = Object.fromEntries(LEVELS.map((level) => [level, method(level)])) as EngineLogger;
  return { logger, entries };
}
