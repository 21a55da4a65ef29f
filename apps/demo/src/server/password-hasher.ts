import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

/** A salted scrypt hash; the only form in which the demo keeps a password. */
export interface PasswordHash {
  readonly salt: Buffer;
  readonly hash: Buffer;
}

/**
 * scrypt cost `N` (a power of two): 2^17 with r = 8 and p = 1 is OWASP's minimum for scrypt (Password
 * Storage Cheat Sheet). Each check takes 128 MiB and a few hundred ms of one libuv thread, which is
 * why the server bounds how many run at once (`PasswordCheckQueue`).
 */
export const DEFAULT_SCRYPT_COST = 2 ** 17;
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, cost: number): Promise<Buffer> {
  // scrypt needs 128 * N * r bytes; maxmem allows twice that (Node's default, 32 MiB, is below 2^17's 128 MiB).
  const options: ScryptOptions = { N: cost, r: 8, p: 1, maxmem: 256 * cost * 8 };
  return new Promise((resolve, reject) => {
    // The async form runs on libuv's pool: a login never blocks other users' sockets.
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** Hashes a password with a fresh 16-byte salt. */
export async function hashPassword(password: string, cost = DEFAULT_SCRYPT_COST): Promise<PasswordHash> {
  const salt = randomBytes(16);
  return { salt, hash: await derive(password, salt, cost) };
}

/** Checks a password against a hash in constant time (`timingSafeEqual`). */
export async function verifyPassword(password: string, stored: PasswordHash, cost = DEFAULT_SCRYPT_COST): Promise<boolean> {
  const candidate = await derive(password, stored.salt, cost);
  return candidate.length === stored.hash.length && timingSafeEqual(candidate, stored.hash);
}
