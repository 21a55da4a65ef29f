// biome-ignore-all lint/suspicious/noArrayIndexKey: every block comes from one answer string that is only ever replaced whole, so a position is an identity
import { Fragment, type ReactNode } from 'react';

/** `**bold**` spans as <strong>; everything else as text (React escapes it: no HTML injection). */
function inline(text: string): ReactNode[] {
  return text
    .split(/\*\*(.+?)\*\*/g)
    .map((part, index) => (index % 2 === 1 ? <strong key={index}>{part}</strong> : <Fragment key={index}>{part}</Fragment>));
}

/**
 * Renders the small Markdown subset the reporting agent writes: `### ` headings, `- ` lists,
 * `**bold**`, paragraphs separated by blank lines.
 */
export function AnswerText({ text }: { text: string }) {
  const blocks = text.split(/\n{2,}/).filter((block) => block.trim() !== '');
  return (
    <>
      {blocks.map((block, index) => {
        const lines = block.split('\n');
        if (block.startsWith('### ')) return <h4 key={index}>{block.slice(4)}</h4>;
        if (lines.every((line) => line.startsWith('- '))) {
          return (
            <ul key={index}>
              {lines.map((line, item) => (
                <li key={item}>{inline(line.slice(2))}</li>
              ))}
            </ul>
          );
        }
        return <p key={index}>{inline(block)}</p>;
      })}
    </>
  );
}
