import { createLegacyFunction, type LegacyFunction } from './legacy-function.js';

/**
 * The old global configuration call of the singleton factory. Calling it throws.
 * @deprecated `configureExecutionEngineFactory` has been removed. Use `createEngineFactory({ agents, limits })` from `@baton/engine-factory` instead.
 * Every use throws `EngineMigrationError` with a working example (also in `getMigrationGuide('configureExecutionEngineFactory')`);
 * `npx @baton/legacy-engines check` lists every use in your code.
 */
export const configureExecutionEngineFactory: LegacyFunction = /* @__PURE__ */ createLegacyFunction('configureExecutionEngineFactory');
