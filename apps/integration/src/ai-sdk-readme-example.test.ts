import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, expectTypeOf, it, vi } from 'vitest';

const readme = readFileSync(new URL('../../../packages/ai-sdk/README.md', import.meta.url), 'utf8');
const example = readFileSync(new URL('./ai-sdk-readme-example.ts', import.meta.url), 'utf8');

/** The first TypeScript code block of the README: its "Usage" example. */
function readmeUsage(): string {
  const block = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  if (block === undefined) throw new Error('packages/ai-sdk/README.md has no ```ts code block');
  return block;
}

/** The code of ai-sdk-readme-example.ts between its markers. */
function exampleCode(): string {
  const code = /\/\/ --- README example start ---\n([\s\S]*?)\/\/ --- README example end ---\n/.exec(example)?.[1];
  if (code === undefined) throw new Error('ai-sdk-readme-example.ts lost its markers');
  return code;
}

// The example prints the streamed answer to stdout; captured here, loaded once, in a test.
const written: string[] = [];
let loaded: Promise<typeof import('./ai-sdk-readme-example.js')> | undefined;
const load = () => {
  if (loaded === undefined) {
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    loaded = import('./ai-sdk-readme-example.js').finally(() => write.mockRestore());
  }
  return loaded;
};

afterAll(async () => {
  await (await load()).factory.shutdown();
});

describe('the @baton/ai-sdk README example', () => {
  it('is the code this package runs, verbatim, in at most 15 lines', () => {
    expect(exampleCode()).toBe(readmeUsage());
    expect(readmeUsage().trimEnd().split('\n').length).toBeLessThanOrEqual(15);
  });

  it('runs research, then streams the answer stage from the model, word by word', async () => {
    const { result } = await load();
    expect(result).toMatchObject({
      workflowName: 'ask',
      path: 'main',
      status: 'succeeded',
      output: 'The Moon pulls the oceans toward it.',
    });
    expect(result.stages.map((stage) => `${stage.agentName}:${stage.status}`)).toEqual(['research:succeeded', 'answer:succeeded']);
    expect(written).toEqual(['The ', 'Moon ', 'pulls ', 'the ', 'oceans ', 'toward ', 'it.']);
    expectTypeOf(result.output).toEqualTypeOf<string | undefined>();
  });
});
