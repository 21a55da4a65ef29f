import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Above this many lines a source file holds more than one concept (style.md: one concept per file). */
const MAX_SOURCE_LINES = 350;

/** Library source files (tests, type tests and fixtures excluded) longer than `limit` lines, as `path: lines`. */
function oversizedSources(workspace: string, limit: number): string[] {
  const found: string[] = [];
  const walk = (directory: string): void => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== '__fixtures__' && entry.name !== 'node_modules') walk(path);
      } else if (/\.tsx?$/.test(entry.name) && !/\.test(-d)?\.tsx?$/.test(entry.name)) {
        const text = readFileSync(path, 'utf8');
        // Counted as `wc -l` does, plus a last line without its newline.
        const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
        if (lines > limit) found.push(`${relative(workspace, path)}: ${lines} lines`);
      }
    }
  };
  const packages = join(workspace, 'packages');
  for (const entry of readdirSync(packages, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      const source = join(packages, entry.name, 'src');
      try {
        walk(source);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
  }
  return found;
}

let scratch: string | undefined;
afterEach(() => {
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
  scratch = undefined;
});

it(`no source file in packages/*/src is longer than ${MAX_SOURCE_LINES} lines`, () => {
  expect(oversizedSources(root, MAX_SOURCE_LINES)).toEqual([]);
});

it('the size check names a long source file and ignores long tests and fixtures', () => {
  scratch = mkdtempSync(join(tmpdir(), 'baton-size-'));
  const source = join(scratch, 'packages', 'demo-package', 'src');
  mkdirSync(join(source, '__fixtures__'), { recursive: true });
  const long = 'export const x = 1;\n'.repeat(20);
  writeFileSync(join(source, 'long.ts'), long);
  writeFileSync(join(source, 'short.ts'), 'export const y = 2;\n');
  writeFileSync(join(source, 'long.test.ts'), long);
  writeFileSync(join(source, 'long.test-d.ts'), long);
  writeFileSync(join(source, '__fixtures__', 'long.ts'), long);
  expect(oversizedSources(scratch, 10)).toEqual([`${join('packages', 'demo-package', 'src', 'long.ts')}: 20 lines`]);
});
