import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  consumerInstallSpecs,
  consumerManifest,
  consumerTsconfig,
  firstTypeScriptExample,
  formatSummary,
  importCheckSource,
  importedPackages,
  importProblems,
  installedPackageProblems,
  LEGACY_USE_PATH,
  LEGACY_USE_SOURCE,
  migrationCheckerProblems,
  parseRehearsalArgs,
  pendingChangesets,
  RehearsalUsageError,
  registryEnv,
  registryUserConfig,
  rehearsalChangeset,
  upstreamRegistry,
  verdaccioConfig,
  // @ts-expect-error -- plain .mjs script without type declarations
} from './release-rehearsal-plan.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const CHANGELOG = '# @baton/redis\n\n## 0.2.0\n\n### Minor Changes\n\n- abc: ioredis is a peer\n';
const LICENSE = 'MIT License\n\nCopyright (c) 2026 The Baton authors\n';
const good = { version: '0.2.0', dependencies: { '@baton/engine-contract': '^0.2.0' }, peerDependencies: { zod: '^4.0.0' } };

function usageError(argv: string[]): Error {
  try {
    parseRehearsalArgs(argv);
  } catch (error) {
    return error as Error;
  }
  throw new Error(`parseRehearsalArgs(${JSON.stringify(argv)}) did not throw`);
}

describe('parseRehearsalArgs', () => {
  it('defaults to HEAD only, a scratch directory removed afterwards, a free port and npm’s registry', () => {
    expect(parseRehearsalArgs([])).toEqual({ withUncommitted: false, keep: false, port: undefined, upstream: undefined, help: false });
  });

  it('reads every flag', () => {
    expect(parseRehearsalArgs(['--with-uncommitted', '--keep', '--port', '4873', '--upstream', 'https://mirror.example/npm'])).toEqual({
      withUncommitted: true,
      keep: true,
      port: 4873,
      upstream: 'https://mirror.example/npm/',
      help: false,
    });
    expect(parseRehearsalArgs(['-h']).help).toBe(true);
  });

  it.each([
    [['--publish'], 'unknown argument "--publish"'],
    [['--port'], '--port needs a value'],
    [['--port', '--keep'], '--port needs a value'],
    [['--port', '0'], '--port must be 1..65535, got "0"'],
    [['--port', '70000'], '--port must be 1..65535, got "70000"'],
    [['--port', '48a'], '--port must be 1..65535, got "48a"'],
    [['--upstream', 'ftp://x'], '--upstream must be an http(s) URL, got "ftp://x"'],
    [['--upstream', 'registry'], '--upstream must be an http(s) URL, got "registry"'],
  ])('refuses %j with a usage error', (argv, message) => {
    const error = usageError(argv);
    expect(error).toBeInstanceOf(RehearsalUsageError);
    expect(error.message).toBe(message);
  });

  it('exits 2 with the message and the usage for a bad argument, before doing anything', () => {
    const result = (() => {
      try {
        execFileSync(process.execPath, [join(root, 'scripts/release-rehearsal.mjs'), '--publish-for-real'], { stdio: 'pipe' });
        return { status: 0, stderr: '' };
      } catch (error) {
        const failure = error as { status: number; stderr: Buffer };
        return { status: failure.status, stderr: failure.stderr.toString() };
      }
    })();
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('unknown argument "--publish-for-real"');
    expect(result.stderr).toContain('Usage: node scripts/release-rehearsal.mjs');
  });
});

describe('registry set-up', () => {
  it('takes the uplink from `npm config get registry`, trimmed and ending in a slash', () => {
    expect(upstreamRegistry('https://registry.npmjs.org/\n')).toBe('https://registry.npmjs.org/');
    expect(upstreamRegistry('http://127.0.0.1:4000/npm')).toBe('http://127.0.0.1:4000/npm/');
    expect(() => upstreamRegistry('undefined')).toThrow(RehearsalUsageError);
  });

  it('configures Verdaccio on loopback, keeps @baton/* local (never proxied) and proxies the rest upstream', () => {
    const config: string = verdaccioConfig({ storage: '/tmp/s', htpasswd: '/tmp/h', port: 4873, upstream: 'https://registry.npmjs.org/' });
    expect(config).toContain('listen: "127.0.0.1:4873"');
    expect(config).toContain('    url: "https://registry.npmjs.org/"');
    const batonRule = config.slice(config.indexOf("'@baton/*':"), config.indexOf("'**':"));
    expect(batonRule).not.toContain('proxy');
    expect(batonRule).toContain('publish: $authenticated');
    const restRule = config.slice(config.indexOf("'**':"), config.indexOf('web:'));
    expect(restRule).toContain('proxy: upstream');
    expect(config).toContain('storage: "/tmp/s"');
    expect(config).toContain('    file: "/tmp/h"');
    expect(config).toContain('max_users: 1');
  });

  it('gives the publishing steps only the private registry and its token, with the registry pinned for changesets', () => {
    const npmrc: string = registryUserConfig({ registry: 'http://127.0.0.1:4873/', token: 'tok' });
    expect(npmrc.split('\n')).toEqual([
      'registry=http://127.0.0.1:4873/',
      '//127.0.0.1:4873/:_authToken=tok',
      'fund=false',
      'audit=false',
      'update-notifier=false',
      '',
    ]);
    const env = registryEnv(
      { PATH: '/bin', npm_config_registry: 'https://registry.npmjs.org/', NPM_CONFIG_USERCONFIG: '/root/.npmrc' },
      {
        registry: 'http://127.0.0.1:4873/',
        userConfig: '/tmp/npmrc',
      },
    );
    expect(env).toMatchObject({
      PATH: '/bin',
      npm_config_registry: 'http://127.0.0.1:4873/',
      'npm_config_@baton:registry': 'http://127.0.0.1:4873/',
      npm_config_userconfig: '/tmp/npmrc',
      NPM_CONFIG_USERCONFIG: '/tmp/npmrc',
    });
  });
});

describe('changesets', () => {
  it('counts every .md in .changeset but its README as pending', () => {
    expect(pendingChangesets(['README.md', 'config.json', 'b.md', 'a.md'])).toEqual(['a.md', 'b.md']);
    expect(pendingChangesets(['README.md', 'config.json'])).toEqual([]);
  });

  it('writes a patch changeset for every package when none is pending', () => {
    expect(rehearsalChangeset(['@baton/a', '@baton/b'])).toBe(
      '---\n"@baton/a": patch\n"@baton/b": patch\n---\n\nRelease rehearsal (never published for real).\n',
    );
  });
});

describe('the consumer project', () => {
  it('installs each package at the written version, with zod, current ioredis, TypeScript 5 and Node types', () => {
    expect(consumerInstallSpecs([{ name: '@baton/redis', version: '0.2.0' }])).toEqual([
      '@baton/redis@0.2.0',
      'zod@^4',
      'ioredis',
      'typescript@^5',
      '@types/node@^20',
    ]);
    expect(JSON.parse(consumerManifest())).toEqual({ name: 'baton-release-rehearsal-consumer', private: true, type: 'module' });
  });

  it('type-checks strictly under node16 and bundler resolution, and refuses another', () => {
    expect(JSON.parse(consumerTsconfig('node16')).compilerOptions).toMatchObject({
      module: 'node16',
      moduleResolution: 'node16',
      strict: true,
      noEmit: true,
    });
    expect(JSON.parse(consumerTsconfig('bundler')).compilerOptions).toMatchObject({
      module: 'preserve',
      moduleResolution: 'bundler',
      strict: true,
    });
    expect(JSON.parse(consumerTsconfig('bundler')).include).toEqual(['examples/*.ts']);
    expect(() => consumerTsconfig('classic')).toThrow('unknown module resolution "classic"');
  });

  it('loads the packages with import() in ESM and require() in CJS, printing their export names', async () => {
    const esm: string = importCheckSource(['node:path'], 'esm');
    const cjs: string = importCheckSource(['node:path'], 'cjs');
    expect(esm).toContain('await import(name)');
    expect(cjs).toContain('require(name)');
    const fromEsm = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', esm]).toString());
    const fromCjs = JSON.parse(execFileSync(process.execPath, ['--input-type=commonjs', '-e', cjs]).toString());
    expect(fromEsm['node:path']).toContain('join');
    expect(fromCjs['node:path']).toEqual(fromEsm['node:path']);
  });
});

describe('README examples', () => {
  it('takes the first ```ts block', () => {
    const readme = '# x\n\n```sh\nnpm i x\n```\n\n```ts\nimport { a } from "x";\n```\n\n```ts\nsecond();\n```\n';
    expect(firstTypeScriptExample(readme)).toBe('import { a } from "x";\n');
    expect(firstTypeScriptExample('# x\n\n```js\nno();\n```\n')).toBeUndefined();
  });

  it('lists the packages an example imports, without node: or relative imports', () => {
    const source = [
      "import { createRedisAdmission } from '@baton/redis';",
      "import { Redis } from 'ioredis';",
      "import type { Span } from '@opentelemetry/api/build/x';",
      "import { join } from 'node:path';",
      "import './side-effect.js';",
      "import 'zod';",
      'const s = \'from "not-an-import"\';',
    ].join('\n');
    expect(importedPackages(source)).toEqual(['@baton/redis', '@opentelemetry/api', 'ioredis', 'zod']);
  });

  it('keeps the README of @baton/redis checkable: its first example imports only what the rehearsal installs', () => {
    const example = firstTypeScriptExample(readFileSync(join(root, 'packages/redis/README.md'), 'utf8'));
    expect(importedPackages(example)).toEqual(['@baton/engine-contract', '@baton/engine-factory', '@baton/redis', 'ioredis']);
  });
});

describe('checks of what was installed', () => {
  it('finds nothing wrong with the written version, its CHANGELOG section, the MIT LICENSE and real ranges', () => {
    expect(
      installedPackageProblems({ name: '@baton/redis', expectedVersion: '0.2.0', installed: good, changelog: CHANGELOG, license: LICENSE }),
    ).toEqual([]);
  });

  it('reports another version, a missing or stale CHANGELOG, a missing or other LICENSE and workspace: ranges', () => {
    expect(
      installedPackageProblems({
        name: '@baton/redis',
        expectedVersion: '0.2.0',
        installed: undefined,
        changelog: CHANGELOG,
        license: LICENSE,
      }),
    ).toEqual(['@baton/redis is not installed']);
    expect(
      installedPackageProblems({
        name: '@baton/redis',
        expectedVersion: '0.2.0',
        installed: { version: '0.1.0', dependencies: { '@baton/engine-contract': 'workspace:^' } },
        changelog: undefined,
        license: undefined,
      }),
    ).toEqual([
      '@baton/redis: installed 0.1.0, changesets wrote 0.2.0',
      '@baton/redis: no CHANGELOG.md in the package',
      '@baton/redis: no LICENSE in the package',
      '@baton/redis: dependencies.@baton/engine-contract is "workspace:^" (not replaced on publish)',
    ]);
    expect(
      installedPackageProblems({
        name: '@baton/redis',
        expectedVersion: '0.2.0',
        installed: good,
        changelog: '# @baton/redis\n\n## 0.200\n',
        license: 'ISC License',
      }),
    ).toEqual(['@baton/redis: CHANGELOG.md has no "## 0.2.0" section', '@baton/redis: LICENSE is not the MIT licence']);
  });

  it('reports a package that does not load both ways, or whose ESM and CJS exports differ', () => {
    expect(importProblems(['a'], { a: ['x', 'y'] }, { a: ['x', 'y'] })).toEqual([]);
    expect(importProblems(['a', 'b'], { a: ['x'], b: [] }, { a: ['x', 'z'] })).toEqual([
      'a: ESM and CJS exports differ (only ESM: -; only CJS: z)',
      'b: import() gave no exports',
      'b: require() gave no exports',
    ]);
  });
});

describe('formatSummary', () => {
  const packages = [{ name: '@baton/redis', expected: '0.2.0', installed: '0.2.0', changelog: true, license: true, esm: true, cjs: true }];
  const phases = [
    { name: 'pnpm release (turbo build + changeset publish)', ms: 61_000 },
    { name: 'npm install in a fresh project', ms: 20_500 },
  ];

  it('prints one row per package, the examples, each phase with its time, the total and PASSED', () => {
    const summary: string = formatSummary({ packages, examples: [{ name: '@baton/redis', status: 'type-checks' }], phases, problems: [] });
    expect(summary).toContain('@baton/redis  0.2.0     0.2.0      yes        yes      yes  yes');
    expect(summary).toContain('  @baton/redis: type-checks');
    expect(summary).toMatch(/pnpm release \(turbo build \+ changeset publish\) +61\.0 s/);
    expect(summary).toMatch(/total +81\.5 s/);
    expect(summary.trimEnd().endsWith('PASSED: the versions changesets wrote are the versions installed from the private registry.')).toBe(
      true,
    );
  });

  it('lists every problem under FAILED', () => {
    const summary: string = formatSummary({
      packages: [{ ...packages[0], installed: undefined, license: false }],
      examples: [],
      phases,
      problems: ['p1', 'p2'],
    });
    expect(summary).toContain('@baton/redis  0.2.0     -          yes        NO');
    expect(summary).toContain('FAILED (2):\n  - p1\n  - p2');
    expect(summary).not.toContain('PASSED');
  });
});

describe('migrationCheckerProblems', () => {
  /** The built checker of this workspace (typescript 5 next to it) on the rehearsal's legacy file. */
  function checkWithTypeScript5(): { code: number; stdout: string; stderr: string } {
    const project = mkdtempSync(join(tmpdir(), 'baton-rehearsal-checker-'));
    try {
      mkdirSync(join(project, dirname(LEGACY_USE_PATH)), { recursive: true });
      writeFileSync(join(project, LEGACY_USE_PATH), LEGACY_USE_SOURCE);
      const cli = join(root, 'packages', 'legacy-engines', 'dist', 'cli.js');
      try {
        const stdout = execFileSync(process.execPath, [cli, 'check', dirname(LEGACY_USE_PATH)], { cwd: project, encoding: 'utf8' });
        return { code: 0, stdout, stderr: '' };
      } catch (error) {
        const failed = error as { status: number; stdout: string; stderr: string };
        return { code: failed.status, stdout: failed.stdout, stderr: failed.stderr };
      }
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  }
  const withTypeScript7 = {
    code: 2,
    stdout: '',
    stderr:
      'legacy-engines: found typescript 7.0.2 in node_modules/typescript (TypeScript 7 has no JavaScript compiler API to parse your code with), but the checker needs typescript >=5.0.0 <7.\nInstall typescript@5 next to it and run the checker with that copy:\n',
  };

  it("accepts the real checker's report of both uses (exit 1) and the exit 2 with the install advice under typescript 7", () => {
    const withTypeScript5 = checkWithTypeScript5();
    expect(withTypeScript5.code).toBe(1);
    expect(migrationCheckerProblems({ withTypeScript5, withTypeScript7, typeScript7: '7.0.2' })).toEqual([]);
  });

  it('names a checker that found nothing, or missed a use, under typescript 5', () => {
    const clean = { code: 0, stdout: 'No legacy engine names found.\n', stderr: '' };
    expect(migrationCheckerProblems({ withTypeScript5: clean, withTypeScript7, typeScript7: '7.0.2' })).toEqual([
      'the migration checker with typescript 5 should report legacy/uses-legacy.ts:1:10 and :3:35 and exit 1; exit 0: No legacy engine names found.',
    ]);
    const importOnly = { code: 1, stdout: 'legacy/uses-legacy.ts:1:10 ExecutionEngine → createEngineFactory\n', stderr: '' };
    expect(migrationCheckerProblems({ withTypeScript5: importOnly, withTypeScript7, typeScript7: '7.0.2' })).toHaveLength(1);
  });

  it('names a crash or a wrong exit code under typescript 7, a project that did not get typescript 7, and a step that did not run', () => {
    const withTypeScript5 = checkWithTypeScript5();
    const crash = { code: 1, stdout: '', stderr: "TypeError: Cannot read properties of undefined (reading 'Latest')\n" };
    expect(migrationCheckerProblems({ withTypeScript5, withTypeScript7: crash, typeScript7: '7.0.2' })).toEqual([
      'the migration checker with typescript 7 should exit 2 and say "Install typescript@5 next to it"; exit 1: TypeError: Cannot read properties of undefined (reading \'Latest\')',
    ]);
    expect(migrationCheckerProblems({ withTypeScript5, withTypeScript7, typeScript7: '5.9.3' })).toEqual([
      'the typescript 7 project has typescript 5.9.3',
    ]);
    expect(migrationCheckerProblems({})).toEqual([
      'the migration checker did not run with typescript 5',
      'the migration checker did not run with typescript 7',
    ]);
  });
});
