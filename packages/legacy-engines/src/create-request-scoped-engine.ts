import { createLegacyFunction, type LegacyFunction } from './legacy-function.js';

/**
 * The old helper that built a per-request engine from a raw request object. Calling it throws.
 * @deprecated `createRequestScopedEngine` has been removed. Use `createUserExecutionContext(...)` from `@baton/engine-contract`, then `createEngineFactory(...).createEngine(userContext)` from `@baton/engine-factory` instead.
 * Every use throws `EngineMigrationError` with a working example (also in `getMigrationGuide('createRequestScopedEngine')`);
 * `npx @baton/legacy-engines check` lists every use in your code.
 */
export const createRequestScopedEngine: LegacyFunction = /* @__PURE__ */ createLegacyFunction('createRequestScopedEngine');
