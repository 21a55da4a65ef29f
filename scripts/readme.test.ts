import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

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

type Manifest = {
  name: string;
  private?: boolean;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
};

const workspaceDirs = (group: 'packages' | 'apps') =>
  readdirSync(join(root, group))
    .filter((dir) => existsSync(join(root, group, dir, 'package.json')))
    .sort();
const manifestOf = (path: string) => JSON.parse(readFileSync(join(root, path, 'package.json'), 'utf8')) as Manifest;
/** How the README names a workspace package: the contract and the factory by their last word. */
const shortName = (name: string) => name.replace(/^@baton\//, '').replace(/^engine-(contract|factory)$/, '$1');
const workspaceNames = (dependencies: Record<string, string> = {}) =>
  Object.keys(dependencies)
    .filter((name) => name.startsWith('@baton/'))
    .map(shortName)
    .sort();
const split = (list: string) =>
  list
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '' && item !== 'none')
    .sort();

/** The "workspace deps" cell: `contract, factory (peer: `bullmq` ^6.7.6; tests: redis, test-redis)`. */
function parseDepsCell(cell: string): { deps: string[]; tests: string[]; peers: string[] } {
  const open = cell.indexOf('(');
  const inner = open === -1 ? '' : cell.slice(open + 1, cell.lastIndexOf(')'));
  const parts = inner.split(';').map((part) => part.trim());
  const part = (label: string) => parts.find((item) => item.startsWith(`${label}:`))?.slice(label.length + 1) ?? '';
  return {
    deps: split(open === -1 ? cell : cell.slice(0, open)),
    tests: split(part('tests')),
    // `peer: ...` or `optional peer: ...`
    peers: [...(/peer: ([^;]*)/.exec(inner)?.[1] ?? '').matchAll(/`([^`]+)`/g)].map((match) => match[1]!).sort(),
  };
}

const section = (heading: string) => {
  const start = readme.indexOf(`## ${heading}`);
  expect(start, `README section "${heading}"`).toBeGreaterThan(-1);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end === -1 ? undefined : end);
};

describe('README facts', () => {
  const rows = readme
    .split('\n')
    .filter((line) => line.startsWith('| [`@baton/') || line.startsWith('| `apps/'))
    .map((line) => {
      const cells = line.split(' | ');
      const link = /^\| \[`(@baton\/[^`]+)`\]\(packages\/([^)]+)\)/.exec(line);
      const app = /^\| `apps\/([^`]+)`/.exec(line);
      return {
        path: link ? `packages/${link[2]}` : `apps/${app![1]}`,
        name: link?.[1],
        cell: cells[cells.length - 1]!.replace(/ \|$/, ''),
      };
    });

  it('the package table lists every directory of packages/ (by its package name) and of apps/, once', () => {
    expect(rows.map((row) => row.path).sort()).toEqual(
      [...workspaceDirs('packages').map((dir) => `packages/${dir}`), ...workspaceDirs('apps').map((dir) => `apps/${dir}`)].sort(),
    );
    for (const row of rows.filter((entry) => entry.name)) expect(row.name).toBe(manifestOf(row.path).name);
  });

  it("each row's workspace deps, test-only deps and peers are those of its package.json (zod, every package's peer, is stated once above)", () => {
    for (const row of rows) {
      const manifest = manifestOf(row.path);
      const cell = parseDepsCell(row.cell);
      expect({ path: row.path, ...cell }).toEqual({
        path: row.path,
        deps: workspaceNames(manifest.dependencies),
        tests: workspaceNames(manifest.devDependencies),
        peers: Object.keys(manifest.peerDependencies ?? {})
          .filter((name) => name !== 'zod')
          .sort(),
      });
    }
  });

  it('every published package is public and has zod ^4 as a peer, as the README says', () => {
    expect(section('Packages')).toContain('has `zod` ^4 as\na peer dependency');
    for (const dir of workspaceDirs('packages')) {
      const manifest = manifestOf(`packages/${dir}`);
      expect(manifest.private, dir).toBeUndefined();
      expect(manifest.peerDependencies?.zod, dir).toBe('^4.0.0');
    }
  });

  it('the dependency graph gives each package its workspace dependencies and peers (the contract: none, only zod)', () => {
    const graph = /```\n([\s\S]*?)```/.exec(section('Dependency graph'))![1]!;
    const lines = new Map([...graph.matchAll(/(@baton\/[\w-]+)\s+→ (.*)/g)].map((match) => [match[1]!, match[2]!.trim()] as const));
    expect([...lines.keys()].sort()).toEqual(
      workspaceDirs('packages')
        .map((dir) => manifestOf(`packages/${dir}`).name)
        .sort(),
    );
    for (const dir of workspaceDirs('packages')) {
      const manifest = manifestOf(`packages/${dir}`);
      const text = lines.get(manifest.name)!;
      const open = text.indexOf('(');
      const inner = open === -1 ? '' : text.slice(open + 1, text.lastIndexOf(')'));
      expect(split(open === -1 ? text : text.slice(0, open)), manifest.name).toEqual(workspaceNames(manifest.dependencies));
      const peers = (/peer: ([^;)]+)/.exec(inner)?.[1] ?? '')
        .split(',')
        .map((peer) => peer.trim())
        .filter(Boolean)
        .sort();
      const expectedPeers = Object.keys(manifest.peerDependencies ?? {})
        .filter((name) => dir === 'engine-contract' || name !== 'zod')
        .sort();
      expect(peers, manifest.name).toEqual(expectedPeers);
      expect(
        Object.keys(manifest.dependencies ?? {}).filter((name) => !name.startsWith('@baton/')),
        `${manifest.name} runtime dependencies`,
      ).toEqual([]);
    }
  });

  it('the set-up heading and text name every system package .ci/run installs with apt', () => {
    const ciRun = readFileSync(join(root, '.ci/run'), 'utf8');
    const aptPackages = [...ciRun.matchAll(/missing\+=\(([\w-]+)\)/g)].map((match) => match[1]!);
    expect(aptPackages.length).toBeGreaterThan(0);
    const setUp = section('Set-up');
    const heading = setUp.split('\n')[0]!;
    expect(heading).toMatch(/Chromium/);
    expect(heading).toMatch(/redis-server/);
    expect(setUp).toContain(`apt-get install -y ${aptPackages.join(' ')}`);
  });

  it('the release section documents the rehearsal and the real release with the root scripts that exist', () => {
    const { scripts } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const releasing = section('Releasing');
    for (const script of ['release:rehearse', 'version-packages', 'release']) {
      expect(scripts[script], script).toBeDefined();
      expect(releasing).toContain(`pnpm ${script}`);
    }
  });

  it('.changeset/README.md names every published package', () => {
    const changesetReadme = readFileSync(join(root, '.changeset/README.md'), 'utf8');
    for (const dir of workspaceDirs('packages')) expect(changesetReadme).toContain(`\`${manifestOf(`packages/${dir}`).name}\``);
  });

  it('the demo README links the demo protocol, which is in the repository', () => {
    const demoReadme = readFileSync(join(root, 'apps/demo/README.md'), 'utf8');
    expect(demoReadme).toContain('[PROTOCOL.md](PROTOCOL.md)');
    expect(demoReadme).not.toContain('demo-protocol.md');
    expect(readFileSync(join(root, 'apps/demo/PROTOCOL.md'), 'utf8')).toMatch(/^# apps\/demo: HTTP and WebSocket protocol/);
  });
});
