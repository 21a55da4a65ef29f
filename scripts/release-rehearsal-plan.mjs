// The pure parts of the release rehearsal (scripts/release-rehearsal.mjs): its options, the files it
// writes (Verdaccio's config, the npm config, the consumer project) and the checks of what was
// installed. No I/O here, so that scripts/release-rehearsal-plan.test.ts covers every rule.

/** The command line, parsed. */
export const USAGE = `Usage: node scripts/release-rehearsal.mjs [--with-uncommitted] [--keep] [--port <n>] [--upstream <url>]

Versions the packages with changesets in a scratch clone of HEAD, publishes them with \`pnpm release\`
to a private Verdaccio on 127.0.0.1, installs them with npm in a fresh project and checks them.

  --with-uncommitted  also apply the working tree's uncommitted changes (tracked and untracked) to the
                      clone, and let its install update the lockfile (pnpm install --no-frozen-lockfile)
  --keep              keep the scratch directory (clone, registry storage, consumer project, logs)
  --port <n>          Verdaccio's port (default: a free one)
  --upstream <url>    Verdaccio's uplink (default: \`npm config get registry\`)`;

/** A usage error: the message, then the usage, exit code 2. */
export class RehearsalUsageError extends Error {
  constructor(message) {
    super(message);
    this.name = 'RehearsalUsageError';
  }
}

/**
 * Parses the rehearsal's arguments.
 * @param {readonly string[]} argv the arguments after the script's path
 * @returns {{ withUncommitted: boolean, keep: boolean, port: number | undefined, upstream: string | undefined, help: boolean }}
 * @throws RehearsalUsageError for an unknown flag, a missing value or a bad port or URL
 */
export function parseRehearsalArgs(argv) {
  const options = { withUncommitted: false, keep: false, port: undefined, upstream: undefined, help: false };
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index];
    const value = () => {
      const next = argv[index + 1];
      if (next === undefined || next.startsWith('--')) throw new RehearsalUsageError(`${arg} needs a value`);
      index += 1;
      return next;
    };
    if (arg === '--with-uncommitted') options.withUncommitted = true;
    else if (arg === '--keep') options.keep = true;
    else if (arg === '--help' || arg === '-h') options.help = true;
    else if (arg === '--port') {
      const text = value();
      const port = Number(text);
      if (!/^\d+$/.test(text) || port < 1 || port > 65535) throw new RehearsalUsageError(`--port must be 1..65535, got "${text}"`);
      options.port = port;
    } else if (arg === '--upstream') options.upstream = httpUrl(value(), '--upstream');
    else throw new RehearsalUsageError(`unknown argument "${arg}"`);
  }
  return options;
}

/** `text` as an http(s) URL ending in `/`. */
function httpUrl(text, what) {
  let url;
  try {
    url = new URL(text);
  } catch {
    throw new RehearsalUsageError(`${what} must be an http(s) URL, got "${text}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RehearsalUsageError(`${what} must be an http(s) URL, got "${text}"`);
  return url.href.endsWith('/') ? url.href : `${url.href}/`;
}

/**
 * The registry Verdaccio proxies everything but `@baton/*` to: the one npm is configured with.
 * @param {string} npmConfigRegistry the output of `npm config get registry`
 */
export function upstreamRegistry(npmConfigRegistry) {
  return httpUrl(npmConfigRegistry.trim(), 'npm config get registry');
}

/**
 * Verdaccio's config (YAML): listens on loopback only; `@baton/*` lives here alone (never proxied, so
 * a package of that name on the public registry can neither be installed nor shadow ours), anything
 * else is proxied to `upstream`; publishing needs the one user the rehearsal creates.
 * @param {{ storage: string, htpasswd: string, port: number, upstream: string }} options
 */
export function verdaccioConfig({ storage, htpasswd, port, upstream }) {
  const quote = (text) => JSON.stringify(text);
  return [
    `storage: ${quote(storage)}`,
    'auth:',
    '  htpasswd:',
    `    file: ${quote(htpasswd)}`,
    '    max_users: 1',
    'uplinks:',
    '  upstream:',
    `    url: ${quote(upstream)}`,
    '    timeout: 60s',
    '    max_fails: 5',
    'packages:',
    "  '@baton/*':",
    '    access: $all',
    '    publish: $authenticated',
    '    unpublish: $authenticated',
    "  '**':",
    '    access: $all',
    '    publish: $authenticated',
    '    proxy: upstream',
    'web:',
    '  enable: false',
    'max_body_size: 100mb',
    `listen: ${quote(`127.0.0.1:${port}`)}`,
    'log: { type: stdout, format: json, level: warn }',
    '',
  ].join('\n');
}

/**
 * The npm/pnpm user config of every step that talks to the private registry: that registry and its
 * token only. It replaces the machine's own config, so no credential for a real registry is in
 * reach of the rehearsal's publish.
 * @param {{ registry: string, token: string }} options
 */
export function registryUserConfig({ registry, token }) {
  const host = registry.replace(/^https?:/, '');
  return [`registry=${registry}`, `${host}:_authToken=${token}`, 'fund=false', 'audit=false', 'update-notifier=false', ''].join('\n');
}

/**
 * The environment of a step that talks to the private registry.
 * @param {NodeJS.ProcessEnv} base the process environment
 * @param {{ registry: string, userConfig: string }} options
 */
export function registryEnv(base, { registry, userConfig }) {
  const env = { ...base, npm_config_registry: registry, npm_config_userconfig: userConfig, NPM_CONFIG_USERCONFIG: userConfig };
  // changesets publishes to `publishConfig.registry || npm_config_registry`; a scoped registry set
  // elsewhere would win for @baton/*, so it is pinned too.
  env['npm_config_@baton:registry'] = registry;
  env.TURBO_TELEMETRY_DISABLED = '1';
  return env;
}

/**
 * A changeset file is one that `changeset version` consumes: `*.md` but the folder's README.md.
 * @param {readonly string[]} fileNames the names in `.changeset/`
 */
export function pendingChangesets(fileNames) {
  return fileNames.filter((name) => name.endsWith('.md') && name !== 'README.md').sort();
}

/**
 * A patch changeset for every package, written when none is pending (otherwise `changeset version`
 * would leave the versions as they are and the publish would have nothing new to publish).
 * @param {readonly string[]} packageNames the published packages
 */
export function rehearsalChangeset(packageNames) {
  return ['---', ...packageNames.map((name) => `"${name}": patch`), '---', '', 'Release rehearsal (never published for real).', ''].join(
    '\n',
  );
}

/**
 * The consumer project's package.json: ESM (`"type": "module"`), so that the README examples'
 * top-level `await` type-checks under `module: node16`; `check-cjs.cjs` stays CommonJS by its extension.
 */
export function consumerManifest() {
  return `${JSON.stringify({ name: 'baton-release-rehearsal-consumer', private: true, type: 'module' }, null, 2)}\n`;
}

/**
 * What the consumer project installs with npm: each published package at the version changesets
 * wrote, and what a user adds next to them. npm 7+ installs the other peers (ai, bullmq,
 * @opentelemetry/api) by itself.
 * @param {readonly { name: string, version: string }[]} packages
 */
export function consumerInstallSpecs(packages) {
  return [...packages.map(({ name, version }) => `${name}@${version}`), 'zod@^4', 'ioredis', 'typescript@^5', '@types/node@^20'];
}

/** The consumer's tsconfig for one module resolution (`node16` or `bundler`): strict, examples only. */
export function consumerTsconfig(resolution) {
  const compilerOptions =
    resolution === 'node16'
      ? { module: 'node16', moduleResolution: 'node16' }
      : resolution === 'bundler'
        ? { module: 'preserve', moduleResolution: 'bundler' }
        : undefined;
  if (!compilerOptions) throw new Error(`unknown module resolution "${resolution}"`);
  return `${JSON.stringify(
    {
      compilerOptions: {
        ...compilerOptions,
        target: 'ES2022',
        lib: ['ES2023'],
        types: ['node'],
        strict: true,
        noEmit: true,
        skipLibCheck: true,
      },
      include: ['examples/*.ts'],
    },
    null,
    2,
  )}\n`;
}

/**
 * A script that loads every package (`import()` from an ESM file, `require()` from a CJS one) and
 * prints `{ name: exportNames }` as JSON; a package that fails to load makes the script fail.
 * @param {readonly string[]} names
 * @param {'esm' | 'cjs'} kind
 */
export function importCheckSource(names, kind) {
  const list = JSON.stringify(names);
  const load = kind === 'esm' ? 'await import(name)' : 'require(name)';
  const body = [
    'const exportsByName = {};',
    `for (const name of ${list}) {`,
    `  const loaded = ${load};`,
    "  exportsByName[name] = Object.keys(loaded).filter((key) => key !== 'default' && key !== 'module.exports').sort();",
    '}',
    'console.log(JSON.stringify(exportsByName));',
    '',
  ];
  return kind === 'esm' ? body.join('\n') : ["'use strict';", ...body].join('\n');
}

/**
 * The first ```ts block of a README: the package's main example, a whole program by convention.
 * @param {string} readme
 * @returns {string | undefined}
 */
export function firstTypeScriptExample(readme) {
  const match = /^```(?:ts|typescript)\n([\s\S]*?)^```/m.exec(readme);
  return match ? match[1] : undefined;
}

/**
 * The packages an example imports (bare specifiers reduced to the package name; `node:` and relative
 * imports left out).
 * @param {string} source
 */
export function importedPackages(source) {
  const names = new Set();
  for (const match of source.matchAll(/(?:^|\n)\s*import\s+(?:type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/g)) {
    const specifier = match[1];
    if (specifier.startsWith('.') || specifier.startsWith('node:') || specifier.startsWith('/')) continue;
    const parts = specifier.split('/');
    names.add(specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]);
  }
  return [...names].sort();
}

/**
 * What is wrong with one installed package: a version other than the one changesets wrote, a missing
 * CHANGELOG.md or one without that version's section, a missing LICENSE, a `workspace:` range left
 * in its dependencies. Empty when all is well.
 * @param {{ name: string, expectedVersion: string, installed: { version?: string, dependencies?: Record<string, string>, peerDependencies?: Record<string, string> } | undefined, changelog: string | undefined, license: string | undefined }} facts
 */
export function installedPackageProblems({ name, expectedVersion, installed, changelog, license }) {
  if (!installed) return [`${name} is not installed`];
  const problems = [];
  if (installed.version !== expectedVersion) problems.push(`${name}: installed ${installed.version}, changesets wrote ${expectedVersion}`);
  if (changelog === undefined) problems.push(`${name}: no CHANGELOG.md in the package`);
  else if (!new RegExp(`^## ${expectedVersion.replaceAll('.', '\\.')}$`, 'm').test(changelog)) {
    problems.push(`${name}: CHANGELOG.md has no "## ${expectedVersion}" section`);
  }
  if (license === undefined) problems.push(`${name}: no LICENSE in the package`);
  else if (!/^MIT License$/m.test(license)) problems.push(`${name}: LICENSE is not the MIT licence`);
  for (const field of ['dependencies', 'peerDependencies']) {
    for (const [dependency, range] of Object.entries(installed[field] ?? {})) {
      if (range.startsWith('workspace:')) problems.push(`${name}: ${field}.${dependency} is "${range}" (not replaced on publish)`);
    }
  }
  return problems;
}

/**
 * Compares what `import()` and `require()` gave: every package loads both ways with at least one
 * export, and the same export names.
 * @param {readonly string[]} names
 * @param {Record<string, string[]>} esm
 * @param {Record<string, string[]>} cjs
 */
export function importProblems(names, esm, cjs) {
  const problems = [];
  for (const name of names) {
    const fromEsm = esm[name];
    const fromCjs = cjs[name];
    if (!fromEsm || fromEsm.length === 0) problems.push(`${name}: import() gave no exports`);
    if (!fromCjs || fromCjs.length === 0) problems.push(`${name}: require() gave no exports`);
    if (fromEsm && fromCjs && fromEsm.join() !== fromCjs.join()) {
      const onlyEsm = fromEsm.filter((key) => !fromCjs.includes(key));
      const onlyCjs = fromCjs.filter((key) => !fromEsm.includes(key));
      problems.push(`${name}: ESM and CJS exports differ (only ESM: ${onlyEsm.join(', ') || '-'}; only CJS: ${onlyCjs.join(', ') || '-'})`);
    }
  }
  return problems;
}

/** `ms` as seconds with one decimal. */
export function seconds(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}

/**
 * The closing summary: one line per package, then the checks, the phases with their times and the verdict.
 * @param {{ packages: readonly { name: string, expected: string, installed?: string, changelog: boolean, license: boolean, esm: boolean, cjs: boolean }[], examples: readonly { name: string, status: string }[], phases: readonly { name: string, ms: number }[], problems: readonly string[] }} report
 */
export function formatSummary({ packages, examples, phases, problems }) {
  const mark = (ok) => (ok ? 'yes' : 'NO');
  const nameWidth = Math.max(7, ...packages.map(({ name }) => name.length));
  const lines = ['', 'Release rehearsal summary', ''];
  lines.push(`${'package'.padEnd(nameWidth)}  written   installed  CHANGELOG  LICENSE  ESM  CJS`);
  for (const row of packages) {
    lines.push(
      `${row.name.padEnd(nameWidth)}  ${row.expected.padEnd(8)}  ${(row.installed ?? '-').padEnd(9)}  ${mark(row.changelog).padEnd(9)}  ${mark(row.license).padEnd(7)}  ${mark(row.esm).padEnd(3)}  ${mark(row.cjs)}`,
    );
  }
  lines.push('', 'README examples (first ```ts block of each installed README):');
  for (const example of examples) lines.push(`  ${example.name}: ${example.status}`);
  lines.push('', 'Phases:');
  for (const phase of phases) lines.push(`  ${phase.name.padEnd(50)} ${seconds(phase.ms).padStart(8)}`);
  const total = phases.reduce((sum, phase) => sum + phase.ms, 0);
  lines.push(`  ${'total'.padEnd(50)} ${seconds(total).padStart(8)}`, '');
  if (problems.length === 0) lines.push('PASSED: the versions changesets wrote are the versions installed from the private registry.');
  else lines.push(`FAILED (${problems.length}):`, ...problems.map((problem) => `  - ${problem}`));
  return `${lines.join('\n')}\n`;
}

/** Where the rehearsal writes a file that uses a legacy engine name, relative to a consumer project. */
export const LEGACY_USE_PATH = 'legacy/uses-legacy.ts';

/** A user's file with one legacy import (line 1, column 10) and one use of it (line 3, column 35). */
export const LEGACY_USE_SOURCE = `import { ExecutionEngine } from '@baton/legacy-engines';

export type LegacyEngine = typeof ExecutionEngine;
`;

/**
 * What is wrong with the migration checker's runs in the consumer projects: with typescript 5 it must
 * report both uses with \`file:line:col\` and exit 1; with typescript 7 (and none of its own) exit 2
 * and say to install typescript@5 next to it.
 * @param {{ withTypeScript5?: { code: number | string, stdout: string, stderr: string },
 *   withTypeScript7?: { code: number | string, stdout: string, stderr: string }, typeScript7?: string }} runs
 * @returns {string[]}
 */
export function migrationCheckerProblems({ withTypeScript5, withTypeScript7, typeScript7 }) {
  const problems = [];
  const summary = (result) => `exit ${result.code}: ${`${result.stdout}${result.stderr}`.trim().split('\n')[0]}`;
  if (withTypeScript5 === undefined) problems.push('the migration checker did not run with typescript 5');
  else if (
    withTypeScript5.code !== 1 ||
    !withTypeScript5.stdout.includes(`${LEGACY_USE_PATH}:1:10 ExecutionEngine`) ||
    !withTypeScript5.stdout.includes(`${LEGACY_USE_PATH}:3:35 ExecutionEngine`)
  ) {
    problems.push(
      `the migration checker with typescript 5 should report ${LEGACY_USE_PATH}:1:10 and :3:35 and exit 1; ${summary(withTypeScript5)}`,
    );
  }
  if (withTypeScript7 === undefined) problems.push('the migration checker did not run with typescript 7');
  else if (!/^7\./.test(typeScript7 ?? '')) problems.push(`the typescript 7 project has typescript ${typeScript7 ?? 'none'}`);
  else if (withTypeScript7.code !== 2 || !withTypeScript7.stderr.includes('Install typescript@5 next to it')) {
    problems.push(
      `the migration checker with typescript 7 should exit 2 and say "Install typescript@5 next to it"; ${summary(withTypeScript7)}`,
    );
  }
  return problems;
}
