import { BatonError } from './baton-error.js';

const name = 'EngineMigrationError';
const marker = `baton.error.${name}`;
const symbol = Symbol.for(marker);

/** What a removed engine API must be replaced with. */
export interface EngineMigrationErrorOptions {
  /** The removed name, e.g. `ExecutionEngine`. */
  legacyName: string;
  /** The call to write instead, e.g. `createEngineFactory(...).createEngine(userContext)`. */
  replacement: string;
  /** The package to import the replacement from, e.g. `@baton/engine-factory`. */
  importPath: string;
  /** A short program that compiles against the current packages. */
  codeExample: string;
  cause?: unknown;
}

/**
 * Thrown by every legacy engine API (`code: 'ENGINE_MIGRATION'`): the message names the legacy name,
 * the replacement and its import path, followed by a working example.
 */
export class EngineMigrationError extends BatonError {
  private readonly [symbol] = true;
  /** The removed name that was used. */
  readonly legacyName: string;
  /** The call to write instead. */
  readonly replacement: string;
  /** The package the replacement comes from. */
  readonly importPath: string;
  /** Code that compiles against the current packages. */
  readonly codeExample: string;

  constructor(options: EngineMigrationErrorOptions) {
    super({
      code: 'ENGINE_MIGRATION',
      message: `${options.legacyName} has been removed. Use ${options.replacement} from ${options.importPath} instead.\n\n${options.codeExample}`,
      cause: options.cause,
    });
    this.name = name;
    this.legacyName = options.legacyName;
    this.replacement = options.replacement;
    this.importPath = options.importPath;
    this.codeExample = options.codeExample;
  }

  /** True for an `EngineMigrationError` from any copy of this package; false for other errors. */
  static override isInstance(error: unknown): error is EngineMigrationError {
    return BatonError.hasMarker(error, marker);
  }
}
