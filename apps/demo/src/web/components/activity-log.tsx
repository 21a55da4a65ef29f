import { useLayoutEffect, useRef } from 'react';
import { stageLabel } from '../format.js';
import type { ActivityLine } from '../runs-state.js';

const GLYPH: Record<ActivityLine['kind'], string> = {
  thinking: '›',
  'tool-start': '⚙',
  'tool-ok': '✓',
  'tool-failed': '✕',
  'stage-end': '•',
  resumed: '↻',
  approval: '◆',
};

/**
 * The agents' thoughts and tool calls as they happen, in a fixed-height box that scrolls, so a long
 * run never pushes the page around. Follows the newest line unless the reader scrolled up.
 */
export function ActivityLog({ lines, emptyText = 'Waiting for the first step…' }: { lines: readonly ActivityLine[]; emptyText?: string }) {
  const box = useRef<HTMLOListElement>(null);
  const pinned = useRef(true);
  // Before paint, so the newest line never flashes below the fold. `lines` is the trigger: each new
  // line must scroll, although the effect reads the DOM rather than the array.
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-run on every new line, see above
  useLayoutEffect(() => {
    const element = box.current;
    if (element && pinned.current) element.scrollTop = element.scrollHeight;
  }, [lines]);
  return (
    <section className="activity" aria-label="Agent activity">
      <h3>Activity</h3>
      <ol
        ref={box}
        className="activity-lines"
        data-testid="activity-log"
        onScroll={(event) => {
          const element = event.currentTarget;
          pinned.current = element.scrollHeight - element.scrollTop - element.clientHeight < 24;
        }}
      >
        {lines.length === 0 && <li className="activity-empty">{emptyText}</li>}
        {lines.map((line) => (
          <li key={line.id} className={`activity-line kind-${line.kind}`}>
            <span className="activity-glyph" aria-hidden="true">
              {GLYPH[line.kind]}
            </span>
            <span className="activity-stage">{stageLabel(line.stage)}</span>
            <span className="activity-text">{line.text}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}
