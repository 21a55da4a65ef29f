import { createLegacyClass, type LegacyClass, type LegacyInstance } from './legacy-class.js';

/**
 * The old singleton factory (`UnifiedExecutionEngineFactory.getInstance()`). Its instance type: every member is typed loosely so old code compiles.
 * @deprecated `UnifiedExecutionEngineFactory` has been removed. Use `createEngineFactory({ agents, limits })` from `@baton/engine-factory` instead.
 * Every use throws `EngineMigrationError` with a working example (also in `getMigrationGuide('UnifiedExecutionEngineFactory')`);
 * `npx @baton/legacy-engines check` lists every use in your code.
 */
export interface UnifiedExecutionEngineFactory extends LegacyInstance {}

/**
 * The old singleton factory (`UnifiedExecutionEngineFactory.getInstance()`). Constructing it, calling it or touching a static member throws.
 * @deprecated `UnifiedExecutionEngineFactory` has been removed. Use `createEngineFactory({ agents, limits })` from `@baton/engine-factory` instead.
 * Every use throws `EngineMigrationError` with a working example (also in `getMigrationGuide('UnifiedExecutionEngineFactory')`);
 * `npx @baton/legacy-engines check` lists every use in your code.
 */
export const UnifiedExecutionEngineFactory: LegacyClass<UnifiedExecutionEngineFactory> =
  /* @__PURE__ */ createLegacyClass<UnifiedExecutionEngineFactory>('UnifiedExecutionEngineFactory');
