import { createLegacyClass, type LegacyClass, type LegacyInstance } from './legacy-class.js';

/**
 * The old engine factory class. Its instance type: every member is typed loosely so old code compiles.
 * @deprecated `ExecutionEngineFactory` has been removed. Use `createEngineFactory({ agents, limits })` from `@baton/engine-factory` instead.
 * Every use throws `EngineMigrationError` with a working example (also in `getMigrationGuide('ExecutionEngineFactory')`);
 * `npx @baton/legacy-engines check` lists every use in your code.
 */
export interface ExecutionEngineFactory extends LegacyInstance {}

/**
 * The old engine factory class. Constructing it, calling it or touching a static member throws.
 * @deprecated `ExecutionEngineFactory` has been removed. Use `createEngineFactory({ agents, limits })` from `@baton/engine-factory` instead.
 * Every use throws `EngineMigrationError` with a working example (also in `getMigrationGuide('ExecutionEngineFactory')`);
 * `npx @baton/legacy-engines check` lists every use in your code.
 */
export const ExecutionEngineFactory: LegacyClass<ExecutionEngineFactory> =
  /* @__PURE__ */ createLegacyClass<ExecutionEngineFactory>('ExecutionEngineFactory');
