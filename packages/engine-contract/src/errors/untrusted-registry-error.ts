import { BatonError } from './baton-error.js';

const name = 'UntrustedRegistryError';
const marker = `baton.error.${name}`;
const symbol = Symbol.for(marker);

/**
 * Thrown when `@baton/engine-contract` loads and the `globalThis` slot of one of its process-wide
 * registries (the genuine engines, the user contexts) holds something other than the intrinsic
 * `WeakSet` Baton puts there: a `WeakSet` subclass, a look-alike object, a Proxy, an accessor, or
 * when the slot cannot be created (`code: 'UNTRUSTED_REGISTRY'`). Baton refuses to start rather
 * than trust a registry that could answer "genuine" for anything.
 */
export class UntrustedRegistryError extends BatonError {
  private readonly [symbol] = true;
  /** The `Symbol.for` key of the registry, e.g. `baton.engine-contract.genuine-engines.v1`. */
  readonly key: string;
  /** A short description of what the slot held (its kind, never its contents). */
  readonly received: string;

  constructor(options: { key: string; received: string; message?: string; cause?: unknown }) {
    super({
      code: 'UNTRUSTED_REGISTRY',
      message:
        options.message ??
        `globalThis[Symbol.for('${options.key}')] holds something other than Baton's WeakSet (${options.received}): ` +
          'refusing to trust it. Code that ran before Baton loaded put it there; remove it, Baton creates this registry itself.',
      cause: options.cause,
    });
    this.name = name;
    this.key = options.key;
    this.received = options.received;
  }

  /** True for an `UntrustedRegistryError` from any copy of this package; false for other errors. */
  static override isInstance(error: unknown): error is UntrustedRegistryError {
    return BatonError.hasMarker(error, marker);
  }
}
