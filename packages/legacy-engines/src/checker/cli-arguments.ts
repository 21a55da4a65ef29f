import { CHECKED_EXTENSIONS, CheckUsageError } from './collect-files.js';

/** The `--help` text. */
export const HELP = `Usage: legacy-engines check [paths...] [--json] [--fix]
       legacy-engines --version

Finds every import and use of a removed Baton engine name (ExecutionEngine, SupervisorAgent,
createExecutionEngine, ...) in ${CHECKED_EXTENSIONS.join(' ')} files. Paths default to the current
directory; folders are searched recursively, skipping node_modules, dist, build, coverage, out and
dot-directories. Counted: imports, requires and dynamic imports of a legacy name from
@baton/legacy-engines, from a module whose last path segment matches /execution[-_]?engine|
request[-_]?scoped[-_]?engine|supervisor/i, or from one of the checked files that re-exports it;
re-exports (export { X as Y } from, export * from, export * as ns from); type queries
import('...').X; every use of such a binding (aliases and namespaces included); and
TODO(baton-migrate) comments left by --fix.

Options:
  --json      print { filesChecked, findings: [{ file, line, column, legacyName, kind,
              replacement, importPath }], fix? } instead of one line per finding
  --fix       put a // TODO(baton-migrate) comment above every finding and delete only
              imports of legacy names nothing uses any more; the code keeps throwing the
              guided EngineMigrationError until you migrate it; prints what is left
  --version   print the version of @baton/legacy-engines
  -h, --help  show this help

Needs the typescript package, version >=5.0.0 <7 (TypeScript 7 has no compiler API to parse with).

Exit codes: 0 no legacy name found, 1 legacy names found (or left after --fix), 2 bad usage
(unknown option, no such path) or no usable typescript.
`;

/** What the command line asks for. */
export interface ParsedArguments {
  readonly action: 'help' | 'version' | 'check';
  readonly json: boolean;
  readonly fix: boolean;
  readonly paths: readonly string[];
}

/**
 * Parses `legacy-engines <argv...>`.
 * @throws CheckUsageError for a missing or unknown command and an unknown option.
 * @internal
 */
export function parseArguments(argv: readonly string[]): ParsedArguments {
  const [command, ...rest] = argv;
  const only = (action: ParsedArguments['action']): ParsedArguments => ({ action, json: false, fix: false, paths: [] });
  if (command === '-h' || command === '--help' || command === 'help') return only('help');
  if (command === '--version') return only('version');
  if (command === undefined) throw new CheckUsageError('missing command; did you mean `legacy-engines check`?');
  if (command !== 'check') throw new CheckUsageError(`unknown command ${JSON.stringify(command)}; the only command is \`check\``);
  let action: ParsedArguments['action'] = 'check';
  let json = false;
  let fix = false;
  let onlyPaths = false;
  const paths: string[] = [];
  for (const argument of rest) {
    if (!onlyPaths && argument === '--') onlyPaths = true;
    else if (!onlyPaths && (argument === '-h' || argument === '--help')) action = 'help';
    else if (!onlyPaths && argument === '--version') action = action === 'help' ? action : 'version';
    else if (!onlyPaths && argument === '--json') json = true;
    else if (!onlyPaths && argument === '--fix') fix = true;
    else if (!onlyPaths && argument.startsWith('-') && argument !== '-') throw new CheckUsageError(`unknown option ${argument}`);
    else paths.push(argument);
  }
  return { action, json, fix, paths: paths.length > 0 ? paths : ['.'] };
}
