import type * as TS from 'typescript';
import type { LegacyEngineName } from '../legacy-names.js';
import { getMigrationGuide, getReplacementImports } from '../migration-guides.js';
import { type FileAnalysis, type ImportSite, type LocatedUse, TODO_MARKER } from './find-legacy-uses.js';

/** What `--fix` did to one file. */
export interface FixResult {
  /** The file's new text (equal to the old one when nothing changed). */
  readonly text: string;
  /** Legacy import elements replaced by an import of the replacement. */
  readonly importsRewritten: number;
  /** `TODO(baton-migrate)` comments added. */
  readonly todosAdded: number;
}

interface Edit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
  /** Creation order: insertions at one position keep it. */
  readonly order: number;
}

/** The text of a `TODO(baton-migrate)` marker for `legacyName`; the checker reports these until they are resolved. */
export function todoText(legacyName: LegacyEngineName): string {
  const { replacement, importPath } = getMigrationGuide(legacyName);
  return `${TODO_MARKER}: ${legacyName} → ${replacement} from ${importPath}`;
}

function lineStartOf(text: string, position: number): number {
  return text.lastIndexOf('\n', position - 1) + 1;
}

/** Whether only spaces and tabs precede `position` on its line. */
function isFirstOnLine(text: string, position: number): boolean {
  return /^[ \t]*$/.test(text.slice(lineStartOf(text, position), position));
}

/** The node a TODO comment goes above: the innermost statement, class member or object/type member first on its line. */
function anchorOf(ts: typeof TS, sourceFile: TS.SourceFile, node: TS.Node): { node: TS.Node; ownLine: boolean } {
  let fallback: TS.Node | undefined;
  for (let current: TS.Node = node; !ts.isSourceFile(current); current = current.parent) {
    const parent = current.parent;
    const isListMember =
      ts.isSourceFile(parent) ||
      ts.isBlock(parent) ||
      ts.isModuleBlock(parent) ||
      ts.isCaseClause(parent) ||
      ts.isDefaultClause(parent) ||
      ((ts.isClassDeclaration(parent) || ts.isClassExpression(parent)) && ts.isClassElement(current)) ||
      (ts.isObjectLiteralExpression(parent) && ts.isObjectLiteralElementLike(current)) ||
      ((ts.isInterfaceDeclaration(parent) || ts.isTypeLiteralNode(parent)) && ts.isTypeElement(current));
    if (!isListMember) continue;
    if (isFirstOnLine(sourceFile.text, current.getStart(sourceFile))) return { node: current, ownLine: true };
    fallback ??= current;
  }
  // Nothing starts its own line (`a(); new ExecutionEngine();`): put a block comment right before the statement.
  return { node: fallback ?? node, ownLine: false };
}

/** The `// TODO(baton-migrate)` lines directly above the line starting at `lineStart` (trimmed). */
function markersAbove(text: string, lineStart: number): Set<string> {
  const markers = new Set<string>();
  let end = lineStart - 1;
  while (end >= 0) {
    const start = lineStartOf(text, end);
    const line = text.slice(start, end).trim();
    if (!line.startsWith(`// ${TODO_MARKER}`)) break;
    markers.add(line);
    end = start - 1;
  }
  return markers;
}

function applyEdits(text: string, edits: readonly Edit[]): string {
  // From the end backwards. At one position: replacements first, so insertions land before them; insertions
  // last-made first, so they end up in the order they were made.
  const ordered = [...edits].sort(
    (a, b) => b.start - a.start || Number(a.start === a.end) - Number(b.start === b.end) || b.order - a.order,
  );
  let result = text;
  for (const edit of ordered) result = result.slice(0, edit.start) + edit.text + result.slice(edit.end);
  return result;
}

/** Names the file already imports, per module (so the replacement import is not added twice). */
function existingImports(ts: typeof TS, sourceFile: TS.SourceFile): Map<string, Set<string>> {
  const imported = new Map<string, Set<string>>();
  for (const statement of sourceFile.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteralLike(statement.moduleSpecifier)) continue;
    const named = statement.importClause?.namedBindings;
    if (named === undefined || !ts.isNamedImports(named)) continue;
    const names = imported.get(statement.moduleSpecifier.text) ?? new Set<string>();
    for (const element of named.elements) names.add(element.name.text);
    imported.set(statement.moduleSpecifier.text, names);
  }
  return imported;
}

/**
 * Rewrites what is mechanical in one file and marks the rest (see the package README, "What --fix rewrites"):
 * - A value import of a legacy name (`import { ExecutionEngine } from ...`, `const { ExecutionEngine } = require(...)`,
 *   `const { ExecutionEngine } = await import(...)`) is replaced by an import of its replacement in the same form
 *   (`createEngineFactory` from `@baton/engine-factory`; `WorkflowOrchestrator` from `@baton/orchestrator`; for the
 *   request-scoped names also `createUserExecutionContext` from `@baton/engine-contract`). Other names imported in
 *   the same statement stay where they were.
 * - Every other finding (a use such as `new ExecutionEngine(...)`, a re-export, a type-only or default import, a
 *   namespace access, `require(...).X`, an `import(...).then(...)` callback) is left as it is, with a
 *   `// TODO(baton-migrate): <legacy name> → <replacement> from <package>` comment on the line above.
 * Running it again changes nothing.
 * @internal
 */
export function fixFile(ts: typeof TS, analysis: FileAnalysis): FixResult {
  const { sourceFile } = analysis;
  const text = sourceFile.text;
  // Added lines follow the file's line endings.
  const newline = text.includes('\r\n') ? '\r\n' : '\n';
  const edits: Edit[] = [];
  const edit = (start: number, end: number, replacement: string): void => {
    edits.push({ start, end, text: replacement, order: edits.length });
  };
  const rewritten = new Set<TS.Node>();
  const alreadyImported = existingImports(ts, sourceFile);
  let importsRewritten = 0;

  const indentOf = (node: TS.Node): string => {
    const start = node.getStart(sourceFile);
    return /^[ \t]*/.exec(text.slice(lineStartOf(text, start), start))?.[0] ?? '';
  };

  const rewriteSite = (site: ImportSite): void => {
    const moved = site.legacy.filter((entry) => entry.mechanical);
    if (moved.length === 0) return;
    const kept = [...site.others, ...site.legacy.filter((entry) => !entry.mechanical).map((entry) => entry.element)].sort(
      (a, b) => a.pos - b.pos,
    );
    // The replacement imports, grouped per package, minus names the file already imports from it.
    const byPackage = new Map<string, string[]>();
    for (const { legacyName } of moved) {
      for (const { from, names } of getReplacementImports(legacyName)) {
        const list = byPackage.get(from) ?? [];
        const seen = alreadyImported.get(from) ?? new Set<string>();
        for (const name of names) {
          if (list.includes(name) || seen.has(name)) continue;
          list.push(name);
          seen.add(name);
        }
        alreadyImported.set(from, seen);
        byPackage.set(from, list);
      }
    }
    const quote = site.moduleSpecifier.getText(sourceFile).startsWith('"') ? '"' : "'";
    const semicolon = site.statement.getText(sourceFile).trimEnd().endsWith(';') ? ';' : '';
    const keyword = ts.isVariableStatement(site.statement)
      ? (site.statement.getText(sourceFile).match(/^(?:export\s+)?(const|let|var)\b/)?.[1] ?? 'const')
      : 'import';
    const lines = [...byPackage]
      .filter(([, names]) => names.length > 0)
      .map(([from, names]) => {
        const list = `{ ${names.join(', ')} }`;
        const specifier = `${quote}${from}${quote}`;
        if (site.kind === 'esm') return `import ${list} from ${specifier}${semicolon}`;
        if (site.kind === 'cjs') return `${keyword} ${list} = require(${specifier})${semicolon}`;
        return `${keyword} ${list} = await import(${specifier})${semicolon}`;
      });
    const indent = indentOf(site.statement);
    const statementStart = site.statement.getStart(sourceFile);
    const clause = ts.isImportDeclaration(site.statement) ? site.statement.importClause : undefined;
    const keepsStatement = kept.length > 0 || clause?.name !== undefined;

    if (!keepsStatement) {
      if (lines.length > 0) {
        edit(statementStart, site.statement.end, lines.join(`${newline}${indent}`));
      } else {
        // Everything it imported is already imported: drop the statement and its line.
        const lineEnd = text.indexOf('\n', site.statement.end);
        const wholeLine =
          isFirstOnLine(text, statementStart) && /^[ \t]*$/.test(text.slice(site.statement.end, lineEnd === -1 ? text.length : lineEnd));
        if (wholeLine) edit(lineStartOf(text, statementStart), lineEnd === -1 ? text.length : lineEnd + 1, '');
        else edit(statementStart, site.statement.end, '');
      }
    } else {
      const list = moved[0]?.element.parent;
      if (list !== undefined) {
        if (kept.length > 0) {
          const braces = ts.isNamedImports(list) || ts.isObjectBindingPattern(list);
          const inner = kept.map((element) => element.getText(sourceFile)).join(', ');
          edit(list.getStart(sourceFile), list.end, braces ? `{ ${inner} }` : inner);
        } else if (clause?.name !== undefined) {
          // `import Default, { ExecutionEngine } from ...` → `import Default from ...`
          edit(clause.name.end, list.end, '');
        }
      }
      if (lines.length > 0) edit(site.statement.end, site.statement.end, `${newline}${indent}${lines.join(`${newline}${indent}`)}`);
    }
    for (const { element } of moved) rewritten.add(element);
    importsRewritten += moved.length;
  };

  for (const site of analysis.importSites) rewriteSite(site);

  // Every finding not covered by a rewrite gets a TODO above its anchor (once per anchor and legacy name).
  const marked = new Set<string>();
  let todosAdded = 0;
  const covered = (use: LocatedUse): boolean => {
    for (let node: TS.Node | undefined = use.node; node !== undefined && !ts.isSourceFile(node); node = node.parent) {
      if (rewritten.has(node)) return true;
    }
    return false;
  };
  for (const use of analysis.uses) {
    if (use.kind === 'todo' || covered(use)) continue;
    const anchor = anchorOf(ts, sourceFile, use.node);
    const start = anchor.node.getStart(sourceFile);
    const key = `${start}:${use.legacyName}`;
    if (marked.has(key)) continue;
    marked.add(key);
    const todo = todoText(use.legacyName);
    if (anchor.ownLine) {
      const lineStart = lineStartOf(text, start);
      if (markersAbove(text, lineStart).has(`// ${todo}`)) continue;
      edit(lineStart, lineStart, `${indentOf(anchor.node)}// ${todo}${newline}`);
    } else {
      if (text.slice(lineStartOf(text, start), start).includes(`/* ${todo} */`)) continue;
      edit(start, start, `/* ${todo} */ `);
    }
    todosAdded += 1;
  }

  return { text: edits.length === 0 ? text : applyEdits(text, edits), importsRewritten, todosAdded };
}
