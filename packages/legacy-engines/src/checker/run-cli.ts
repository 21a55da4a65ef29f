import { readFileSync, writeFileSync } from 'node:fs';
import { relative, sep } from 'node:path';
import type * as TS from 'typescript';
import { CHECKED_EXTENSIONS, CheckUsageError, collectSourceFiles } from './collect-files.js';
import { analyzeFiles, type LegacyUse, toLegacyUse } from './find-legacy-uses.js';
import { fixFile } from './fix.js';
import { loadTypeScript } from './load-typescript.js';

/** Exit codes of `legacy-engines check`. */
export const EXIT_CODES = { clean: 0, found: 1, usage: 2 } as const;

/** Where the CLI writes and what it reads; injected by tests. */
export interface CliEnvironment {
  /** The directory relative paths are resolved from and printed against. */
  readonly cwd: string;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Loads the `typescript` module; resolves to `undefined` when it is not installed. */
  readonly loadTypeScript?: (cwd: string) => Promise<typeof TS | undefined>;
}

/** The JSON printed with `--json`. */
export interface CheckReport {
  readonly filesChecked: number;
  readonly findings: readonly LegacyUse[];
  /** Present with `--fix`: what was rewritten before `findings` were collected again. */
  readonly fix?: { readonly filesChanged: readonly string[]; readonly importsRewritten: number; readonly todosAdded: number };
}

/** The `--help` text. */
export const HELP = `Usage: legacy-engines check [paths...] [--json] [--fix]

Finds every import and use of a removed Baton engine name (ExecutionEngine, SupervisorAgent,
createExecutionEngine, ...) in ${CHECKED_EXTENSIONS.join(' ')} files. Paths default to the current
directory; folders are searched recursively, skipping node_modules, dist, build, coverage, out and
dot-directories. Counted: named imports, requires and dynamic imports of a legacy name from
@baton/legacy-engines or from a module whose last path segment matches /execution[-_]?engine|
request[-_]?scoped[-_]?engine|supervisor/i; re-exports; every use of such a binding (aliases
included); and TODO(baton-migrate) comments left by --fix.

Options:
  --json      print { filesChecked, findings: [{ file, line, column, legacyName, kind,
              replacement, importPath }], fix? } instead of one line per finding
  --fix       replace legacy imports by imports of their replacements and put a
              // TODO(baton-migrate) comment above every other use; prints what is left
  -h, --help  show this help

Exit codes: 0 no legacy name found, 1 legacy names found (or left after --fix), 2 bad usage
(unknown option, no such path, typescript not installed).
`;

function toDisplayPath(cwd: string, absolute: string): string {
  const path = relative(cwd, absolute) || absolute;
  return sep === '/' ? path : path.split(sep).join('/');
}

function formatFinding(use: LegacyUse): string {
  return `${use.file}:${use.line}:${use.column} ${use.legacyName} → ${use.replacement} from ${use.importPath}`;
}

interface ParsedArguments {
  readonly help: boolean;
  readonly json: boolean;
  readonly fix: boolean;
  readonly paths: readonly string[];
}

function parseArguments(argv: readonly string[]): ParsedArguments {
  const [command, ...rest] = argv;
  if (command === '-h' || command === '--help' || command === 'help') return { help: true, json: false, fix: false, paths: [] };
  if (command === undefined) throw new CheckUsageError('missing command; did you mean `legacy-engines check`?');
  if (command !== 'check') throw new CheckUsageError(`unknown command ${JSON.stringify(command)}; the only command is \`check\``);
  let help = false;
  let json = false;
  let fix = false;
  let onlyPaths = false;
  const paths: string[] = [];
  for (const argument of rest) {
    if (!onlyPaths && argument === '--') onlyPaths = true;
    else if (!onlyPaths && (argument === '-h' || argument === '--help')) help = true;
    else if (!onlyPaths && argument === '--json') json = true;
    else if (!onlyPaths && argument === '--fix') fix = true;
    else if (!onlyPaths && argument.startsWith('-') && argument !== '-') throw new CheckUsageError(`unknown option ${argument}`);
    else paths.push(argument);
  }
  return { help, json, fix, paths: paths.length > 0 ? paths : ['.'] };
}

/**
 * Runs `legacy-engines <argv...>` and resolves to the exit code (see {@link EXIT_CODES}). Never throws for bad
 * input: usage errors are printed to `stderr` with exit code 2.
 * @internal
 */
export async function runCli(argv: readonly string[], environment: CliEnvironment): Promise<number> {
  const { cwd, stdout, stderr } = environment;
  let options: ParsedArguments;
  let files: string[];
  try {
    options = parseArguments(argv);
    if (options.help) {
      stdout(HELP);
      return EXIT_CODES.clean;
    }
    files = collectSourceFiles(options.paths, cwd);
  } catch (error) {
    if (!(error instanceof CheckUsageError)) throw error;
    stderr(`legacy-engines: ${error.message}\nRun \`legacy-engines --help\` for usage.\n`);
    return EXIT_CODES.usage;
  }

  const ts = await (environment.loadTypeScript ?? loadTypeScript)(cwd);
  if (ts === undefined) {
    stderr(
      'legacy-engines: the checker needs the `typescript` package (an optional peer dependency of @baton/legacy-engines) ' +
        'to parse your code. Install it, e.g. `npm install --save-dev typescript`, and run the check again.\n',
    );
    return EXIT_CODES.usage;
  }

  const read = () => files.map((absolute) => ({ absolute, file: toDisplayPath(cwd, absolute), text: readFileSync(absolute, 'utf8') }));
  let inputs = read();
  let analyses = analyzeFiles(ts, inputs);
  let fixSummary: CheckReport['fix'];
  if (options.fix) {
    const filesChanged: string[] = [];
    let importsRewritten = 0;
    let todosAdded = 0;
    analyses.forEach((analysis, index) => {
      const input = inputs[index];
      if (input === undefined) return;
      const result = fixFile(ts, analysis);
      importsRewritten += result.importsRewritten;
      todosAdded += result.todosAdded;
      if (result.text !== input.text) {
        writeFileSync(input.absolute, result.text);
        filesChanged.push(input.file);
      }
    });
    fixSummary = { filesChanged, importsRewritten, todosAdded };
    inputs = read();
    analyses = analyzeFiles(ts, inputs);
  }

  const findings = analyses.flatMap((analysis) => analysis.uses.map(toLegacyUse));
  if (options.json) {
    const report: CheckReport = { filesChecked: files.length, findings, ...(fixSummary === undefined ? {} : { fix: fixSummary }) };
    stdout(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    if (fixSummary !== undefined) {
      stdout(
        `Fixed ${fixSummary.filesChanged.length} file(s): rewrote ${fixSummary.importsRewritten} import(s), ` +
          `added ${fixSummary.todosAdded} TODO(baton-migrate) comment(s).\n`,
      );
    }
    for (const finding of findings) stdout(`${formatFinding(finding)}\n`);
    const fileCount = new Set(findings.map((finding) => finding.file)).size;
    stdout(
      findings.length === 0
        ? `No legacy engine names found in ${files.length} file(s).\n`
        : `${findings.length} use(s) of legacy engine names in ${fileCount} file(s). ` +
            'Each throws EngineMigrationError at run time; see the replacement above or getMigrationGuide(name).\n',
    );
  }
  return findings.length === 0 ? EXIT_CODES.clean : EXIT_CODES.found;
}
