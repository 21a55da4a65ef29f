import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, expectTypeOf, it } from 'vitest';

const readme = readFileSync(new URL('../../../packages/orchestrator/README.md', import.meta.url), 'utf8');
const example = readFileSync(new URL('./readme-example.ts', import.meta.url), 'utf8');

/** The first TypeScript code block of the README: its "Usage" example. */
function readmeUsage(): string {
  const block = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  if (block === undefined) throw new Error('packages/orchestrator/README.md has no ```ts code block');
  return block;
}

/** The code of readme-example.ts between its markers. */
function exampleCode(): string {
  const code = /\/\/ --- README example start ---\n([\s\S]*?)\/\/ --- README example end ---\n/.exec(example)?.[1];
  if (code === undefined) throw new Error('readme-example.ts lost its markers');
  return code;
}

// Imported in a test, not at the top: the example runs when it loads, and a failure must fail a test.
const load = () => import('./readme-example.js');

afterAll(async () => {
  await (await load()).factory.shutdown();
});

describe('the orchestrator README example', () => {
  it('is the code this package runs, verbatim, in at most 10 lines', () => {
    expect(exampleCode()).toBe(readmeUsage());
    expect(readmeUsage().trimEnd().split('\n').length).toBeLessThanOrEqual(10);
  });

  it('runs research then write for one user and resolves the typed output', async () => {
    const { result } = await load();
    expect(result.output).toBe('Tides follow the Moon.');
    expect(result).toMatchObject({ workflowName: 'article', path: 'main', status: 'succeeded' });
    expect(result.stages.map((stage) => `${stage.agentName}:${stage.status}`)).toEqual(['research:succeeded', 'write:succeeded']);
    // Checked by `tsc` (the package's type-check): the output is typed by write's schema, without a cast.
    expectTypeOf(result.output).toEqualTypeOf<string | undefined>();
  });
});
