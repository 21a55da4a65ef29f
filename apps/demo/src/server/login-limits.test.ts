import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { deleteKeys, requireRedisUrl, uniqueKeyPrefix } from '../test-support/redis-test-env.js';
import { createDemoServer, type DemoServer, type DemoServerOptions } from './create-demo-server.js';

// Issue 18, item 1: the login limits on a real server (HTTP on loopback). Addresses other than
// 127.0.0.1 come from X-Forwarded-For, which only counts with `trustProxy`.

const USERS = [
  { username: 'alice', password: 'alice-demo-pw' },
  { username: 'bob', password: 'bob-demo-pw' },
];

const servers: DemoServer[] = [];
const prefixes: string[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  for (const prefix of prefixes) await deleteKeys(requireRedisUrl(), prefix);
});
afterEach(() => {
  vi.useRealTimers();
});

async function start(options: DemoServerOptions = {}): Promise<string> {
  const server = await createDemoServer({ users: USERS, scryptCost: 2 ** 10, delayScale: 0, ...options });
  servers.push(server);
  return server.listen({ port: 0 });
}

async function login(url: string, username: string, password: string, from?: string): Promise<Response> {
  return fetch(`${url}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(from === undefined ? {} : { 'x-forwarded-for': from }) },
    body: JSON.stringify({ username, password }),
  });
}

function statuses(responses: readonly Response[]): number[] {
  return responses.map((response) => response.status);
}

describe('login limits', () => {
  it('counts each attempt before its password is checked: of 20 parallel wrong guesses from one address, 3 are checked and 17 refused', async () => {
    const url = await start({ loginThrottle: { maxFailures: 3, windowMs: 60_000 } });
    const answers = statuses(await Promise.all(Array.from({ length: 20 }, () => login(url, 'alice', 'wrong'))));
    expect(answers.filter((status) => status === 401)).toHaveLength(3);
    expect(answers.filter((status) => status === 429)).toHaveLength(17);
  });

  it('refunds a successful login: only failures use up the limit', async () => {
    const url = await start({ loginThrottle: { maxFailures: 2, windowMs: 60_000 } });
    expect((await login(url, 'bob', 'wrong')).status).toBe(401);
    expect((await login(url, 'bob', 'bob-demo-pw')).status).toBe(200);
    expect((await login(url, 'bob', 'bob-demo-pw')).status).toBe(200);
    expect((await login(url, 'bob', 'wrong')).status).toBe(401);
    const refused = await login(url, 'bob', 'bob-demo-pw');
    expect(refused.status).toBe(429);
    expect((await refused.json()).error.code).toBe('TOO_MANY_REQUESTS');
  });

  it('limits the failures of one username across addresses (trustProxy: the address is X-Forwarded-For)', async () => {
    const url = await start({ trustProxy: true, loginThrottle: { maxFailures: 100, windowMs: 60_000, maxFailuresPerUsername: 3 } });
    for (const from of ['10.0.0.1', '10.0.0.2', '10.0.0.3']) expect((await login(url, 'alice', 'wrong', from)).status).toBe(401);
    const refused = await login(url, 'alice', 'alice-demo-pw', '10.0.0.4');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await refused.json()).error.message).toContain('this account');
    // Other accounts are not affected.
    expect((await login(url, 'bob', 'bob-demo-pw', '10.0.0.4')).status).toBe(200);
  });

  it('stops one address before it can lock an account out: the per-address limit is the lower one by default', async () => {
    const url = await start({ trustProxy: true });
    const answers = statuses(await Promise.all(Array.from({ length: 15 }, () => login(url, 'alice', 'wrong', '10.0.0.9'))));
    expect(answers.filter((status) => status === 401)).toHaveLength(10);
    expect((await login(url, 'bob', 'bob-demo-pw', '10.0.0.9')).status).toBe(429);
    // The account itself stays open to its owner elsewhere.
    expect((await login(url, 'alice', 'alice-demo-pw', '10.0.0.10')).status).toBe(200);
  });

  it('ignores X-Forwarded-For without trustProxy: every attempt counts for the connecting address', async () => {
    const url = await start({ loginThrottle: { maxFailures: 2, windowMs: 60_000 } });
    expect((await login(url, 'alice', 'wrong', '10.0.0.1')).status).toBe(401);
    expect((await login(url, 'alice', 'wrong', '10.0.0.2')).status).toBe(401);
    expect((await login(url, 'bob', 'bob-demo-pw', '10.0.0.3')).status).toBe(429);
  });

  it('lets the address try again once the window has passed', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: 1_000_000 });
    const url = await start({ loginThrottle: { maxFailures: 2, windowMs: 10_000 } });
    await login(url, 'bob', 'wrong');
    await login(url, 'bob', 'wrong');
    expect((await login(url, 'bob', 'bob-demo-pw')).status).toBe(429);
    vi.setSystemTime(1_000_000 + 10_001);
    expect((await login(url, 'bob', 'bob-demo-pw')).status).toBe(200);
  });

  it('holds the limits across instances in Redis mode', async () => {
    const redis = { url: requireRedisUrl(), keyPrefix: uniqueKeyPrefix() };
    prefixes.push(redis.keyPrefix);
    const options = { redis, trustProxy: true, loginThrottle: { maxFailures: 3, windowMs: 60_000, maxFailuresPerUsername: 4 } };
    const [a, b] = [await start(options), await start(options)] as const;
    // Per address: two failures on A and one on B use up 10.0.0.1's three.
    expect((await login(a, 'alice', 'wrong', '10.0.0.1')).status).toBe(401);
    expect((await login(a, 'alice', 'wrong', '10.0.0.1')).status).toBe(401);
    expect((await login(b, 'alice', 'wrong', '10.0.0.1')).status).toBe(401);
    expect((await login(b, 'bob', 'bob-demo-pw', '10.0.0.1')).status).toBe(429);
    // Per username: alice's fourth failure (from another address, on B) closes her account on A too.
    expect((await login(b, 'alice', 'wrong', '10.0.0.2')).status).toBe(401);
    expect((await login(a, 'alice', 'alice-demo-pw', '10.0.0.3')).status).toBe(429);
    expect((await login(a, 'bob', 'bob-demo-pw', '10.0.0.3')).status).toBe(200);
  });
});
