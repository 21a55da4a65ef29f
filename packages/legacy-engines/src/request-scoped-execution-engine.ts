import { createLegacyClass, type LegacyClass, type LegacyInstance } from './legacy-class.js';

/**
 * The old per-request engine, which took the user from a raw request object. Its instance type: every member is typed loosely so old code compiles.
 * @deprecated `RequestScopedExecutionEngine` has been removed. Use `createUserExecutionContext(...)` from `@baton/engine-contract`, then `createEngineFactory(...).createEngine(userContext)` from `@baton/engine-factory` instead.
 * Every use throws `EngineMigrationError` with a working example (also in `getMigrationGuide('RequestScopedExecutionEngine')`);
 * `npx @baton/legacy-engines check` lists every use in your code.
 */
export interface RequestScopedExecutionEngine extends LegacyInstance {}

/**
 * The old per-request engine, which took the user from a raw request object. Constructing it, calling it or touching a static member throws.
 * @deprecated `RequestScopedExecutionEngine` has been removed. Use `createUserExecutionContext(...)` from `@baton/engine-contract`, then `createEngineFactory(...).createEngine(userContext)` from `@baton/engine-factory` instead.
 * Every use throws `EngineMigrationError` with a working example (also in `getMigrationGuide('RequestScopedExecutionEngine')`);
 * `npx @baton/legacy-engines check` lists every use in your code.
 */
export const RequestScopedExecutionEngine: LegacyClass<RequestScopedExecutionEngine> =
  /* @__PURE__ */ createLegacyClass<RequestScopedExecutionEngine>('RequestScopedExecutionEngine');
