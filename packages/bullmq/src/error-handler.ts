/**
 * Receives failures that have no caller to reject: a BullMQ connection error, a job whose state could
 * not be changed, an approval timeout that could not be scheduled. Default: `process.emitWarning`.
 */
export type WorkflowErrorHandler = (error: Error) => void;

/** The default handler: a process warning, visible without a logger and never a crash. @internal */
export function warnOnError(error: Error): void {
  process.emitWarning(error);
}

/**
 * Wraps a handler so that a throwing handler cannot break the code that reports to it (a BullMQ
 * event listener, a promise chain that must never reject).
 * @internal
 */
export function safeErrorHandler(handler: WorkflowErrorHandler): WorkflowErrorHandler {
  return (error) => {
    try {
      handler(error);
    } catch {
      // The handler's own failure has nowhere better to go.
    }
  };
}

/** `error` as an `Error` (a rejection may carry anything). @internal */
export function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
