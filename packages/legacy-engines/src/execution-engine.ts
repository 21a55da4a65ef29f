import { createLegacyClass, type LegacyClass, type LegacyInstance } from './legacy-class.js';

/**
 * The old process-wide engine, shared by every user. Its instance type: every member is typed loosely so old code compiles.
 * @deprecated `ExecutionEngine` has been removed. Use `createEngineFactory(...).createEngine(userContext)` from `@baton/engine-factory` instead.
 * Every use throws `EngineMigrationError` with a working example (also in `getMigrationGuide('ExecutionEngine')`);
 * `npx @baton/legacy-engines check` lists every use in your code.
 */
export interface ExecutionEngine extends LegacyInstance {}

/**
 * The old process-wide engine, shared by every user. Constructing it, calling it or touching a static member throws.
 * @deprecated `ExecutionEngine` has been removed. Use `createEngineFactory(...).createEngine(userContext)` from `@baton/engine-factory` instead.
 * Every use throws `EngineMigrationError` with a working example (also in `getMigrationGuide('ExecutionEngine')`);
 * `npx @baton/legacy-engines check` lists every use in your code.
 */
export const ExecutionEngine: LegacyClass<ExecutionEngine> = /* @__PURE__ */ createLegacyClass<ExecutionEngine>('ExecutionEngine');
