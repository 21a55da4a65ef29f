import { createLegacyFunction, type LegacyFunction } from './legacy-function.js';

/**
 * The old accessor of the singleton factory. Calling it throws.
 * @deprecated `getExecutionEngineFactory` has been removed. Use `createEngineFactory({ agents, limits })` from `@baton/engine-factory` instead.
 * Every use throws `EngineMigrationError` with a working example (also in `getMigrationGuide('getExecutionEngineFactory')`);
 * `npx @baton/legacy-engines check` lists every use in your code.
 */
export const getExecutionEngineFactory: LegacyFunction = /* @__PURE__ */ createLegacyFunction('getExecutionEngineFactory');
