import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from './run-cli.js';

/** The fixture projects: `<name>/input` is the project, `<name>/expected` what `--fix` makes of it. */
export const FIXTURES_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '__fixtures__');

/** Runs the CLI in-process and collects what it printed. */
export async function runInProcess(argv: readonly string[], cwd: string, options: { noTypeScript?: boolean } = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    cwd,
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    ...(options.noTypeScript ? { loadTypeScript: async () => undefined } : {}),
  });
  return { code, stdout, stderr };
}

const temporaryDirectories: string[] = [];

/** Copies a fixture's input project to a fresh temporary directory (removed by {@link removeTemporaryDirectories}). */
export function copyFixture(name: string): string {
  const directory = mkdtempSync(join(tmpdir(), `legacy-engines-${name}-`));
  temporaryDirectories.push(directory);
  cpSync(join(FIXTURES_DIR, name, 'input'), directory, { recursive: true });
  return directory;
}

/** A fresh empty temporary directory (removed by {@link removeTemporaryDirectories}). */
export function temporaryDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), 'legacy-engines-'));
  temporaryDirectories.push(directory);
  return directory;
}

/** Removes every directory made by {@link copyFixture} and {@link temporaryDirectory}. */
export function removeTemporaryDirectories(): void {
  for (const directory of temporaryDirectories.splice(0)) rmSync(directory, { recursive: true, force: true });
}

/** Every file under `directory`, as sorted relative paths with `/`. */
export function listFiles(directory: string): string[] {
  return readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(directory, join(entry.parentPath, entry.name)).split('\\').join('/'))
    .sort();
}
