import { isLegacyEngineName, type LegacyEngineName } from '../legacy-names.js';
import { getMigrationGuide } from '../migration-guides.js';

/** Marks left by `--fix`, as line or block comments: `TODO(baton-migrate): ExecutionEngine → ...`. */
export const TODO_MARKER = 'TODO(baton-migrate)';

const TODO_PATTERN = /TODO\(baton-migrate\):\s*([A-Za-z]+)\s*→/g;

/**
 * Comment lines that act on the line below them (`// @ts-expect-error`, `// biome-ignore ...`,
 * `// eslint-disable-next-line ...`): a TODO goes above them, never between them and their line.
 */
const DIRECTIVE_LINE =
  /^\/\/\s*(?:@ts-expect-error|@ts-ignore|biome-ignore|eslint-disable-next-line|oxlint-disable-next-line|prettier-ignore|deno-lint-ignore)\b/;

/** The text of a `TODO(baton-migrate)` marker for `legacyName`; the checker reports these until they are resolved. */
export function todoText(legacyName: LegacyEngineName): string {
  const { replacement, importPath } = getMigrationGuide(legacyName);
  return `${TODO_MARKER}: ${legacyName} → ${replacement} from ${importPath}`;
}

/** Whether a (trimmed) line is a `// TODO(baton-migrate)` marker. */
export function isMarkerLine(trimmed: string): boolean {
  return trimmed.startsWith(`// ${TODO_MARKER}`);
}

/** Whether a (trimmed) line is a comment directive for the line below it. */
export function isDirectiveLine(trimmed: string): boolean {
  return DIRECTIVE_LINE.test(trimmed);
}

/** A `TODO(baton-migrate)` marker in a file. Lines are 0-based. */
export interface TodoMarker {
  readonly legacyName: LegacyEngineName;
  /** Offset of `TODO` in the text. */
  readonly index: number;
  readonly line: number;
  /** The last line of the code the marker is about: the first code line below it (markers and comments skipped). */
  readonly markedLine: number;
}

/** Every `TODO(baton-migrate): <legacy name> →` marker of a text. */
export function findTodoMarkers(text: string): TodoMarker[] {
  // Line breaks as TypeScript counts them, so that lines match the parsed file's.
  const lineStarts = [0];
  for (const match of text.matchAll(/\r\n|[\r\n\u2028\u2029]/g)) lineStarts.push(match.index + match[0].length);
  const lines = lineStarts.map((start, line) => text.slice(start, lineStarts[line + 1] ?? text.length));
  const lineOf = (index: number): number => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if ((lineStarts[middle] ?? 0) <= index) low = middle;
      else high = middle - 1;
    }
    return low;
  };
  const markers: TodoMarker[] = [];
  for (const match of text.matchAll(TODO_PATTERN)) {
    const name = match[1];
    if (name === undefined || !isLegacyEngineName(name)) continue;
    const line = lineOf(match.index);
    // A block comment marker (`/* TODO ... */ new X()`) is about its own line; a line marker about the first line of
    // code below it, past other markers, directives and doc comments.
    let markedLine = line;
    if ((lines[line] ?? '').trim().startsWith('//')) {
      markedLine = line + 1;
      while (markedLine < lines.length && /^(?:\/\/|\/\*|\*)/.test((lines[markedLine] ?? '').trim())) markedLine += 1;
    }
    markers.push({ legacyName: name, index: match.index, line, markedLine });
  }
  return markers;
}
