import type * as TS from 'typescript';
import type { LegacyUse } from './legacy-use.js';
import { findTodoMarkers, type TodoMarker } from './todo-markers.js';

/** The outermost node that starts exactly at `position` (the statement or member a marker sits above). */
function nodeStartingAt(ts: typeof TS, sourceFile: TS.SourceFile, position: number): TS.Node | undefined {
  let found: TS.Node | undefined;
  const visit = (node: TS.Node): void => {
    if (found !== undefined) return;
    if (node.getStart(sourceFile) === position) found = node;
    else if (node.pos <= position && position < node.end) ts.forEachChild(node, visit);
  };
  ts.forEachChild(sourceFile, visit);
  return found;
}

/** Where the code a marker is about starts: the first code line below a line marker, or right after a block marker. */
function markedCodeStart(sourceFile: TS.SourceFile, marker: TodoMarker): number {
  const text = sourceFile.text;
  if (marker.markedLine === marker.line) {
    const close = text.indexOf('*/', marker.index);
    const after = close === -1 ? marker.index : close + 2;
    return after + (/^[ \t]*/.exec(text.slice(after))?.[0].length ?? 0);
  }
  const lineStarts = sourceFile.getLineStarts();
  const start = lineStarts[marker.markedLine] ?? text.length;
  return start + (/^[ \t]*/.exec(text.slice(start))?.[0].length ?? 0);
}

/**
 * The `TODO(baton-migrate)` markers whose marked code no longer uses their legacy name: those are findings of their
 * own (kind `todo`), so that `check` keeps failing until someone resolves them. A marker above code that still uses
 * the name is the same finding as that use and is not reported twice. The marked code is the whole statement or
 * member that starts below the marker (a multi-line `return (...)` included).
 * @internal
 */
export function markersWithoutUses(ts: typeof TS, sourceFile: TS.SourceFile, uses: readonly LegacyUse[]): TodoMarker[] {
  return findTodoMarkers(sourceFile.text).filter((marker) => {
    const node = nodeStartingAt(ts, sourceFile, markedCodeStart(sourceFile, marker));
    const lastLine = node === undefined ? marker.markedLine : sourceFile.getLineAndCharacterOfPosition(node.end).line;
    return !uses.some(
      (use) => use.kind !== 'todo' && use.legacyName === marker.legacyName && use.line - 1 >= marker.line && use.line - 1 <= lastLine,
    );
  });
}
