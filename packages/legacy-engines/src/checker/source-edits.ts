import type * as TS from 'typescript';
import { isDirectiveLine, isMarkerLine } from './todo-markers.js';

/** A replacement of `text[start, end)`; insertions have `start === end`. */
export interface Edit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
  /** Creation order: insertions at one position keep it. */
  readonly order: number;
}

/** Applies non-overlapping edits. At one position, replacements go first and insertions stay in creation order. */
export function applyEdits(text: string, edits: readonly Edit[]): string {
  // From the end backwards; at one position the last-made insertion first, so they end up in the order made.
  const ordered = [...edits].sort(
    (a, b) => b.start - a.start || Number(a.start === a.end) - Number(b.start === b.end) || b.order - a.order,
  );
  let result = text;
  for (const edit of ordered) result = result.slice(0, edit.start) + edit.text + result.slice(edit.end);
  return result;
}

/** The offset where the line holding `position` starts. */
export function lineStartOf(text: string, position: number): number {
  return text.lastIndexOf('\n', position - 1) + 1;
}

/** Whether only spaces and tabs precede `position` on its line. */
export function isFirstOnLine(text: string, position: number): boolean {
  return /^[ \t]*$/.test(text.slice(lineStartOf(text, position), position));
}

/** The spaces and tabs a line starts with. */
export function indentAt(text: string, lineStart: number): string {
  return /^[ \t]*/.exec(text.slice(lineStart))?.[0] ?? '';
}

/** Where a TODO comment goes: above `node`, which starts its own line (`ownLine`), or inline right before it. */
export interface TodoAnchor {
  readonly node: TS.Node;
  /** Start of the node, doc comment included (a TODO goes above the JSDoc, not between it and its code). */
  readonly start: number;
  readonly ownLine: boolean;
}

/** The node a TODO comment goes above: the innermost statement, class member or object/type member first on its line. */
export function anchorOf(ts: typeof TS, sourceFile: TS.SourceFile, node: TS.Node): TodoAnchor {
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
    const start = current.getStart(sourceFile, true);
    if (isFirstOnLine(sourceFile.text, start)) return { node: current, start, ownLine: true };
    fallback ??= current;
  }
  // Nothing starts its own line (`a(); new ExecutionEngine();`): put a block comment right before the statement.
  const inline = fallback ?? node;
  return { node: inline, start: inline.getStart(sourceFile), ownLine: false };
}

/**
 * The start of the block of comment lines directly above the line starting at `lineStart` that belong to it:
 * `TODO(baton-migrate)` markers and directives such as `// @ts-expect-error`, which must stay right above their
 * line. New markers are inserted there. Also returns the markers of the block (trimmed), to skip duplicates.
 */
export function commentBlockAbove(text: string, lineStart: number): { start: number; markers: Set<string> } {
  const markers = new Set<string>();
  let start = lineStart;
  while (start > 0) {
    const previousStart = lineStartOf(text, start - 1);
    const line = text.slice(previousStart, start - 1).trim();
    if (isMarkerLine(line)) markers.add(line);
    else if (!isDirectiveLine(line)) break;
    start = previousStart;
  }
  return { start, markers };
}
