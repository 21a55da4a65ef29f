import { createLegacyClass, type LegacyClass, type LegacyInstance } from './legacy-class.js';

/**
 * Another spelling of the consolidated shared engine. Its instance type: every member is typed loosely so old code compiles.
 * @deprecated `ConsolidatedExecutionEngine` has been removed. Use `createEngineFactory(...).createEngine(userContext)` from `@baton/engine-factory` instead.
 * Every use throws `EngineMigrationError` with a working example (also in `getMigrationGuide('ConsolidatedExecutionEngine')`);
 * `npx @baton/legacy-engines check` lists every use in your code.
 */
export interface ConsolidatedExecutionEngine extends LegacyInstance {}

/**
 * Another spelling of the consolidated shared engine. Constructing it, calling it or touching a static member throws.
 * @deprecated `ConsolidatedExecutionEngine` has been removed. Use `createEngineFactory(...).createEngine(userContext)` from `@baton/engine-factory` instead.
 * Every use throws `EngineMigrationError` with a working example (also in `getMigrationGuide('ConsolidatedExecutionEngine')`);
 * `npx @baton/legacy-engines check` lists every use in your code.
 */
export const ConsolidatedExecutionEngine: LegacyClass<ConsolidatedExecutionEngine> =
  /* @__PURE__ */ createLegacyClass<ConsolidatedExecutionEngine>('ConsolidatedExecutionEngine');
