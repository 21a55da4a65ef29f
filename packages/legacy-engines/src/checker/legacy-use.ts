import type { LegacyEngineName } from '../legacy-names.js';

/**
 * How a legacy name appears:
 * - `import`: a named (or default) ESM import of a legacy name, from a legacy module or from one of your modules
 *   that re-exports it (`import { Sup } from './agents'` after `export { SupervisorAgent as Sup } from ...`);
 * - `re-export`: `export { ExecutionEngine } from '...'`, `export * from '...'` and `export * as ns from '...'` of a
 *   module with legacy names (one finding per legacy name passed on), `export { legacyNamespace }`;
 * - `require`: `const { ExecutionEngine } = require('...')` or `require('...').ExecutionEngine`;
 * - `dynamic-import`: `const { ExecutionEngine } = await import('...')`, `import('...').then(({ ExecutionEngine }) => ...)`,
 *   `(await import('...')).ExecutionEngine`;
 * - `import-type`: a type query `import('...').SupervisorAgent` (also `typeof import(...)` and in JSDoc types);
 * - `use`: a reference to an imported binding (also through an alias such as `EE`), and `ns.ExecutionEngine` on a
 *   namespace import, a `require`/`import()` result or a re-exported namespace;
 * - `todo`: a `TODO(baton-migrate)` comment left by `--fix` that nobody has resolved yet.
 */
export type LegacyUseKind = 'import' | 're-export' | 'require' | 'dynamic-import' | 'import-type' | 'use' | 'todo';

/** One place where a legacy name is imported or used. Lines and columns are 1-based. */
export interface LegacyUse {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly legacyName: LegacyEngineName;
  readonly kind: LegacyUseKind;
  /** The call to write instead (from the migration guide). */
  readonly replacement: string;
  /** The package of the replacement. */
  readonly importPath: string;
}
