import type * as TS from 'typescript';
import type { FileAnalysis, ImportedLegacyBinding, ImportSite, LocatedUse } from './find-legacy-uses.js';
import { anchorOf, applyEdits, commentBlockAbove, type Edit, indentAt, isFirstOnLine, lineStartOf } from './source-edits.js';
import { isDirectiveLine, isMarkerLine, todoText } from './todo-markers.js';

export { todoText } from './todo-markers.js';

/** What `--fix` did to one file. */
export interface FixResult {
  /** The file's new text (equal to the old one when nothing changed). */
  readonly text: string;
  /** Imported legacy bindings nothing used any more, deleted from their import. */
  readonly importsRemoved: number;
  /** `TODO(baton-migrate)` comments added. */
  readonly todosAdded: number;
}

/** `{ a, b }` of the kept elements, laid out as the original list was (one line, or one element per line). */
function rebuildList(sourceFile: TS.SourceFile, list: TS.NamedImports | TS.ObjectBindingPattern, kept: readonly TS.Node[]): string {
  const text = sourceFile.text;
  const original = text.slice(list.getStart(sourceFile), list.end);
  const items = kept.map((element) => element.getText(sourceFile));
  if (!original.includes('\n')) return `{ ${items.join(', ')} }`;
  const first = list.elements[0];
  const indent = first === undefined ? '' : indentAt(text, lineStartOf(text, first.getStart(sourceFile)));
  const closingIndent = indentAt(text, lineStartOf(text, list.end - 1));
  const newline = original.includes('\r\n') ? '\r\n' : '\n';
  const trailing = list.elements.hasTrailingComma ? ',' : '';
  return `{${newline}${items.map((item) => `${indent}${item}`).join(`,${newline}`)}${trailing}${newline}${closingIndent}}`;
}

/**
 * Marks what cannot be migrated mechanically and deletes only what can (see the package README, "What --fix
 * does"); the code behaves exactly as before, so it still throws the guided `EngineMigrationError` where it used a
 * legacy name, never a `ReferenceError`, and TypeScript code still type-checks:
 * - An imported legacy binding that nothing in the file uses any more (after you migrated its uses by hand) is
 *   deleted from its import (`import { X }`, `const { X } = require(...)`, `const { X } = await import(...)`); so is
 *   the statement when nothing else is left in it, with the `TODO(baton-migrate)` markers above it for those names.
 * - Every other finding (each use, each import that is still used, re-exports, namespace accesses, type queries)
 *   is left as it is, with a `// TODO(baton-migrate): <legacy name> → <replacement> from <package>` comment above
 *   it (above `// @ts-expect-error`-style directives and doc comments), or an inline block comment when the code
 *   does not start its line.
 * Running it again changes nothing.
 * @internal
 */
export function fixFile(ts: typeof TS, analysis: FileAnalysis): FixResult {
  const { sourceFile, referenced } = analysis;
  const text = sourceFile.text;
  // Added lines follow the file's line endings.
  const newline = text.includes('\r\n') ? '\r\n' : '\n';
  const edits: Edit[] = [];
  const edit = (start: number, end: number, replacement: string): void => {
    edits.push({ start, end, text: replacement, order: edits.length });
  };
  const removed = new Set<TS.Node>();
  let importsRemoved = 0;

  /**
   * Deletes the marker lines for `names` in the comment block directly above the line starting at `lineStart`, and
   * its directives too when the whole statement goes (a `// @ts-expect-error` would then act on the next line).
   */
  const removeCommentsAbove = (lineStart: number, names: ReadonlySet<string>, directivesToo: boolean): void => {
    let start = lineStart;
    while (start > 0) {
      const previousStart = lineStartOf(text, start - 1);
      const line = text.slice(previousStart, start - 1).trim();
      const directive = isDirectiveLine(line);
      if (!isMarkerLine(line) && !directive) break;
      const name = /^\/\/ TODO\(baton-migrate\):\s*([A-Za-z]+)/.exec(line)?.[1];
      if ((name !== undefined && names.has(name)) || (directive && directivesToo)) edit(previousStart, start, '');
      start = previousStart;
    }
  };

  const removeStatement = (statement: TS.Statement, names: ReadonlySet<string>): void => {
    const start = statement.getStart(sourceFile);
    const lineEnd = text.indexOf('\n', statement.end);
    const end = lineEnd === -1 ? text.length : lineEnd + 1;
    if (isFirstOnLine(text, start) && /^[ \t\r]*$/.test(text.slice(statement.end, lineEnd === -1 ? text.length : lineEnd))) {
      edit(lineStartOf(text, start), end, '');
      removeCommentsAbove(lineStartOf(text, start), names, true);
    } else {
      edit(start, statement.end, '');
    }
  };

  const removeBindings = (site: ImportSite, dead: readonly ImportedLegacyBinding[]): void => {
    const deadElements = new Set<TS.Node>(dead.map((entry) => entry.element));
    const keptLegacy = new Set(site.legacy.filter((entry) => !deadElements.has(entry.element)).map((entry) => entry.legacyName));
    const names = new Set(dead.map((entry) => entry.legacyName).filter((name) => !keptLegacy.has(name)));
    const { statement } = site;
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      const named = clause?.namedBindings;
      const defaultGone = clause?.name !== undefined && deadElements.has(clause.name);
      const keptNamed =
        named !== undefined && ts.isNamedImports(named) ? named.elements.filter((element) => !deadElements.has(element)) : [];
      const keepsNamed = named !== undefined && (ts.isNamespaceImport(named) || keptNamed.length > 0);
      if ((clause?.name === undefined || defaultGone) && !keepsNamed) removeStatement(statement, names);
      else {
        // `import EE, { a } from` → `import { a } from`
        if (defaultGone && clause?.name !== undefined && named !== undefined)
          edit(clause.name.getStart(sourceFile), named.getStart(sourceFile), '');
        if (named !== undefined && ts.isNamedImports(named) && keptNamed.length !== named.elements.length) {
          // `import Default, { X } from` → `import Default from`
          if (keptNamed.length === 0 && clause?.name !== undefined) edit(clause.name.end, named.end, '');
          else edit(named.getStart(sourceFile), named.end, rebuildList(sourceFile, named, keptNamed));
        }
        removeCommentsAbove(lineStartOf(text, statement.getStart(sourceFile)), names, false);
      }
    } else {
      const pattern = statement.declarationList.declarations[0]?.name;
      if (pattern === undefined || !ts.isObjectBindingPattern(pattern)) return;
      const kept = pattern.elements.filter((element) => !deadElements.has(element));
      if (kept.length === 0) removeStatement(statement, names);
      else {
        edit(pattern.getStart(sourceFile), pattern.end, rebuildList(sourceFile, pattern, kept));
        removeCommentsAbove(lineStartOf(text, statement.getStart(sourceFile)), names, false);
      }
    }
    for (const element of deadElements) removed.add(element);
    importsRemoved += dead.length;
  };

  for (const site of analysis.importSites) {
    const dead = site.legacy.filter((entry) => entry.removable && entry.symbol !== undefined && !referenced.has(entry.symbol));
    if (dead.length > 0) removeBindings(site, dead);
  }

  // Every finding not deleted above gets a TODO above its anchor (once per anchor and legacy name).
  const marked = new Set<string>();
  let todosAdded = 0;
  const isRemoved = (use: LocatedUse): boolean => {
    for (let node: TS.Node | undefined = use.node; node !== undefined && !ts.isSourceFile(node); node = node.parent) {
      if (removed.has(node)) return true;
    }
    return false;
  };
  for (const use of analysis.uses) {
    if (use.kind === 'todo' || isRemoved(use)) continue;
    const anchor = anchorOf(ts, sourceFile, use.node);
    const key = `${anchor.start}:${use.legacyName}`;
    if (marked.has(key)) continue;
    marked.add(key);
    const todo = todoText(use.legacyName);
    if (anchor.ownLine) {
      const lineStart = lineStartOf(text, anchor.start);
      const block = commentBlockAbove(text, lineStart);
      if (block.markers.has(`// ${todo}`)) continue;
      edit(block.start, block.start, `${indentAt(text, lineStart)}// ${todo}${newline}`);
    } else {
      if (text.slice(lineStartOf(text, anchor.start), anchor.start).includes(`/* ${todo} */`)) continue;
      edit(anchor.start, anchor.start, `/* ${todo} */ `);
    }
    todosAdded += 1;
  }

  return { text: edits.length === 0 ? text : applyEdits(text, edits), importsRemoved, todosAdded };
}
