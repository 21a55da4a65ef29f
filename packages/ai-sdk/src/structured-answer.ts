/** A whole answer wrapped in one Markdown code fence (```json … ```), as models often send JSON. */
const FENCED = /^```[A-Za-z0-9_-]*\s*\n([\s\S]*?)\n?```$/;

/**
 * The value of a structured answer: its JSON parsed (a surrounding code fence is tolerated). Text
 * that is not JSON is returned as it is, so that the engine's check of the agent's `output` schema
 * reports it (`INVALID_AGENT_IO`, "expected object, received string") rather than a parse error,
 * and a string schema accepts a plain answer.
 * @internal
 */
export function parseStructuredAnswer(text: string): unknown {
  const trimmed = text.trim();
  const json = FENCED.exec(trimmed)?.[1] ?? trimmed;
  try {
    return JSON.parse(json);
  } catch {
    return text;
  }
}
