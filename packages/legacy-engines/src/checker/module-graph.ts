import { posix } from 'node:path';
import { isLegacyEngineName, LEGACY_ENGINE_NAMES, type LegacyEngineName } from '../legacy-names.js';
import { isLegacyModuleSpecifier } from './legacy-modules.js';
import type { ExportSource, ImportedName, ModuleFacts } from './module-facts.js';

/**
 * A module that legacy names can come from: one of the checked files (`file`), and/or a module whose specifier
 * names it as a legacy engine module (`legacyNamed`: `@baton/legacy-engines`, `./execution-engine`, ...).
 */
export interface ModuleTarget {
  readonly file?: string;
  readonly legacyNamed: boolean;
}

/** What an exported name of a module is: a legacy engine name, or a namespace of another module. */
export type LegacyBinding =
  | { readonly kind: 'name'; readonly legacyName: LegacyEngineName }
  | { readonly kind: 'namespace'; readonly target: ModuleTarget };

// `./x.js` may name `x.ts` (TypeScript's ESM convention), `./x` any source file, `./dir` its index file.
const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
const TYPESCRIPT_FOR: Record<string, readonly string[]> = {
  '.js': ['.ts', '.tsx'],
  '.jsx': ['.tsx'],
  '.mjs': ['.mts'],
  '.cjs': ['.cts'],
};

/**
 * The checked files as one module graph: resolves relative specifiers between them and follows re-exports
 * (`export { X as Y } from`, `export * from`, `export * as ns from`, `export { local }`, `module.exports = {...}`)
 * to the legacy name or legacy module they lead to. Files are keyed by their printed path (`/`-separated).
 * @internal
 */
export class ModuleGraph {
  constructor(private readonly files: ReadonlyMap<string, ModuleFacts>) {}

  /** The checked file a relative specifier names, trying TypeScript's and Node's extension rules. */
  resolveFile(fromFile: string, specifier: string): string | undefined {
    if (!specifier.startsWith('./') && !specifier.startsWith('../') && specifier !== '.' && specifier !== '..') return undefined;
    const base = posix.normalize(posix.join(posix.dirname(fromFile), specifier));
    const extension = posix.extname(base);
    const candidates = [base];
    for (const replacement of TYPESCRIPT_FOR[extension] ?? []) candidates.push(base.slice(0, -extension.length) + replacement);
    for (const suffix of SOURCE_EXTENSIONS) candidates.push(base + suffix);
    for (const suffix of SOURCE_EXTENSIONS) candidates.push(`${base}/index${suffix}`);
    return candidates.find((candidate) => this.files.has(candidate));
  }

  /** What `specifier`, imported from `fromFile`, can bring in; `undefined` when no legacy name can come from it. */
  resolve(fromFile: string, specifier: string): ModuleTarget | undefined {
    const file = this.resolveFile(fromFile, specifier);
    const legacyNamed = isLegacyModuleSpecifier(specifier);
    if (file === undefined) return legacyNamed ? { legacyNamed } : undefined;
    return { file, legacyNamed };
  }

  /**
   * What the export `name` of `target` is, following re-exports through the checked files. A legacy engine name
   * exported by a legacy-named module counts whatever the module's own code is (as `import { X } from` did before).
   */
  exportOf(target: ModuleTarget, name: string, visiting: Set<string> = new Set()): LegacyBinding | undefined {
    if (target.legacyNamed && isLegacyEngineName(name)) return { kind: 'name', legacyName: name };
    if (target.file === undefined) return undefined;
    const key = `${target.file}\0${name}`;
    if (visiting.has(key)) return undefined; // a re-export cycle
    visiting.add(key);
    const facts = this.files.get(target.file);
    if (facts === undefined) return undefined;
    const source = facts.exports.get(name);
    if (source !== undefined) return this.sourceOf(target.file, facts, source, visiting);
    if (name === 'default') return facts.commonJs ? { kind: 'namespace', target } : undefined;
    for (const star of facts.stars) {
      const starTarget = this.resolve(target.file, star);
      const found = starTarget === undefined ? undefined : this.exportOf(starTarget, name, visiting);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  /** What a top-level name of `file` (a local, or an import) is. */
  bindingOf(file: string, local: string): LegacyBinding | undefined {
    const facts = this.files.get(file);
    return facts === undefined ? undefined : this.sourceOf(file, facts, { kind: 'local', local }, new Set());
  }

  private sourceOf(file: string, facts: ModuleFacts, source: ExportSource, visiting: Set<string>): LegacyBinding | undefined {
    const imported: ImportedName | undefined = source.kind === 'import' ? source : facts.imports.get(source.local);
    if (imported === undefined) return undefined; // declared in this file
    const target = this.resolve(file, imported.specifier);
    if (target === undefined) return undefined;
    const binding: LegacyBinding | undefined =
      imported.name === '*' ? { kind: 'namespace', target } : this.exportOf(target, imported.name, visiting);
    if (source.kind === 'import' || source.member === undefined) return binding;
    return binding?.kind === 'namespace' ? this.exportOf(binding.target, source.member, visiting) : undefined;
  }

  /**
   * The legacy names `export * from <target>` (or `export * as ns from <target>`) in `fromFile` passes on, in the order
   * of {@link LEGACY_ENGINE_NAMES}: all of them for a legacy-named module that is not among the checked files
   * (`@baton/legacy-engines` exports each one), else the ones the checked file exports, directly or through its own
   * re-exports. For `export *`, names `fromFile` exports itself are left out: its own exports shadow the star's.
   */
  legacyNamesOf(target: ModuleTarget, fromFile?: string): LegacyEngineName[] {
    const shadowing = fromFile === undefined ? undefined : this.files.get(fromFile)?.exports;
    const found = new Set<LegacyEngineName>();
    for (const [exported, legacyName] of this.legacyExportsOf(target, new Set())) {
      if (shadowing?.has(exported) !== true) found.add(legacyName);
    }
    return LEGACY_ENGINE_NAMES.filter((name) => found.has(name));
  }

  /** Exported name → legacy name, for every export of `target` that is a legacy name (`default` excluded, as in `export *`). */
  private legacyExportsOf(target: ModuleTarget, visiting: Set<string>): Map<string, LegacyEngineName> {
    const found = new Map<string, LegacyEngineName>();
    if (target.file === undefined) {
      if (target.legacyNamed) for (const name of LEGACY_ENGINE_NAMES) found.set(name, name);
      return found;
    }
    const facts = this.files.get(target.file);
    if (facts === undefined || visiting.has(target.file)) return found;
    visiting.add(target.file);
    for (const name of facts.exports.keys()) {
      const binding = name === 'default' ? undefined : this.exportOf(target, name);
      if (binding?.kind === 'name') found.set(name, binding.legacyName);
    }
    for (const star of facts.stars) {
      const starTarget = this.resolve(target.file, star);
      if (starTarget === undefined) continue;
      for (const [name, legacyName] of this.legacyExportsOf(starTarget, visiting)) {
        if (!facts.exports.has(name) && !found.has(name)) found.set(name, legacyName);
      }
    }
    return found;
  }
}
