import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const shellBlocks = [...readme.matchAll(/```sh\n([^`]*?)\n```/g)].map((match) => match[1]!.trim());

it('the README gives exactly two set-up commands: the demo and every test', () => {
  expect(shellBlocks).toHaveLength(2);
  expect(shellBlocks[0]).toMatch(/ demo$/);
  expect(shellBlocks[1]).toMatch(/ check$/);
});

it('.ci/run runs exactly the README test command', () => {
  const ciRun = readFileSync(join(root, '.ci/run'), 'utf8');
  const commandLines = ciRun.split('\n').filter((line) => line.startsWith('npx '));
  expect(commandLines).toEqual([shellBlocks[1]]);
});

it('the pnpm the commands pin is the packageManager of the workspace', () => {
  const { packageManager } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { packageManager: string };
  for (const block of shellBlocks) expect(block).toContain(`npx -y ${packageManager} `);
});
