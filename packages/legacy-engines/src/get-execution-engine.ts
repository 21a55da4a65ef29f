import { createLegacyFunction, type LegacyFunction } from './legacy-function.js';

/**
 * The old accessor of the process-wide engine. Calling it throws.
 * @deprecated `getExecutionEngine` has been removed. Use `createEngineFactory(...).createEngine(userContext)` from `@baton/engine-factory` instead.
 * Every use throws `EngineMigrationError` with a working example (also in `getMigrationGuide('getExecutionEngine')`);
 * `npx @baton/legacy-engines check` lists every use in your code.
 */
export const getExecutionEngine: LegacyFunction = /* @__PURE__ */ createLegacyFunction('getExecutionEngine');
