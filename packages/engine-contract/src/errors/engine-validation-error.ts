import { BatonError } from './baton-error.js';

const name = 'EngineValidationError';
const marker = `baton.error.${name}`;
const symbol = Symbol.for(marker);

/** How to obtain the only kind of engine Baton accepts; part of every `EngineValidationError` message. */
export const GENUINE_ENGINE_HINT =
  'Create one with createEngineFactory({ agents }).createEngine(userContext) from @baton/engine-factory. ' +
  'Legacy engines (ExecutionEngine, ExecutionEngineConsolidated, ConsolidatedExecutionEngine, ...) are not accepted; ' +
  'see the migration guide of @baton/legacy-engines.';

/**
 * Thrown when something that is not a genuine engine made by `@baton/engine-factory` is used as one
 * (`code: 'INVALID_ENGINE'`). The message says what was received and how to get a genuine engine.
 */
export class EngineValidationError extends BatonError {
  private readonly [symbol] = true;
  /** A short description of what was received (its type or class name, never its contents). */
  readonly received: string;

  constructor(options: { received: string; cause?: unknown }) {
    super({
      code: 'INVALID_ENGINE',
      message: `Expected a UserExecutionEngine created by @baton/engine-factory, but received ${options.received}. ${GENUINE_ENGINE_HINT}`,
      cause: options.cause,
    });
    this.name = name;
    this.received = options.received;
  }

  /** True for an `EngineValidationError` from any copy of this package; false for other errors. */
  static override isInstance(error: unknown): error is EngineValidationError {
    return BatonError.hasMarker(error, marker);
  }
}
