import { type KeyboardEvent, useState } from 'react';
import { EXAMPLE_QUESTIONS } from '../../shared/example-questions.js';

/** Longest question the server accepts. */
const MAX_LENGTH = 4000;

/** Props of the composer. */
export interface ComposerProps {
  /** False while the socket is down. */
  connected: boolean;
  /** Sends a question; false when it could not be sent. */
  onAsk(text: string): boolean;
}

/** The question box, with one example chip per workflow path. Enter sends, Shift+Enter adds a line. */
export function Composer({ connected, onAsk }: ComposerProps) {
  const [text, setText] = useState('');

  function submit(event?: { preventDefault(): void }) {
    event?.preventDefault();
    const question = text.trim();
    if (question === '') return;
    if (onAsk(question)) setText('');
  }
  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) submit(event);
  }

  return (
    <form className="composer" onSubmit={submit}>
      <label className="visually-hidden" htmlFor="question">
        Your question
      </label>
      <div className="composer-row">
        <textarea
          id="question"
          data-testid="ask-input"
          rows={2}
          maxLength={MAX_LENGTH}
          placeholder="Ask about your cloud costs, e.g. “Our GCP bill is $30k a month, where do we start?”"
          value={text}
          onChange={(event) => setText(event.target.value)}
          onKeyDown={onKeyDown}
        />
        <button type="submit" className="button primary" data-testid="ask-submit" disabled={!connected || text.trim() === ''}>
          Ask
        </button>
      </div>
      <fieldset className="chips" aria-label="Example questions">
        <span className="chips-label">Try:</span>
        {EXAMPLE_QUESTIONS.map((example) => (
          <button
            key={example.path}
            type="button"
            className="chip example-chip"
            data-testid="example-chip"
            data-path={example.path}
            title={example.text}
            disabled={!connected}
            onClick={() => onAsk(example.text)}
          >
            {example.label}
          </button>
        ))}
      </fieldset>
    </form>
  );
}
