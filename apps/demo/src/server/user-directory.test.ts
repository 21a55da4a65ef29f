import { describe, expect, it } from 'vitest';
import { createUserDirectory } from './user-directory.js';

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
    // 2^13: a check takes milliseconds, well above timer noise. Known and unknown are interleaved so
    // that a change in machine load affects both sums alike.
    const directory = await createUserDirectory([{ username: 'alice', password: 'alice-demo-pw' }], 2 ** 13);
    const time = async (username: string) => {
      const started = performance.now();
      await directory.verify(username, 'wrong-password');
      return performance.now() - started;
    };
    await time('alice'); // warm-up
    let known = 0;
    let unknown = 0;
    for (let round = 0; round < 4; round++) {
      known += await time('alice');
      unknown += await time('nobody');
    }
    expect(unknown).toBeGreaterThan(known / 3);
    expect(unknown).toBeLessThan(known * 3);
  });
});
