import { createUserExecutionContext } from '@baton/engine-contract';

/** A demo account as configured (the password is hashed at start-up and then forgotten). */
export interface DemoUserCredentials {
  readonly username: string;
  readonly password: string;
}

/** The accounts used when `BATON_DEMO_USERS` is not set. */
export const DEFAULT_DEMO_USERS_SPEC = 'alice:alice-demo-pw,bob:bob-demo-pw,carol:carol-demo-pw';

const USERNAME = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * Parses `name:password,name:password`. The password is everything after the first colon, so it may
 * contain colons; it may not contain commas. Usernames become user ids, so they must be valid ids
 * for `createUserExecutionContext` (e.g. `demo` or `test` are refused as placeholders).
 * @throws Error naming the offending entry (never the password).
 */
export function parseDemoUsers(spec: string): DemoUserCredentials[] {
  const users: DemoUserCredentials[] = [];
  const seen = new Set<string>();
  for (const [index, rawEntry] of spec.split(',').entries()) {
    const entry = rawEntry.trim();
    if (entry === '') continue;
    const colon = entry.indexOf(':');
    const username = colon === -1 ? entry : entry.slice(0, colon);
    const password = colon === -1 ? '' : entry.slice(colon + 1);
    if (!USERNAME.test(username)) throw new Error(`Demo user #${index + 1}: the name must be 1-64 letters, digits, "_", "." or "-"`);
    if (password.length === 0 || password.length > 256) throw new Error(`Demo user "${username}": the password must be 1-256 characters`);
    if (seen.has(username)) throw new Error(`Demo user "${username}" is listed twice`);
    try {
      createUserExecutionContext({ userId: username, threadId: 'thread-check', runId: 'run-check' });
    } catch (error) {
      throw new Error(`Demo user "${username}" cannot be used as a user id: ${(error as Error).message}`);
    }
    seen.add(username);
    users.push({ username, password });
  }
  if (users.length === 0) throw new Error('No demo users configured: expected "name:password,name:password"');
  return users;
}
