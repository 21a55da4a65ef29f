import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The file extensions the checker reads. */
export const CHECKED_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'] as const;

/** Directories never entered when a folder is checked (dot-directories are skipped too). */
export const SKIPPED_DIRECTORIES: ReadonlySet<string> = new Set(['node_modules', 'dist', 'build', 'coverage', 'out']);

const CHECKED = new RegExp(`(?:${CHECKED_EXTENSIONS.map((extension) => extension.replace('.', '\\.')).join('|')})$`, 'i');

/** A path given on the command line that does not exist or is not a source file. */
export class CheckUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckUsageError';
  }
}

/** Whether the checker reads a file of this name (by extension; `.d.ts` files are skipped). */
export function isCheckedFile(fileName: string): boolean {
  return CHECKED.test(fileName) && !/\.d\.[cm]?ts$/i.test(fileName);
}

function walk(directory: string, found: string[]): void {
  for (const entry of readdirSync(directory, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (entry.name.startsWith('.')) continue;
    const path = join(directory, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRECTORIES.has(entry.name)) walk(path, found);
    } else if (entry.isFile() && isCheckedFile(entry.name)) {
      found.push(path);
    }
  }
}

/**
 * The absolute paths of the source files under `paths` (files as given, folders recursively), sorted and
 * without duplicates.
 * @throws CheckUsageError for a path that does not exist, or a file that is not a checked source file.
 */
export function collectSourceFiles(paths: readonly string[], cwd: string): string[] {
  const found: string[] = [];
  for (const path of paths) {
    const absolute = resolve(cwd, path);
    let stats: ReturnType<typeof statSync>;
    try {
      stats = statSync(absolute);
    } catch {
      throw new CheckUsageError(`no such file or directory: ${path}`);
    }
    if (stats.isDirectory()) walk(absolute, found);
    else if (isCheckedFile(absolute)) found.push(absolute);
    else throw new CheckUsageError(`not a source file (${CHECKED_EXTENSIONS.join(' ')}): ${path}`);
  }
  return [...new Set(found)];
}
