import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as TS from 'typescript';

/** The `typescript` versions the checker parses with (its peer dependency range). */
export const SUPPORTED_TYPESCRIPT_RANGE = '>=5.0.0 <7';

/** A `typescript` package found on the way that the checker cannot use. */
export interface UnusableTypeScript {
  /** Its `version` (from its package.json), or `unknown`. */
  readonly version: string;
  /** The folder of the package. */
  readonly directory: string;
  /** Why it cannot be used, e.g. `TypeScript 7 has no JavaScript compiler API`. */
  readonly reason: string;
}

/** What {@link loadTypeScript} found. */
export type TypeScriptLookup =
  | { readonly ok: true; readonly ts: typeof TS; readonly version: string; readonly directory: string }
  | { readonly ok: false; readonly unusable: readonly UnusableTypeScript[] };

/**
 * Whether the checker can parse with this `typescript` version: 5.x and 6.x, whose JavaScript compiler API
 * (`createSourceFile`, `createProgram`, `ScriptTarget`, ...) it uses. TypeScript 7, the native port, publishes no
 * such API from its `typescript` package (only `version`), which is where the old checker crashed reading
 * `ScriptTarget.Latest`.
 * @internal
 */
export function isSupportedTypeScriptVersion(version: string): boolean {
  const major = /^(\d+)\./.exec(version)?.[1];
  return major === '5' || major === '6';
}

function whyUnsupported(version: string): string {
  const major = Number(/^(\d+)\./.exec(version)?.[1]);
  if (major >= 7) return `TypeScript ${major} has no JavaScript compiler API to parse your code with`;
  if (major < 5) return 'it is older than TypeScript 5';
  return 'its version cannot be read';
}

/** The compiler API the checker calls; a copy without it (however it got there) is not used. */
function hasCompilerApi(candidate: unknown): candidate is typeof TS {
  const ts = candidate as Partial<typeof TS> | undefined;
  return (
    typeof ts?.createSourceFile === 'function' &&
    typeof ts.createProgram === 'function' &&
    typeof ts.forEachChild === 'function' &&
    ts.ScriptTarget?.Latest !== undefined
  );
}

function readVersion(packageJsonPath: string): string {
  try {
    const { version } = JSON.parse(readFileSync(packageJsonPath, 'utf8')) as { version?: unknown };
    return typeof version === 'string' ? version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * Finds a `typescript` package the checker can use, resolving it from each directory in turn (as `require` would
 * from a file in it): by default the checked project first, then the folder of the checker itself, so that a
 * `typescript@5` installed next to the checker (`npx -p typescript@5 -p @baton/legacy-engines ...`) is used when
 * the project has TypeScript 7. A copy whose version is outside {@link SUPPORTED_TYPESCRIPT_RANGE} is never
 * loaded: it is listed in `unusable` with its version, so the CLI can say what it found.
 * @internal
 */
export function loadTypeScript(searchFrom: readonly string[]): TypeScriptLookup {
  const unusable: UnusableTypeScript[] = [];
  const seen = new Set<string>();
  for (const from of searchFrom) {
    const require = createRequire(join(from, '__legacy_engines_resolve__.cjs'));
    let packageJsonPath: string;
    try {
      // `typescript/package.json` resolves in every version (TypeScript 7 lists it in `exports`).
      packageJsonPath = require.resolve('typescript/package.json');
    } catch {
      continue; // none installed where this directory looks
    }
    const directory = dirname(packageJsonPath);
    if (seen.has(directory)) continue;
    seen.add(directory);
    const version = readVersion(packageJsonPath);
    if (!isSupportedTypeScriptVersion(version)) {
      unusable.push({ version, directory, reason: whyUnsupported(version) });
      continue;
    }
    let loaded: unknown;
    try {
      loaded = require('typescript');
    } catch (error) {
      unusable.push({ version, directory, reason: `it cannot be loaded (${error instanceof Error ? error.message : String(error)})` });
      continue;
    }
    if (!hasCompilerApi(loaded)) {
      unusable.push({ version, directory, reason: 'it has no JavaScript compiler API' });
      continue;
    }
    return { ok: true, ts: loaded, version: loaded.version, directory };
  }
  return { ok: false, unusable };
}

/**
 * The message the CLI prints (with exit code 2) when no usable `typescript` was found: it names every version it
 * found and says to install `typescript@5` next to it.
 * @internal
 */
export function describeMissingTypeScript(unusable: readonly UnusableTypeScript[], displayPath: (path: string) => string): string {
  if (unusable.length === 0) {
    return (
      `legacy-engines: the checker needs the \`typescript\` package (${SUPPORTED_TYPESCRIPT_RANGE}, an optional peer ` +
      'dependency of @baton/legacy-engines) to parse your code, and none is installed.\n' +
      'Install typescript@5 next to it and run the check again: npm install --save-dev typescript@5\n'
    );
  }
  const found = unusable.map(({ version, directory, reason }) => `typescript ${version} in ${displayPath(directory)} (${reason})`);
  return (
    `legacy-engines: found ${found.join('; ')}, but the checker needs typescript ${SUPPORTED_TYPESCRIPT_RANGE}.\n` +
    'Install typescript@5 next to it and run the checker with that copy:\n' +
    '  npx -p typescript@5 -p @baton/legacy-engines legacy-engines check [paths...]\n' +
    "(or make typescript@5 your project's TypeScript: npm install --save-dev typescript@5)\n"
  );
}
