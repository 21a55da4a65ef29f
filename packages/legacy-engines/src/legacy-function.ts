import { createLegacyExport } from './legacy-export.js';
import type { LegacyEngineName } from './legacy-names.js';

/**
 * The type of a removed engine function: callable (and, like any old function, constructible) with any
 * arguments and returning `any`, so that old code such as `await createExecutionEngine(config).execute(...)`
 * still compiles. At run time every call throws `EngineMigrationError`.
 */
export interface LegacyFunction {
  /** Old call sites pass anything and use the result freely; at run time this throws. */
  (...args: any[]): any;
  /** `new createExecutionEngine()` compiled before (plain functions are constructible); it throws too. */
  new (...args: any[]): any;
  /** Any property an old function carried; at run time reading it throws. */
  [staticMember: string]: any;
}

/**
 * Creates the runtime value of a removed function (see `createLegacyExport` for what throws).
 * @internal
 */
export function createLegacyFunction(legacyName: LegacyEngineName): LegacyFunction {
  return createLegacyExport(legacyName) as LegacyFunction;
}
