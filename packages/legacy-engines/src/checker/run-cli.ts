import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HELP, type ParsedArguments, parseArguments } from './cli-arguments.js';
import { CheckUsageError, collectSourceFiles } from './collect-files.js';
import { analyzeFiles, type LegacyUse, toLegacyUse } from './find-legacy-uses.js';
import { fixFile } from './fix.js';
import { describeMissingTypeScript, loadTypeScript } from './load-typescript.js';
import { PACKAGE_NAME, readPackageVersion } from './package-version.js';

export { HELP } from './cli-arguments.js';

/** Exit codes of `legacy-engines check`. */
export const EXIT_CODES = { clean: 0, found: 1, usage: 2 } as const;

/** Where the CLI writes and what it reads; injected by tests. */
export interface CliEnvironment {
  /** The directory relative paths are resolved from and printed against. */
  readonly cwd: string;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /**
   * The directories `typescript` is resolved from, in order; the first usable copy wins. Default: `cwd`, then the
   * checker's own folder (so a `typescript@5` installed next to the checker serves a project on TypeScript 7).
   */
  readonly typeScriptSearchPaths?: readonly string[];
}

/** The JSON printed with `--json`. */
export interface CheckReport {
  readonly filesChecked: number;
  readonly findings: readonly LegacyUse[];
  /** Present with `--fix`: what was rewritten before `findings` were collected again. */
  readonly fix?: { readonly filesChanged: readonly string[]; readonly importsRemoved: number; readonly todosAdded: number };
}

function toDisplayPath(cwd: string, absolute: string): string {
  const path = relative(cwd, absolute) || absolute;
  return sep === '/' ? path : path.split(sep).join('/');
}

function formatFinding(use: LegacyUse): string {
  return `${use.file}:${use.line}:${use.column} ${use.legacyName} → ${use.replacement} from ${use.importPath}`;
}

// Where the bin (dist/cli.js) or, in tests, this module lives: `typescript` next to the checker is looked up from here.
const checkerDirectory = dirname(fileURLToPath(import.meta.url));

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
    if (options.action === 'help') {
      stdout(HELP);
      return EXIT_CODES.clean;
    }
    if (options.action === 'version') {
      const version = readPackageVersion(checkerDirectory);
      if (version === undefined) {
        stderr(`legacy-engines: cannot find the package.json of ${PACKAGE_NAME} above ${checkerDirectory}\n`);
        return EXIT_CODES.usage;
      }
      stdout(`${PACKAGE_NAME} ${version}\n`);
      return EXIT_CODES.clean;
    }
    files = collectSourceFiles(options.paths, cwd);
  } catch (error) {
    if (!(error instanceof CheckUsageError)) throw error;
    stderr(`legacy-engines: ${error.message}\nRun \`legacy-engines --help\` for usage.\n`);
    return EXIT_CODES.usage;
  }

  const lookup = loadTypeScript(environment.typeScriptSearchPaths ?? [cwd, checkerDirectory]);
  if (!lookup.ok) {
    stderr(describeMissingTypeScript(lookup.unusable, (path) => toDisplayPath(cwd, path)));
    return EXIT_CODES.usage;
  }
  const { ts } = lookup;

  const read = () => files.map((absolute) => ({ absolute, file: toDisplayPath(cwd, absolute), text: readFileSync(absolute, 'utf8') }));
  let inputs = read();
  let analyses = analyzeFiles(ts, inputs);
  let fixSummary: CheckReport['fix'];
  if (options.fix) {
    const filesChanged: string[] = [];
    let importsRemoved = 0;
    let todosAdded = 0;
    analyses.forEach((analysis, index) => {
      const input = inputs[index];
      if (input === undefined) return;
      const result = fixFile(ts, analysis);
      importsRemoved += result.importsRemoved;
      todosAdded += result.todosAdded;
      if (result.text !== input.text) {
        writeFileSync(input.absolute, result.text);
        filesChanged.push(input.file);
      }
    });
    fixSummary = { filesChanged, importsRemoved, todosAdded };
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
        `Fixed ${fixSummary.filesChanged.length} file(s): added ${fixSummary.todosAdded} TODO(baton-migrate) comment(s), ` +
          `removed ${fixSummary.importsRemoved} import(s) of legacy names nothing uses.\n`,
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
