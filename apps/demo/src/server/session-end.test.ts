import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { CuttableProxy } from '../test-support/cuttable-proxy.js';
import { FrameClient, login } from '../test-support/demo-test-client.js';
import { ManualTimers } from '../test-support/manual-timers.js';
import { deleteKeys, requireRedisUrl, uniqueKeyPrefix, waitUntil } from '../test-support/redis-test-env.js';
import { createTestDemoServer } from '../test-support/test-demo-server.js';
import type { DemoServerOptions } from './create-demo-server.js';

// Issue 18, item 6: a socket ends with its session: at expiry even when it stays silent, at the
// heartbeat when the session is gone from the store, and at a logout even while Redis is away.

const USERS = [{ username: 'alice', password: 'alice-demo-pw' }];

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(options: DemoServerOptions): Promise<string> {
  const server = await createTestDemoServer({ users: USERS, scryptCost: 2 ** 10, delayScale: 0, ...options });
  cleanups.push(() => server.close());
  return server.listen({ port: 0 });
}

async function connect(url: string, cookie: string): Promise<FrameClient> {
  const client = await FrameClient.connect(url, { cookie });
  cleanups.push(async () => void (await client.close()));
  return client;
}

describe('a socket ends with its session', () => {
  it('closes a silent socket when its session expires (1008), before the heartbeat is due', async () => {
    let now = 1_000_000;
    const timers = new ManualTimers(() => now);
    const url = await start({ now: () => now, sessionTtlMs: 10_000, socketTimers: timers.schedule });
    const client = await connect(url, await login(url, 'alice', 'alice-demo-pw'));
    now += 9_999;
    timers.fireDue();
    expect(client.socket.readyState).toBe(client.socket.OPEN);
    now += 1;
    expect(timers.fireDue()).toBeGreaterThan(0);
    expect(await client.closed).toEqual({ code: 1008, reason: 'Session ended' });
  });

  it('re-checks the session on the heartbeat: a session gone from Redis closes its sockets on every instance', async () => {
    let now = Date.now();
    const timers = new ManualTimers(() => now);
    const redis = { url: requireRedisUrl(), keyPrefix: uniqueKeyPrefix() };
    cleanups.push(() => deleteKeys(redis.url, redis.keyPrefix));
    const url = await start({ redis, now: () => now, socketTimers: timers.schedule });
    const client = await connect(url, await login(url, 'alice', 'alice-demo-pw'));
    // The session ends without this instance hearing of it (a logout whose message it missed).
    await deleteKeys(redis.url, `${redis.keyPrefix}demo:session:`);
    now += 30_000;
    expect(timers.fireDue()).toBeGreaterThan(0);
    expect(await client.closed).toEqual({ code: 1008, reason: 'Session ended' });
  });

  it('logs out while Redis is away: the sockets close, the cookie is refused here, and Redis forgets the session once it is back', {
    timeout: 120_000,
  }, async () => {
    // A partition, not a stopped Redis: the session is still in Redis when the link comes back.
    const redisUrl = new URL(requireRedisUrl());
    const proxy = await CuttableProxy.start({ host: redisUrl.hostname, port: Number(redisUrl.port) });
    cleanups.push(() => proxy.close());
    const behindProxy = new URL(redisUrl);
    behindProxy.host = `127.0.0.1:${proxy.port}`;
    const keyPrefix = uniqueKeyPrefix();
    cleanups.push(() => deleteKeys(redisUrl.href, keyPrefix));
    const url = await start({ redis: { url: behindProxy.href, keyPrefix, retryDelayMs: { min: 50, max: 300 } } });
    // Runs before the server closes, also when the test failed while the link was cut.
    cleanups.push(async () => proxy.restore());
    const cookie = await login(url, 'alice', 'alice-demo-pw');
    const client = await connect(url, cookie);
    const inspector = new Redis(redisUrl.href);
    cleanups.push(async () => void inspector.disconnect());
    const sessionKeys = () => inspector.keys(`${keyPrefix}demo:session:*`);
    expect(await sessionKeys()).toHaveLength(1);

    proxy.cut();
    const logout = await fetch(`${url}/api/logout`, { method: 'POST', headers: { cookie, origin: url } });
    expect(logout.status).toBe(200);
    expect(logout.headers.get('set-cookie')).toMatch(/^baton_session=;/);
    expect(await client.closed).toEqual({ code: 1000, reason: 'Logged out' });
    expect((await fetch(`${url}/api/me`, { headers: { cookie } })).status).toBe(401);
    expect(await sessionKeys()).toHaveLength(1);

    proxy.restore();
    await waitUntil('the session is deleted from Redis', async () => (await sessionKeys()).length === 0);
    expect((await fetch(`${url}/api/me`, { headers: { cookie } })).status).toBe(401);
  });
});
