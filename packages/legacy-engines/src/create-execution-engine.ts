import { createLegacyFunction, type LegacyFunction } from './legacy-function.js';

/**
 * The old helper that built a shared engine. Calling it throws.
 * @deprecated `createExecutionEngine` has been removed. Use `createEngineFactory(...).createEngine(userContext)` from `@baton/engine-factory` instead.
 * Every use throws `EngineMigrationError` with a working example (also in `getMigrationGuide('createExecutionEngine')`);
 * `npx @baton/legacy-engines check` lists every use in your code.
 */
export const createExecutionEngine: LegacyFunction = /* @__PURE__ */ createLegacyFunction('createExecutionEngine');
