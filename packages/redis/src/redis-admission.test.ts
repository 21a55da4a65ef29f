import { type AdmissionLease, type BatonError, InvalidConfigError, InvalidUserContextError, TransportError } from '@baton/engine-contract';
import { findRedisServerBinary, startRedisServer } from '@baton/test-redis';
import { describe, expect, it } from 'vitest';
import { countConnections, deleteKeysAfter, newClient, onCleanup, redisUrl, uniquePrefix, waitFor } from './__fixtures__/test-redis.js';
import { createRedisAdmission, type RedisAdmissionOptions } from './redis-admission.js';

/** An admission closed after the test. */
function admission(options: RedisAdmissionOptions) {
  const created = createRedisAdmission(options);
  onCleanup(() => created.close());
  return created;
}

/** A prefix whose keys are deleted after the test. */
function prefix(): string {
  const keyPrefix = uniquePrefix();
  deleteKeysAfter(keyPrefix);
  return keyPrefix;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('createRedisAdmission', () => {
  it('holds the per-user limit across two instances in 1,000 racing attempts', async () => {
    const keyPrefix = prefix();
    // Two instances: separate connections (one passed in, one owned from a URL) on one Redis.
    const instances = [admission({ redis: newClient(), keyPrefix }), admission({ redis: redisUrl(), keyPrefix })];
    const users = ['u_1', 'u_2', 'u_3', 'u_4', 'u_5'];
    const limit = 3;
    const results = await Promise.all(
      Array.from({ length: 1000 }, (_, attempt) =>
        instances[attempt % 2]!.acquire(users[Math.floor(attempt / 2) % users.length]!, limit).then((lease) => ({
          userId: users[Math.floor(attempt / 2) % users.length]!,
          lease,
        })),
      ),
    );
    for (const userId of users) {
      expect(results.filter((result) => result.userId === userId && result.lease !== null)).toHaveLength(limit);
    }
    const check = newClient();
    for (const userId of users) expect(await check.zcard(`${keyPrefix}admission:${userId}`)).toBe(limit);
  });

  it('never admits more than the limit while leases are acquired and released concurrently', async () => {
    const keyPrefix = prefix();
    const instances = [admission({ redis: newClient(), keyPrefix }), admission({ redis: newClient(), keyPrefix })];
    const users = ['u_1', 'u_2', 'u_3'];
    const limit = 2;
    const live = new Map(users.map((userId) => [userId, 0]));
    let maxLive = 0;
    let admitted = 0;
    // 40 workers × 25 sequential attempts = 1,000 attempts, racing across both instances.
    await Promise.all(
      Array.from({ length: 40 }, async (_, worker) => {
        for (let attempt = 0; attempt < 25; attempt += 1) {
          const userId = users[(worker + attempt) % users.length]!;
          const lease = await instances[worker % 2]!.acquire(userId, limit);
          if (!lease) continue;
          admitted += 1;
          // Counted from "Redis admitted" until before release is sent, so it can only under-count.
          live.set(userId, live.get(userId)! + 1);
          maxLive = Math.max(maxLive, live.get(userId)!);
          await sleep(attempt % 3);
          live.set(userId, live.get(userId)! - 1);
          await lease.release();
        }
      }),
    );
    expect(maxLive).toBeLessThanOrEqual(limit);
    expect(maxLive).toBe(limit); // the race really was at the limit
    // Releases freed slots for later attempts: far more admissions than slots.
    expect(admitted).toBeGreaterThan(users.length * limit);
    const check = newClient();
    for (const userId of users) expect(await check.zcard(`${keyPrefix}admission:${userId}`)).toBe(0);
  });

  it('release frees the slot at once, for another instance too', async () => {
    const keyPrefix = prefix();
    const first = admission({ redis: newClient(), keyPrefix });
    const second = admission({ redis: newClient(), keyPrefix });
    const lease = await first.acquire('u_1', 1);
    expect(lease).not.toBeNull();
    expect(await second.acquire('u_1', 1)).toBeNull();
    await lease!.release();
    expect(await second.acquire('u_1', 1)).not.toBeNull();
  });

  it('release is idempotent', async () => {
    const keyPrefix = prefix();
    const instance = admission({ redis: newClient(), keyPrefix });
    const leases = (await Promise.all([instance.acquire('u_1', 2), instance.acquire('u_1', 2)])) as AdmissionLease[];
    expect(leases.every(Boolean)).toBe(true);
    await Promise.all([leases[0]!.release(), leases[0]!.release()]);
    await leases[0]!.release();
    // Only one slot came free: the second lease still counts.
    expect(await instance.acquire('u_1', 2)).not.toBeNull();
    expect(await instance.acquire('u_1', 2)).toBeNull();
  });

  it('lets a lease of a holder whose client died expire after leaseTtlMs, not before', async () => {
    const keyPrefix = prefix();
    // Long enough that the first attempt of `other` surely comes before the expiry, even on a busy machine.
    const leaseTtlMs = 1500;
    const errors: BatonError[] = [];
    const holderClient = newClient();
    const holder = admission({ redis: holderClient, keyPrefix, leaseTtlMs, onError: (error) => errors.push(error) });
    const other = admission({ redis: newClient(), keyPrefix, leaseTtlMs });
    const acquireStartedAt = Date.now();
    expect(await holder.acquire('u_1', 1)).not.toBeNull();
    holderClient.disconnect(); // the holder "crashes": no release, no more refreshes

    let refusals = 0;
    let admittedAt: number | undefined;
    await waitFor(
      async () => {
        const lease = await other.acquire('u_1', 1);
        if (lease) admittedAt = Date.now();
        else refusals += 1;
        return lease !== null;
      },
      60_000,
      20,
    );
    expect(admittedAt).toBeDefined();
    expect(refusals).toBeGreaterThan(0);
    // Expiry is judged by the Redis server clock (same host here); allow for ms rounding only.
    expect(admittedAt! - acquireStartedAt).toBeGreaterThanOrEqual(leaseTtlMs - 2);
    // The holder's refresher noticed that its client is gone and reported it.
    await waitFor(() => errors.length > 0);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((error) => TransportError.isInstance(error))).toBe(true);
  });

  it('refreshes live leases: the slot stays taken across several TTLs', async () => {
    const keyPrefix = prefix();
    // Refreshed every second. Only a stall of the test process longer than the 2 s of slack could
    // make a refresh late: the lease's expiry in Redis is watched, not the wall clock.
    const leaseTtlMs = 3000;
    const errors: BatonError[] = [];
    const holder = admission({ redis: newClient(), keyPrefix, leaseTtlMs, onError: (error) => errors.push(error) });
    const other = admission({ redis: newClient(), keyPrefix, leaseTtlMs });
    const lease = await holder.acquire('u_1', 1);
    expect(lease).not.toBeNull();
    const check = newClient();
    const [key] = await check.keys(`${keyPrefix}*`);
    const expiryOf = async () => Number((await check.zrange(key!, 0, -1, 'WITHSCORES'))[1]);
    const serverNow = async () => {
      const [seconds, micros] = await check.time();
      return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    };
    const expiries = [await expiryOf()];
    let refusals = 0;
    // Until the first expiry is 1 s past on Redis's clock: the slot stays taken, the expiry moves on.
    const outlived = await waitFor(async () => {
      expect(await other.acquire('u_1', 1)).toBeNull();
      refusals += 1;
      const expiry = await expiryOf();
      if (expiry > expiries.at(-1)!) expiries.push(expiry);
      return (await serverNow()) > expiries[0]! + 1000;
    }, 60_000);
    expect(outlived).toBe(true);
    expect(expiries.length).toBeGreaterThanOrEqual(4);
    expect(refusals).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await lease!.release();
    expect(await other.acquire('u_1', 1)).not.toBeNull();
  });

  it('admits no one for a limit that is not a positive number, and rounds fractional limits up', async () => {
    const keyPrefix = prefix();
    const instance = admission({ redis: newClient(), keyPrefix });
    for (const limit of [0, -1, Number.NaN, '2' as unknown as number]) expect(await instance.acquire('u_1', limit)).toBeNull();
    expect(await instance.acquire('u_1', 1.5)).not.toBeNull();
    expect(await instance.acquire('u_1', 1.5)).not.toBeNull();
    expect(await instance.acquire('u_1', 1.5)).toBeNull();
    expect(await instance.acquire('u_2', Number.POSITIVE_INFINITY)).not.toBeNull();
  });

  it('refuses invalid user ids with InvalidUserContextError', async () => {
    const instance = admission({ redis: newClient(), keyPrefix: prefix() });
    for (const userId of ['', 'a b', 'a\nb', 'x'.repeat(257), 42 as unknown as string]) {
      await expect(instance.acquire(userId, 1)).rejects.toSatisfy((error) => InvalidUserContextError.isInstance(error));
    }
  });

  it.each([
    ['no options', undefined],
    ['no redis', {}],
    ['a number as redis', { redis: 42 }],
    ['a non-redis URL', { redis: 'http://127.0.0.1:6379' }],
    ['an unparsable URL', { redis: 'not a url' }],
    ['leaseTtlMs 0', { leaseTtlMs: 0 }],
    ['a fractional leaseTtlMs', { leaseTtlMs: 1.5 }],
    ['a string leaseTtlMs', { leaseTtlMs: '300' }],
    ['a keyPrefix with whitespace', { keyPrefix: 'a b' }],
    ['a non-string keyPrefix', { keyPrefix: 1 }],
    ['a non-function onError', { onError: 'log' }],
    ['an unknown option', { leaseTTL: 300 }],
  ])('refuses %s with InvalidConfigError', (_, options) => {
    const withRedis = options && !('redis' in options) && Object.keys(options).length > 0 ? { redis: redisUrl(), ...options } : options;
    expect(() => createRedisAdmission(withRedis as unknown as RedisAdmissionOptions)).toThrow(
      expect.toSatisfy((error) => InvalidConfigError.isInstance(error)),
    );
  });

  it('refuses a client that has been closed', async () => {
    const client = newClient();
    await client.quit();
    await waitFor(() => client.status === 'end');
    expect(() => createRedisAdmission({ redis: client })).toThrow(expect.toSatisfy((error) => InvalidConfigError.isInstance(error)));
  });

  it('rejects acquire with TransportError when Redis is unreachable', async () => {
    // Nothing listens on port 1; the owned client gives up after a few reconnects.
    const instance = admission({ redis: 'redis://127.0.0.1:1', keyPrefix: prefix() });
    const error = await instance.acquire('u_1', 1).then(
      () => undefined,
      (rejection: unknown) => rejection,
    );
    expect(TransportError.isInstance(error)).toBe(true);
    expect((error as TransportError).code).toBe('TRANSPORT_ERROR');
    expect((error as TransportError).cause).toBeInstanceOf(Error);
  });

  it.skipIf(!findRedisServerBinary())('rejects acquire with TransportError after Redis went away, and release never rejects', async () => {
    const server = await startRedisServer(findRedisServerBinary()!);
    onCleanup(() => server.stop());
    const errors: BatonError[] = [];
    const instance = admission({ redis: server.url, keyPrefix: uniquePrefix(), onError: (error) => errors.push(error) });
    const lease = await instance.acquire('u_1', 2);
    expect(lease).not.toBeNull();
    await server.stop();
    await expect(instance.acquire('u_1', 2)).rejects.toSatisfy((error) => TransportError.isInstance(error));
    await expect(lease!.release()).resolves.toBeUndefined();
    expect(errors.some((error) => TransportError.isInstance(error))).toBe(true);
  });

  it('close() quits an owned client and leaves a passed-in client open', async () => {
    const keyPrefix = prefix();
    const check = newClient();
    const owned = createRedisAdmission({ redis: redisUrl(), keyPrefix });
    expect(await owned.acquire('u_1', 1)).not.toBeNull();
    expect(await countConnections(check, `${keyPrefix}admission`)).toBe(1);
    await owned.close();
    await owned.close(); // idempotent
    expect(await waitFor(async () => (await countConnections(check, `${keyPrefix}admission`)) === 0)).toBe(true);
    await expect(owned.acquire('u_1', 1)).rejects.toSatisfy((error) => TransportError.isInstance(error));

    const client = newClient();
    const shared = createRedisAdmission({ redis: client, keyPrefix });
    const lease = await shared.acquire('u_2', 1);
    await shared.close();
    expect(await client.ping()).toBe('PONG');
    // A passed-in client is still usable, so a release after close() still frees the slot.
    await lease!.release();
    expect(await check.zcard(`${keyPrefix}admission:u_2`)).toBe(0);
  });
});
