/**
 * Every engine name a pre-Baton codebase imported, in the order of the migration table. Each is still
 * exported by this package, marked `@deprecated`, and throws `EngineMigrationError` at first use.
 */
export const LEGACY_ENGINE_NAMES = Object.freeze([
  'ExecutionEngine',
  'ExecutionEngineConsolidated',
  'ConsolidatedExecutionEngine',
  'RequestScopedExecutionEngine',
  'UnifiedExecutionEngineFactory',
  'ExecutionEngineFactory',
  'SupervisorAgent',
  'createExecutionEngine',
  'getExecutionEngine',
  'createRequestScopedEngine',
  'getExecutionEngineFactory',
  'configureExecutionEngineFactory',
] as const);

/** One of the removed names in {@link LEGACY_ENGINE_NAMES}. */
export type LegacyEngineName = (typeof LEGACY_ENGINE_NAMES)[number];

const names: ReadonlySet<string> = new Set(LEGACY_ENGINE_NAMES);

/** True when `name` is one of the removed engine names (case-sensitive, as in source code). */
export function isLegacyEngineName(name: unknown): name is LegacyEngineName {
  return typeof name === 'string' && names.has(name);
}
