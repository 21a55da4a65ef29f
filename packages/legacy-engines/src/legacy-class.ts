import { createLegacyExport } from './legacy-export.js';
import type { LegacyEngineName } from './legacy-names.js';

/**
 * The instance type of a removed engine class. Every member is typed loosely (`any`) so that old code such as
 * `new ExecutionEngine(config).execute(request)` still compiles; at run time no instance is ever created.
 */
export interface LegacyInstance {
  /** Any member an old instance had (`execute`, `run`, `dispose`, ...). */
  [member: string]: any;
}

/**
 * The type of a removed engine class: constructible with any arguments, extendable, and with any static
 * member (`ExecutionEngine.create(...)`, `UnifiedExecutionEngineFactory.getInstance()`), so old code compiles.
 * At run time each of those throws `EngineMigrationError`.
 */
export interface LegacyClass<TInstance extends LegacyInstance = LegacyInstance> {
  /** Old call sites pass anything; at run time this throws. */
  new (...args: any[]): TInstance;
  /** Lets `class Mine extends ExecutionEngine {}` and `instanceof` type-check. */
  readonly prototype: TInstance;
  /** Any static member an old class had (`create`, `getInstance`, ...); at run time reading it throws. */
  [staticMember: string]: any;
}

/**
 * Creates the runtime value of a removed class (see `createLegacyExport` for what throws).
 * @internal
 */
export function createLegacyClass<TInstance extends LegacyInstance>(legacyName: LegacyEngineName): LegacyClass<TInstance> {
  return createLegacyExport(legacyName) as LegacyClass<TInstance>;
}
