import { describe, expect, it } from 'vitest';
import { DEFAULT_SCRYPT_COST, hashPassword, verifyPassword } from './password-hasher.js';

describe('password hashing', () => {
  it("uses OWASP's minimum scrypt cost by default (N = 2^17), within Node's memory limit for it", async () => {
    expect(DEFAULT_SCRYPT_COST).toBe(2 ** 17);
    // 128 MiB of scrypt state: above Node's default maxmem (32 MiB), so this fails unless maxmem is raised.
    const stored = await hashPassword('correct horse');
    expect(stored.hash).toHaveLength(32);
    expect(stored.salt).toHaveLength(16);
  });

  it('verifies the right password only, with a fresh salt per hash', async () => {
    const stored = await hashPassword('correct horse', 2 ** 10);
    expect(await verifyPassword('correct horse', stored, 2 ** 10)).toBe(true);
    expect(await verifyPassword('correct horse!', stored, 2 ** 10)).toBe(false);
    // A different cost derives a different key: the cost is part of the hash.
    expect(await verifyPassword('correct horse', stored, 2 ** 11)).toBe(false);
    expect((await hashPassword('correct horse', 2 ** 10)).salt.equals(stored.salt)).toBe(false);
  });

  it('treats composed and decomposed Unicode as the same password (NFC)', async () => {
    const stored = await hashPassword('jos\u00e9', 2 ** 10);
    expect(await verifyPassword('jose\u0301', stored, 2 ** 10)).toBe(true);
  });
});
