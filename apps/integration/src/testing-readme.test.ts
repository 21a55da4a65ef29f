import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const readme = readFileSync(new URL('../../../packages/testing/README.md', import.meta.url), 'utf8');
const example = readFileSync(new URL('./testing-readme-workflow.test.ts', import.meta.url), 'utf8');

describe('the @baton/testing README workflow example', () => {
  it('is testing-readme-workflow.test.ts verbatim (below its header comment)', () => {
    const block = /<!-- tested: apps\/integration\/src\/testing-readme-workflow\.test\.ts -->\n```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block, 'packages/testing/README.md lost its workflow example').toBeDefined();
    const lines = example.split('\n');
    expect(lines.slice(lines.findIndex((line) => !line.startsWith('//'))).join('\n')).toBe(block);
  });
});
