// Threads are per session (one conversation per login): a run's threadId names the session that
// asked, which is how a resumed run (rebuilt from its stored record) finds the session whose logout
// cancels it.

const THREAD_PREFIX = 'thread-';

/** The threadId of a session's runs. */
export function threadIdOfSession(sessionId: string): string {
  return `${THREAD_PREFIX}${sessionId}`;
}

/** The public session id a threadId was made from; `''` when it was not made by `threadIdOfSession`. */
export function sessionIdOfThread(threadId: string): string {
  return threadId.startsWith(THREAD_PREFIX) ? threadId.slice(THREAD_PREFIX.length) : '';
}
