const marker = 'baton.error';
const symbol = Symbol.for(marker);

/** Every `code` a Baton error can carry. Stable and public: safe to switch on and to send over the wire. */
export type BatonErrorCode =
  | 'INVALID_USER_CONTEXT'
  | 'INVALID_CONFIG'
  | 'INVALID_EVENT'
  | 'INVALID_ENGINE'
  | 'ENGINE_MIGRATION'
  | 'UNKNOWN_AGENT'
  | 'USER_LIMIT_EXCEEDED'
  | 'ENGINE_DISPOSED'
  | 'FACTORY_SHUTDOWN'
  | 'USER_ISOLATION_VIOLATION'
  | 'REPLAY_UNAVAILABLE'
  | 'TRANSPORT_ERROR'
  | 'UNTRUSTED_REGISTRY'
  | 'RUN_NOT_FOUND'
  | 'RUN_NOT_RESUMABLE'
  | 'RUN_RECORD_REJECTED'
  | 'RUN_INTERRUPTED'
  | 'DUPLICATE_RUN';

/** Options every Baton error takes. */
export interface BatonErrorOptions {
  /** Stable identifier of the failure. */
  code: BatonErrorCode;
  /** Human-readable explanation; names the field and the rule, never echoes secrets. */
  message: string;
  /** The underlying error, when there is one (ES2022 `cause`). */
  cause?: unknown;
}

/**
 * Base of every error Baton throws. Check with `BatonError.isInstance(error)`, not `instanceof`:
 * the check survives duplicate package copies and the ESM and CJS builds loaded side by side.
 */
export class BatonError extends Error {
  // Brand in the global symbol registry: identical across duplicate/ESM+CJS copies of this package.
  private readonly [symbol] = true;

  /** Stable, documented identifier; safe to switch on and to send over the wire. */
  readonly code: BatonErrorCode;

  constructor({ code, message, cause }: BatonErrorOptions) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'BatonError';
    this.code = code;
  }

  /** True for any Baton error, from any copy of this package. */
  static isInstance(error: unknown): error is BatonError {
    return BatonError.hasMarker(error, marker);
  }

  /** @internal Checks a `Symbol.for(marker)` brand without trusting `instanceof`. */
  protected static hasMarker(error: unknown, markerName: string): boolean {
    if (typeof error !== 'object' || error === null) return false;
    const markerSymbol = Symbol.for(markerName);
    try {
      return (error as Record<symbol, unknown>)[markerSymbol] === true;
    } catch {
      // A revoked Proxy or a throwing getter is simply not a Baton error.
      return false;
    }
  }
}
