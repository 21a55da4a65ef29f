// Shared by the server (the `decide` frame's schema) and the page (the note field), which must not
// pull the server's protocol module into the bundle.

/** Longest note a decision on an approval may carry (characters). */
export const MAX_DECISION_NOTE_LENGTH = 500;
