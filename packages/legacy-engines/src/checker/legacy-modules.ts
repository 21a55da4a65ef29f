/** The shim itself: every named import of a legacy name from it is reported. */
export const LEGACY_PACKAGE = '@baton/legacy-engines';

/**
 * The last path segment of a typical pre-Baton engine module: `./services/execution-engine`,
 * `../ExecutionEngine.js`, `@acme/agents/executionEngineFactory`, `./request_scoped_engine`,
 * `./agents/supervisor-agent`, `../supervisor/index.js`.
 */
export const LEGACY_MODULE_SEGMENT = /execution[-_]?engine|request[-_]?scoped[-_]?engine|supervisor/i;

const SOURCE_EXTENSION = /\.(?:[cm]?[jt]s|[jt]sx)$/i;

/**
 * Whether an import specifier names a module that used to export the legacy engines: `@baton/legacy-engines`
 * (or a subpath of it), or any specifier whose last segment (ignoring a source extension and a trailing
 * `index`) matches {@link LEGACY_MODULE_SEGMENT}. Only legacy NAMES imported from these modules are reported;
 * other names imported from them are left alone.
 * @internal
 */
export function isLegacyModuleSpecifier(specifier: string): boolean {
  if (specifier === LEGACY_PACKAGE || specifier.startsWith(`${LEGACY_PACKAGE}/`)) return true;
  const segments = specifier
    .split(/[\\/]/)
    .map((segment) => segment.replace(SOURCE_EXTENSION, ''))
    .filter((segment) => segment !== '' && segment !== '.' && segment !== '..');
  let last = segments.pop();
  if (last === 'index') last = segments.pop();
  return last !== undefined && LEGACY_MODULE_SEGMENT.test(last);
}
