import type { DemoUserCredentials } from './demo-users.js';
import { DEFAULT_SCRYPT_COST, hashPassword, type PasswordHash, verifyPassword } from './password-hasher.js';

/** Checks credentials against the demo accounts, which are held only as scrypt hashes. */
export interface UserDirectory {
  /** The user id for valid credentials, else null; about the same time whether the user exists or not. */
  verify(username: string, password: string): Promise<string | null>;
  /** The configured user ids, in configuration order. */
  readonly userIds: readonly string[];
}

/**
 * Hashes every password (then drops the plain text) and returns the directory.
 * @param scryptCost scrypt `N`; tests lower it to keep many logins fast.
 */
export async function createUserDirectory(users: readonly DemoUserCredentials[], scryptCost = DEFAULT_SCRYPT_COST): Promise<UserDirectory> {
  const hashes = new Map<string, PasswordHash>();
  for (const user of users) hashes.set(user.username, await hashPassword(user.password, scryptCost));
  // Unknown users are checked against this hash, so they cost one scrypt like known ones do.
  const decoy = await hashPassword('decoy-password-that-never-matches', scryptCost);
  return {
    userIds: Object.freeze([...hashes.keys()]),
    async verify(username, password) {
      const stored = hashes.get(username);
      const matches = await verifyPassword(password, stored ?? decoy, scryptCost);
      return stored !== undefined && matches ? username : null;
    },
  };
}
