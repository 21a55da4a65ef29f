import { BatonError } from './baton-error.js';

const name = 'FactoryShutdownError';
const marker = `baton.error.${name}`;
const symbol = Symbol.for(marker);

/** Thrown by `createEngine` after `factory.shutdown()` (`code: 'FACTORY_SHUTDOWN'`). */
export class FactoryShutdownError extends BatonError {
  private readonly [symbol] = true;

  constructor(options: { cause?: unknown } = {}) {
    super({
      code: 'FACTORY_SHUTDOWN',
      message: 'The engine factory has been shut down; create a new factory with createEngineFactory(...).',
      cause: options.cause,
    });
    this.name = name;
  }

  /** True for a `FactoryShutdownError` from any copy of this package; false for other errors. */
  static override isInstance(error: unknown): error is FactoryShutdownError {
    return BatonError.hasMarker(error, marker);
  }
}
