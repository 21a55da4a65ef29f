import { createLegacyClass, type LegacyClass, type LegacyInstance } from './legacy-class.js';

/**
 * The "consolidated" rewrite of the old shared engine. Its instance type: every member is typed loosely so old code compiles.
 * @deprecated `ExecutionEngineConsolidated` has been removed. Use `createEngineFactory(...).createEngine(userContext)` from `@baton/engine-factory` instead.
 * Every use throws `EngineMigrationError` with a working example (also in `getMigrationGuide('ExecutionEngineConsolidated')`);
 * `npx @baton/legacy-engines check` lists every use in your code.
 */
export interface ExecutionEngineConsolidated extends LegacyInstance {}

/**
 * The "consolidated" rewrite of the old shared engine. Constructing it, calling it or touching a static member throws.
 * @deprecated `ExecutionEngineConsolidated` has been removed. Use `createEngineFactory(...).createEngine(userContext)` from `@baton/engine-factory` instead.
 * Every use throws `EngineMigrationError` with a working example (also in `getMigrationGuide('ExecutionEngineConsolidated')`);
 * `npx @baton/legacy-engines check` lists every use in your code.
 */
export const ExecutionEngineConsolidated: LegacyClass<ExecutionEngineConsolidated> =
  /* @__PURE__ */ createLegacyClass<ExecutionEngineConsolidated>('ExecutionEngineConsolidated');
