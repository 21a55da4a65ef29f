#!/usr/bin/env node
// `pnpm release:rehearse`: a release, for real, to a private registry. In a scratch clone of HEAD it
// versions the packages with changesets (`pnpm version-packages`), publishes every package with the
// very command a release uses (`pnpm release`: turbo build + `changeset publish`) to a Verdaccio on
// 127.0.0.1 (proxying everything but @baton/* to the registry npm is configured with), then installs
// the published versions with plain npm in a fresh project, loads each in ESM and CJS, type-checks
// the README examples and checks versions, CHANGELOGs and LICENSE files. Exit code 0 when all holds,
// 1 when a check fails, 2 for bad arguments. The pure rules are in release-rehearsal-plan.mjs.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
  seconds,
  USAGE,
  upstreamRegistry,
  verdaccioConfig,
} from './release-rehearsal-plan.mjs';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const PNPM = ['-y', JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).packageManager];
const GIT_IDENTITY = {
  GIT_AUTHOR_NAME: 'Release rehearsal',
  GIT_AUTHOR_EMAIL: 'rehearsal@localhost',
  GIT_COMMITTER_NAME: 'Release rehearsal',
  GIT_COMMITTER_EMAIL: 'rehearsal@localhost',
};

/** A failed step: its message names the command and the log holding its output. */
class StepError extends Error {}

/**
 * Runs `command args` in `cwd`, its output appended to `log`; resolves to its exit code (or signal)
 * and its outputs, whatever the code.
 * @returns {Promise<{ code: number | string, stdout: string, stderr: string }>}
 */
function runForExit(command, args, { cwd, env = process.env, log, input }) {
  return new Promise((resolve, reject) => {
    const out = createWriteStream(log, { flags: 'a' });
    out.write(`\n$ ${command} ${args.join(' ')}   (in ${cwd})\n`);
    const child = spawn(command, args, { cwd, env, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      out.write(chunk);
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      out.write(chunk);
    });
    if (input !== undefined) child.stdin.end(input);
    child.on('error', (error) => out.end(() => reject(new StepError(`${command} could not start: ${error.message}`))));
    child.on('close', (code, signal) => out.end(() => resolve({ code: code ?? signal, stdout, stderr })));
  });
}

/**
 * Runs `command args` in `cwd`, its output appended to `log`; resolves to its stdout.
 * @returns {Promise<string>}
 */
async function run(command, args, options) {
  const { code, stdout } = await runForExit(command, args, options);
  if (code !== 0) throw new StepError(`"${command} ${args.join(' ')}" exited with ${code}; its output is in ${options.log}`);
  return stdout;
}

/** A free TCP port on loopback. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Polls Verdaccio's ping endpoint until it answers (or the process ends, or 60 s pass: a safety net). */
async function waitForRegistry(registry, verdaccio) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (verdaccio.exitCode !== null) throw new StepError(`Verdaccio exited with ${verdaccio.exitCode} before it answered`);
    try {
      const response = await fetch(new URL('-/ping', registry));
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new StepError(`Verdaccio did not answer on ${registry} within 60 s`);
}

/** Creates the registry's one user (CouchDB-style `npm adduser` call) and returns its token. */
async function createRegistryUser(registry) {
  const name = 'rehearsal';
  const password = randomBytes(18).toString('base64url');
  const response = await fetch(new URL(`-/user/org.couchdb.user:${name}`, registry), {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password, type: 'user', roles: [], date: new Date().toISOString() }),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok || typeof body.token !== 'string')
    throw new StepError(`could not create the registry user: HTTP ${response.status} ${JSON.stringify(body)}`);
  return body.token;
}

/** The published packages of a checkout (packages/*, not private) with their versions. */
function publishedPackages(root) {
  return readdirSync(join(root, 'packages'))
    .sort()
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')) }))
    .filter(({ manifest }) => manifest.private !== true)
    .map(({ dir, manifest }) => ({ dir, name: manifest.name, version: manifest.version }));
}

const readIfExists = (path) => (existsSync(path) ? readFileSync(path, 'utf8') : undefined);

async function main() {
  const options = parseRehearsalArgs(process.argv.slice(2));
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  const scratch = mkdtempSync(join(tmpdir(), 'baton-release-'));
  const log = join(scratch, 'rehearsal.log');
  const clone = join(scratch, 'repo');
  const consumer = join(scratch, 'consumer');
  const phases = [];
  const problems = [];
  let verdaccio;
  let failed = true;
  const phase = async (name, step) => {
    const startedAt = Date.now();
    process.stdout.write(`▸ ${name} … `);
    try {
      return await step();
    } finally {
      const ms = Date.now() - startedAt;
      phases.push({ name, ms });
      process.stdout.write(`${seconds(ms)}\n`);
    }
  };
  console.log(`Release rehearsal in ${scratch} (log: ${log})`);
  try {
    const upstream = options.upstream ?? upstreamRegistry(await run('npm', ['config', 'get', 'registry'], { cwd: repoRoot, log }));

    await phase('clone HEAD into a scratch directory', async () => {
      await run('git', ['clone', '--quiet', '--no-hardlinks', repoRoot, clone], { cwd: scratch, log });
      if (options.withUncommitted) {
        const diff = await run('git', ['diff', 'HEAD', '--binary'], { cwd: repoRoot, log: join(scratch, 'uncommitted.diff') });
        if (diff.trim() !== '') await run('git', ['apply', '--whitespace=nowarn'], { cwd: clone, log, input: diff });
        const untracked = (await run('git', ['ls-files', '--others', '--exclude-standard', '-z'], { cwd: repoRoot, log }))
          .split('\0')
          .filter(Boolean);
        for (const path of untracked) {
          mkdirSync(dirname(join(clone, path)), { recursive: true });
          writeFileSync(join(clone, path), readFileSync(join(repoRoot, path)));
        }
        await run('git', ['add', '-A'], { cwd: clone, log });
        await run('git', ['commit', '--quiet', '--allow-empty', '-m', 'Rehearsal: the uncommitted changes of the working tree'], {
          cwd: clone,
          log,
          env: { ...process.env, ...GIT_IDENTITY },
        });
      }
    });

    await phase(`pnpm install ${options.withUncommitted ? '(lockfile updated)' : '--frozen-lockfile'}`, () =>
      // Uncommitted changes may include manifests whose lockfile update is not made yet.
      run('npx', [...PNPM, 'install', options.withUncommitted ? '--no-frozen-lockfile' : '--frozen-lockfile', '--prefer-offline'], {
        cwd: clone,
        log,
        env: { ...process.env, CI: 'true' },
      }),
    );

    const expected = await phase('pnpm version-packages (changeset version)', async () => {
      const pending = pendingChangesets(readdirSync(join(clone, '.changeset')));
      if (pending.length === 0) {
        writeFileSync(
          join(clone, '.changeset', 'release-rehearsal.md'),
          rehearsalChangeset(publishedPackages(clone).map(({ name }) => name)),
        );
      }
      await run('npx', [...PNPM, 'version-packages'], { cwd: clone, log, env: { ...process.env, CI: 'true' } });
      await run('git', ['add', '-A'], { cwd: clone, log });
      await run('git', ['commit', '--quiet', '-m', 'Version packages'], { cwd: clone, log, env: { ...process.env, ...GIT_IDENTITY } });
      return publishedPackages(clone);
    });
    for (const { dir, name, version } of expected) {
      if (!existsSync(join(clone, 'packages', dir, 'CHANGELOG.md'))) problems.push(`${name}: changeset version wrote no CHANGELOG.md`);
      if (version === '0.0.0') problems.push(`${name}: changeset version left it at 0.0.0`);
    }

    const port = options.port ?? (await freePort());
    const registry = `http://127.0.0.1:${port}/`;
    const userConfig = join(scratch, 'npmrc');
    await phase('start Verdaccio and create its user', async () => {
      const storage = join(scratch, 'registry');
      mkdirSync(storage, { recursive: true });
      const config = join(scratch, 'verdaccio.yaml');
      writeFileSync(config, verdaccioConfig({ storage: join(storage, 'storage'), htpasswd: join(storage, 'htpasswd'), port, upstream }));
      const bin = join(repoRoot, 'node_modules', 'verdaccio', 'bin', 'verdaccio');
      const out = createWriteStream(join(scratch, 'verdaccio.log'));
      verdaccio = spawn(process.execPath, [bin, '--config', config, '--listen', `127.0.0.1:${port}`], {
        cwd: scratch,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      verdaccio.stdout.pipe(out);
      verdaccio.stderr.pipe(out);
      await waitForRegistry(registry, verdaccio);
      const token = await createRegistryUser(registry);
      writeFileSync(userConfig, registryUserConfig({ registry, token }));
      // pnpm publish reads the workspace's .npmrc too: the clone's names the private registry alone.
      writeFileSync(join(clone, '.npmrc'), registryUserConfig({ registry, token }));
    });
    const env = registryEnv(process.env, { registry, userConfig });

    await phase('pnpm release (turbo build + changeset publish)', () =>
      run('npx', [...PNPM, 'release'], { cwd: clone, log, env: { ...env, ...GIT_IDENTITY } }),
    );

    await phase('the registry has every written version', async () => {
      for (const { name, version } of expected) {
        const response = await fetch(new URL(name.replace('/', '%2f'), registry));
        const document = response.ok ? await response.json() : undefined;
        if (!document?.versions?.[version]) problems.push(`${name}@${version} is not on the private registry (HTTP ${response.status})`);
        else if (document['dist-tags']?.latest !== version)
          problems.push(`${name}: latest is ${document['dist-tags']?.latest}, not ${version}`);
      }
    });

    await phase('npm install in a fresh project', async () => {
      mkdirSync(join(consumer, 'examples'), { recursive: true });
      writeFileSync(join(consumer, 'package.json'), consumerManifest());
      writeFileSync(join(consumer, '.npmrc'), `registry=${registry}\n`);
      await run('npm', ['install', '--no-audit', '--no-fund', ...consumerInstallSpecs(expected)], {
        cwd: consumer,
        log: join(scratch, 'consumer-install.log'),
        env,
      });
    });
    const npmWarnings = readFileSync(join(scratch, 'consumer-install.log'), 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('npm warn') || line.startsWith('npm WARN'));

    const rows = expected.map(({ dir, name, version }) => {
      const installedDir = join(consumer, 'node_modules', name);
      const manifestText = readIfExists(join(installedDir, 'package.json'));
      const installed = manifestText ? JSON.parse(manifestText) : undefined;
      const changelog = readIfExists(join(installedDir, 'CHANGELOG.md'));
      const license = readIfExists(join(installedDir, 'LICENSE'));
      problems.push(...installedPackageProblems({ name, expectedVersion: version, installed, changelog, license }));
      return {
        dir,
        name,
        expected: version,
        installed: installed?.version,
        changelog: changelog !== undefined,
        license: license !== undefined,
        esm: false,
        cjs: false,
      };
    });

    const names = expected.map(({ name }) => name);
    await phase('load each package with import() and require()', async () => {
      writeFileSync(join(consumer, 'check-esm.mjs'), importCheckSource(names, 'esm'));
      writeFileSync(join(consumer, 'check-cjs.cjs'), importCheckSource(names, 'cjs'));
      const load = async (file) => {
        try {
          return JSON.parse(await run(process.execPath, [file], { cwd: consumer, log }));
        } catch (error) {
          problems.push(`${file}: ${error.message}`);
          return {};
        }
      };
      const esm = await load('check-esm.mjs');
      const cjs = await load('check-cjs.cjs');
      problems.push(...importProblems(names, esm, cjs));
      for (const row of rows) {
        row.esm = (esm[row.name] ?? []).length > 0;
        row.cjs = (cjs[row.name] ?? []).length > 0;
      }
    });

    const examples = [];
    await phase('type-check the README examples (node16, bundler)', async () => {
      const checked = [];
      for (const { dir, name } of expected) {
        const readme = readIfExists(join(consumer, 'node_modules', name, 'README.md'));
        const example = readme === undefined ? undefined : firstTypeScriptExample(readme);
        if (example === undefined) {
          examples.push({ name, status: readme === undefined ? 'no README.md in the package' : 'no ```ts example in its README' });
          continue;
        }
        const missing = importedPackages(example).filter(
          (imported) => !existsSync(join(consumer, 'node_modules', imported, 'package.json')),
        );
        if (missing.length > 0) {
          examples.push({
            name,
            status: `skipped: imports ${missing.join(', ')}, which a user of this package installs and this project does not`,
          });
          continue;
        }
        writeFileSync(join(consumer, 'examples', `${dir}.ts`), example);
        checked.push({ dir, name });
      }
      const errorsByFile = new Map();
      for (const resolution of ['node16', 'bundler']) {
        writeFileSync(join(consumer, `tsconfig.${resolution}.json`), consumerTsconfig(resolution));
        const tsc = join(consumer, 'node_modules', 'typescript', 'bin', 'tsc');
        try {
          await run(process.execPath, [tsc, '-p', `tsconfig.${resolution}.json`, '--pretty', 'false'], {
            cwd: consumer,
            log: join(scratch, `tsc-${resolution}.log`),
          });
        } catch {
          for (const line of readFileSync(join(scratch, `tsc-${resolution}.log`), 'utf8').split('\n')) {
            const match = /^examples\/([^.]+)\.ts\(\d+,\d+\): error (TS\d+: .*)$/.exec(line);
            if (match) errorsByFile.set(match[1], [...(errorsByFile.get(match[1]) ?? []), `${resolution}: ${line}`]);
          }
          if (errorsByFile.size === 0) problems.push(`tsc (${resolution}) failed; see ${join(scratch, `tsc-${resolution}.log`)}`);
        }
      }
      for (const { dir, name } of checked) {
        const errors = errorsByFile.get(dir) ?? [];
        examples.push({
          name,
          status: errors.length === 0 ? 'type-checks under node16 and bundler' : `${errors.length} error(s): ${errors[0]}`,
        });
        problems.push(...errors.map((error) => `README example of ${name}: ${error}`));
      }
      if (!checked.some(({ name }) => name === '@baton/redis'))
        problems.push('the README example of @baton/redis (ioredis client type) was not type-checked');
    });

    const checker = {};
    await phase('the migration checker with typescript 5, then 7', async () => {
      const legacy = expected.find(({ name }) => name === '@baton/legacy-engines');
      if (legacy === undefined) {
        problems.push('@baton/legacy-engines was not published');
        return;
      }
      mkdirSync(join(consumer, dirname(LEGACY_USE_PATH)), { recursive: true });
      writeFileSync(join(consumer, LEGACY_USE_PATH), LEGACY_USE_SOURCE);
      const bin = join(consumer, 'node_modules', '@baton', 'legacy-engines', 'dist', 'cli.js');
      checker.withTypeScript5 = await runForExit(process.execPath, [bin, 'check', dirname(LEGACY_USE_PATH)], { cwd: consumer, log, env });
      // A project on TypeScript 7 runs the checker as its README says, with npx: the checker then has no
      // TypeScript of its own (an optional peer), finds only the project's 7, and must say what to do.
      const ts7 = join(scratch, 'consumer-typescript-7');
      mkdirSync(join(ts7, dirname(LEGACY_USE_PATH)), { recursive: true });
      writeFileSync(join(ts7, 'package.json'), consumerManifest());
      writeFileSync(join(ts7, '.npmrc'), `registry=${registry}\n`);
      writeFileSync(join(ts7, LEGACY_USE_PATH), LEGACY_USE_SOURCE);
      await run('npm', ['install', '--no-audit', '--no-fund', 'typescript@7'], { cwd: ts7, log, env });
      checker.typeScript7 = JSON.parse(readIfExists(join(ts7, 'node_modules', 'typescript', 'package.json')) ?? '{}').version;
      checker.withTypeScript7 = await runForExit(
        'npx',
        ['-y', '--package', `${legacy.name}@${legacy.version}`, 'legacy-engines', 'check', dirname(LEGACY_USE_PATH)],
        // A cache of its own: npx reuses an earlier rehearsal's install of the same version otherwise.
        { cwd: ts7, log, env: { ...env, npm_config_cache: join(scratch, 'npx-cache') } },
      );
      problems.push(...migrationCheckerProblems(checker));
    });

    const ioredisVersion = JSON.parse(readIfExists(join(consumer, 'node_modules', 'ioredis', 'package.json')) ?? '{}').version;
    process.stdout.write(formatSummary({ packages: rows, examples, phases, problems }));
    console.log(`ioredis installed next to them: ${ioredisVersion ?? 'none'}; npm warnings during the install: ${npmWarnings.length}`);
    for (const warning of npmWarnings.slice(0, 10)) console.log(`  ${warning}`);
    if (checker.withTypeScript7 !== undefined) {
      console.log(
        `migration checker: with typescript 5 exit ${checker.withTypeScript5.code}; with typescript ${checker.typeScript7} exit ${checker.withTypeScript7.code}: ${checker.withTypeScript7.stderr.split('\n')[1] ?? ''}`,
      );
    }
    failed = problems.length > 0;
    return failed ? 1 : 0;
  } catch (error) {
    if (!(error instanceof StepError)) throw error;
    process.stdout.write('\n');
    console.error(`Release rehearsal FAILED: ${error.message}`);
    return 1;
  } finally {
    verdaccio?.kill();
    // A failed rehearsal keeps its logs (and everything else) for a look.
    if (options.keep || failed) console.log(`Kept ${scratch}`);
    else rmSync(scratch, { recursive: true, force: true });
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    if (error instanceof RehearsalUsageError) {
      console.error(`${error.message}\n\n${USAGE}`);
      process.exitCode = 2;
    } else {
      console.error(error);
      process.exitCode = 1;
    }
  },
);
