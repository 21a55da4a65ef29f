import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const packageRoot = new URL('../', import.meta.url);
const readme = readFileSync(new URL('README.md', packageRoot), 'utf8');

/** Every ```ts block of the README, with the file named by the `<!-- tested: path -->` line above it (if any). */
function codeBlocks(): Array<{ tested: string | undefined; code: string }> {
  return [...readme.matchAll(/(?:<!-- tested: (\S+) -->\n)?```ts\n([\s\S]*?)```/g)].map((match) => ({ tested: match[1], code: match[2]! }));
}

/** An example test file as a user would write it: its header comment dropped, the package imported by name. */
function asUserCode(path: string): string {
  const text = readFileSync(new URL(path, packageRoot), 'utf8');
  const lines = text.split('\n');
  const start = lines.findIndex((line) => !line.startsWith('//'));
  return lines.slice(start).join('\n').replaceAll("from './index.js'", "from '@baton/testing'");
}

describe('the README', () => {
  it('shows only examples that a test runs', () => {
    const blocks = codeBlocks();
    expect(blocks.length).toBeGreaterThanOrEqual(4);
    for (const block of blocks) expect(block.tested, block.code.slice(0, 80)).toBeDefined();
  });

  it.each(codeBlocks().filter((block) => block.tested?.startsWith('src/')))('shows $tested verbatim', ({ tested, code }) => {
    expect(asUserCode(tested!)).toBe(code);
  });

  it('names example files that exist (apps/integration checks its own)', () => {
    const repositoryRoot = new URL('../../', packageRoot);
    for (const { tested } of codeBlocks()) {
      const base = tested!.startsWith('src/') ? packageRoot : repositoryRoot;
      expect(existsSync(new URL(tested!, base)), tested).toBe(true);
    }
  });
});
