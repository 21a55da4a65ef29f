#!/usr/bin/env node
// The dependency-graph check DEVELOPERS.md asks for: independent of turbo, reads every workspace
// package.json and every source import, and fails with a clear message on a forbidden edge.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** Which workspace packages each library may depend on (dependencies of every kind, dev included). */
export const ALLOWED_WORKSPACE_DEPENDENCIES = {
  '@baton/engine-contract': [],
  '@baton/engine-factory': ['@baton/engine-contract'],
  '@baton/orchestrator': ['@baton/engine-contract'],
  '@baton/legacy-engines': ['@baton/engine-contract'],
  '@baton/redis': ['@baton/engine-contract'],
  // An adapter to the Vercel AI SDK: only apps may depend on it (no library lists it above).
  '@baton/ai-sdk': ['@baton/engine-contract'],
  // The worker tier on BullMQ composes the factory and the orchestrator: only apps may depend on it
  // (no library lists it above). Its tests also use the ones in ALLOWED_DEV_ONLY_DEPENDENCIES.
  '@baton/bullmq': ['@baton/engine-contract', '@baton/engine-factory', '@baton/orchestrator'],
  // OpenTelemetry traces and metrics from the events: an adapter like @baton/ai-sdk (peer:
  // @opentelemetry/api); only apps may depend on it (no library lists it).
  '@baton/otel': ['@baton/engine-contract'],
  // The test kit: real engines from the factory on a manual clock. Apps use it; the orchestrator's
  // tests use it as a devDependency (ALLOWED_DEV_ONLY_DEPENDENCIES), never shipped.
  '@baton/testing': ['@baton/engine-contract', '@baton/engine-factory'],
};
/**
 * Workspace packages a library may list in devDependencies only: its tests use them, its users never
 * get them. Declared in dependencies, peerDependencies or optionalDependencies, they are refused.
 */
export const ALLOWED_DEV_ONLY_DEPENDENCIES = {
  '@baton/bullmq': ['@baton/redis', '@baton/test-redis'],
  '@baton/redis': ['@baton/test-redis'],
};
/** Nothing in the workspace may depend on the shim (its own tests are not dependents). */
export const FORBIDDEN_DEPENDENCY = '@baton/legacy-engines';
/**
 * Workspace packages expose only their root entry (and `./package.json`); any other subpath is refused,
 * from every package. The contract in particular has no `./internal` entry any more: engines are marked
 * genuine through an untyped registry only the factory reaches, never through an import.
 */
export const ALLOWED_SUBPATHS = ['', '/package.json'];

const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'];
const SOURCE_FILE = /\.(?:[cm]?[jt]s|tsx|jsx)$/;
const SKIPPED_DIRECTORIES = new Set(['node_modules', 'dist', '.turbo', 'coverage', 'results', 'test-results', '__fixtures__']);

/** Reads the workspace's packages (packages/* and apps/*) under `root`. */
export function readWorkspace(root) {
  const packages = [];
  for (const group of ['packages', 'apps']) {
    const groupDir = join(root, group);
    if (!existsSync(groupDir)) continue;
    for (const entry of readdirSync(groupDir).sort()) {
      const dir = join(groupDir, entry);
      const manifestPath = join(dir, 'package.json');
      if (!existsSync(manifestPath)) continue;
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
      packages.push({ name: manifest.name, dir, group, manifest });
    }
  }
  return packages;
}

function* sourceFiles(dir) {
  for (const entry of readdirSync(dir)) {
    if (SKIPPED_DIRECTORIES.has(entry) || entry.startsWith('.')) continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) yield* sourceFiles(path);
    else if (SOURCE_FILE.test(entry)) yield path;
  }
}

/**
 * Every import specifier in a source text (static, side-effect, re-export, dynamic `import()` and
 * `require()`), with its 1-based line. TypeScript's scanner skips strings and comments, so code
 * examples inside strings are not mistaken for imports.
 */
export function findImports(text) {
  const { importedFiles } = ts.preProcessFile(text, true, true);
  return importedFiles.map(({ fileName, pos }) => ({
    specifier: fileName,
    line: text.slice(0, pos).split('\n').length,
  }));
}

function packageOf(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** All violations of the dependency rules in the workspace at `root`, as readable messages. */
export function checkWorkspace(root) {
  const packages = readWorkspace(root);
  const workspaceNames = new Set(packages.map((pkg) => pkg.name));
  const violations = [];
  for (const pkg of packages) {
    const where = relative(root, pkg.dir);
    const declared = new Map();
    for (const field of DEPENDENCY_FIELDS) {
      for (const dependency of Object.keys(pkg.manifest[field] ?? {})) declared.set(dependency, field);
    }
    const allowed = ALLOWED_WORKSPACE_DEPENDENCIES[pkg.name];
    const devOnly = ALLOWED_DEV_ONLY_DEPENDENCIES[pkg.name] ?? [];
    if (pkg.group === 'packages' && allowed === undefined) {
      violations.push(`${pkg.name} (${where}) has no rule in scripts/check-deps.mjs: add it to ALLOWED_WORKSPACE_DEPENDENCIES.`);
    }
    for (const [dependency, field] of declared) {
      if (!workspaceNames.has(dependency)) continue;
      if (dependency === FORBIDDEN_DEPENDENCY) {
        violations.push(
          `${pkg.name} declares ${dependency} in ${field}: nothing in the workspace may depend on the legacy shim; migrate the code instead (see its README).`,
        );
      } else if (allowed !== undefined && devOnly.includes(dependency)) {
        // Every field, not just the one `declared` kept: listed in devDependencies too, it still ships.
        for (const shipped of DEPENDENCY_FIELDS.filter((name) => name !== 'devDependencies' && pkg.manifest[name]?.[dependency])) {
          violations.push(
            `${pkg.name} declares ${dependency} in ${shipped}, but it may use ${dependency} only as a devDependency (for its tests), never ship it to its users.`,
          );
        }
      } else if (allowed !== undefined && !allowed.includes(dependency)) {
        violations.push(
          `${pkg.name} declares ${dependency} in ${field}, but it may depend only on ${allowed.length ? allowed.join(', ') : 'no workspace package'}${devOnly.length ? ` (and, as devDependencies, ${devOnly.join(', ')})` : ''}. Move cross-package tests to apps/.`,
        );
      }
    }
    for (const file of sourceFiles(pkg.dir)) {
      const fileName = relative(root, file);
      for (const { specifier, line } of findImports(readFileSync(file, 'utf8'))) {
        const at = `${fileName}:${line}`;
        if (specifier.startsWith('.')) {
          const target = resolve(dirname(file), specifier);
          if (target !== pkg.dir && !target.startsWith(pkg.dir + sep)) {
            violations.push(`${at} imports "${specifier}", which leaves ${where}: import other packages by name through their exports.`);
          }
          continue;
        }
        const name = packageOf(specifier);
        if (!workspaceNames.has(name) || name === pkg.name) continue;
        const subpath = specifier.slice(name.length);
        if (/^\/(?:src|dist)(?:\/|$)/.test(subpath)) {
          violations.push(
            `${at} imports "${specifier}", reaching into ${name}'s ${subpath.split('/')[1]}/: import "${name}" through its exports map.`,
          );
        } else if (!ALLOWED_SUBPATHS.includes(subpath)) {
          const hint =
            name === '@baton/engine-contract' ? ' Genuine engines come from createEngineFactory(...).createEngine(userContext).' : '';
          violations.push(
            `${at} imports "${specifier}", a subpath of ${name}: workspace packages expose only their root entry; import "${name}".${hint}`,
          );
        }
        if (!declared.has(name)) {
          violations.push(`${at} imports "${specifier}" but ${pkg.name} does not declare ${name} in its package.json.`);
        }
      }
    }
  }
  return violations;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
  const violations = checkWorkspace(root);
  if (violations.length > 0) {
    console.error(`Dependency-graph check failed (${violations.length} violation${violations.length === 1 ? '' : 's'}):`);
    for (const violation of violations) console.error(`  - ${violation}`);
    process.exit(1);
  }
  console.log(`Dependency-graph check passed: ${readWorkspace(root).length} workspace packages, no forbidden edges.`);
}
