import type * as TS from 'typescript';
import type { LegacyEngineName } from '../legacy-names.js';
import type { LegacyUse } from './legacy-use.js';

/** A legacy use with the syntax node it was found at (for `--fix`). @internal */
export interface LocatedUse extends LegacyUse {
  readonly node: TS.Node;
}

/** One imported legacy binding: `--fix` deletes it when it is `removable` and nothing in the file uses it. @internal */
export interface ImportedLegacyBinding {
  /** The import specifier, the destructured element, or the name of a default import. */
  readonly element: TS.ImportSpecifier | TS.BindingElement | TS.Identifier;
  readonly legacyName: LegacyEngineName;
  /** The local binding it creates (undefined for a nested pattern). */
  readonly symbol: TS.Symbol | undefined;
  /**
   * Whether deleting it is a mechanical edit: an ESM import, or a flat `const { ... } = require(...)` /
   * `await import(...)` alone in its statement without a rest element (whose contents would change).
   */
  readonly removable: boolean;
}

/** A statement that imports legacy names. @internal */
export interface ImportSite {
  readonly kind: 'esm' | 'cjs' | 'dynamic-import';
  readonly statement: TS.ImportDeclaration | TS.VariableStatement;
  readonly legacy: readonly ImportedLegacyBinding[];
}

/** Everything the checker found in one file. @internal */
export interface FileAnalysis {
  readonly file: string;
  readonly sourceFile: TS.SourceFile;
  readonly uses: readonly LocatedUse[];
  readonly importSites: readonly ImportSite[];
  /** The legacy bindings something in the file refers to (`--fix` keeps their imports). */
  readonly referenced: ReadonlySet<TS.Symbol>;
}
