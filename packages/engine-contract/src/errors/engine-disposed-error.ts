import { BatonError } from './baton-error.js';

const name = 'EngineDisposedError';
const marker = `baton.error.${name}`;
const symbol = Symbol.for(marker);

/** Thrown by `executeAgent` on an engine that has been disposed (`code: 'ENGINE_DISPOSED'`). */
export class EngineDisposedError extends BatonError {
  private readonly [symbol] = true;
  /** The disposed engine. */
  readonly engineId: string;

  constructor(options: { engineId: string; cause?: unknown }) {
    super({
      code: 'ENGINE_DISPOSED',
      message: `Engine ${options.engineId} has been disposed; create a new one with factory.createEngine(userContext).`,
      cause: options.cause,
    });
    this.name = name;
    this.engineId = options.engineId;
  }

  /** True for a `EngineDisposedError` from any copy of this package; false for other errors. */
  static override isInstance(error: unknown): error is EngineDisposedError {
    return BatonError.hasMarker(error, marker);
  }
}
