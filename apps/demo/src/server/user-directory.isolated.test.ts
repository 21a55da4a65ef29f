import { describe, expect, it, vi } from 'vitest';
import * as hasher from './password-hasher.js';
import { createUserDirectory } from './user-directory.js';

// Wrapped, not replaced: the real scrypt still runs; the spy shows which hash each check used.
vi.mock('./password-hasher.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('./password-hasher.js')>();
  return { ...actual, verifyPassword: vi.fn(actual.verifyPassword) };
});

describe('createUserDirectory', () => {
  it('verifies passwords against scrypt hashes', async () => {
    const directory = await createUserDirectory([{ username: 'alice', password: 'alice-demo-pw' }], 2 ** 10);
    expect(await directory.verify('alice', 'alice-demo-pw')).toBe('alice');
    expect(await directory.verify('alice', 'alice-demo-PW')).toBeNull();
    expect(await directory.verify('mallory', 'alice-demo-pw')).toBeNull();
    expect(await directory.verify('__proto__', 'x')).toBeNull();
    expect(directory.userIds).toEqual(['alice']);
  });

  it('spends a full scrypt on unknown users too (no user-existence timing oracle)', async () => {
    // Deterministic instead of timed (a 2-core CI machine is too noisy for timing): an unknown user is
    // checked with the same scrypt cost against a decoy hash of the same shape as a real one.
    const directory = await createUserDirectory([{ username: 'alice', password: 'alice-demo-pw' }], 2 ** 10);
    const verify = vi.mocked(hasher.verifyPassword);
    verify.mockClear();
    expect(await directory.verify('alice', 'wrong-password')).toBeNull();
    expect(await directory.verify('nobody', 'wrong-password')).toBeNull();
    expect(verify).toHaveBeenCalledTimes(2);
    const [[, aliceHash, aliceCost], [, decoyHash, decoyCost]] = verify.mock.calls as unknown as [
      [string, hasher.PasswordHash, number],
      [string, hasher.PasswordHash, number],
    ];
    expect(decoyCost).toBe(aliceCost);
    expect(decoyHash).not.toBe(aliceHash);
    expect(Object.keys(decoyHash).sort()).toEqual(Object.keys(aliceHash).sort());
    await expect(verify.mock.results[1]!.value).resolves.toBe(false);
  });
});
