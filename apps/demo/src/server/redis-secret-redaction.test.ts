import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EXAMPLE_QUESTIONS } from '../shared/example-questions.js';
import { FrameClient, login } from '../test-support/demo-test-client.js';
import { createHostileDemoAgents, type HostileScript, hostileScript, MARKER } from '../test-support/hostile-agents.js';
import { deleteKeys, requireRedisUrl, uniqueKeyPrefix } from '../test-support/redis-test-env.js';
import { runToEnd } from '../test-support/run-to-end.js';
import { createTestDemoServer } from '../test-support/test-demo-server.js';
import type { DemoServer } from './create-demo-server.js';

// Redis mode, on a private Redis: whatever the agents think, stream, pass to tools, return or throw,
// no frame holds a credential, and no entry the demo writes to Redis does (the users' event streams,
// the run records, the queue's jobs, sessions: every key under the prefix, read back raw).

const USERS = [{ username: 'alice', password: 'alice-demo-pw' }];
const PARTIAL = EXAMPLE_QUESTIONS.find((example) => example.path === 'partial')!.text;

let script: HostileScript = {};
let server: DemoServer;
let client: FrameClient;
let redis: Redis;
const keyPrefix = uniqueKeyPrefix();

beforeAll(async () => {
  server = await createTestDemoServer({
    users: USERS,
    scryptCost: 2 ** 10,
    delayScale: 0,
    agents: createHostileDemoAgents(() => script),
    redis: { url: requireRedisUrl(), keyPrefix, retryDelayMs: { min: 50, max: 500 } },
    actionRateLimit: { burst: 100, perSecond: 100 },
  });
  const url = await server.listen({ port: 0 });
  client = await FrameClient.connect(url, { cookie: await login(url, 'alice', 'alice-demo-pw') });
  redis = new Redis(requireRedisUrl(), { maxRetriesPerRequest: 2 });
});
afterAll(async () => {
  await client?.close();
  await server?.close();
  redis?.disconnect();
  await deleteKeys(requireRedisUrl(), keyPrefix);
});

/** Every key under the prefix with its whole content, read back raw, whatever its type. */
async function dumpKeys(): Promise<Map<string, unknown>> {
  const dump = new Map<string, unknown>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      const type = await redis.type(key);
      if (type === 'string') dump.set(key, await redis.get(key));
      else if (type === 'hash') dump.set(key, await redis.hgetall(key));
      else if (type === 'stream') dump.set(key, await redis.xrange(key, '-', '+'));
      else if (type === 'zset') dump.set(key, await redis.zrange(key, 0, -1, 'WITHSCORES'));
      else if (type === 'list') dump.set(key, await redis.lrange(key, 0, -1));
      else if (type === 'set') dump.set(key, await redis.smembers(key));
    }
  } while (cursor !== '0');
  return dump;
}

it('writes no credential to any Redis entry and sends none in any frame, whatever the agents think, stream, return or throw', async () => {
  await fc.assert(
    fc.asyncProperty(hostileScript, fc.boolean(), async (next, approve) => {
      script = next;
      const { frames } = await runToEnd(client, PARTIAL, approve);
      for (const frame of frames) expect(JSON.stringify(frame)).not.toContain(MARKER);
      const dump = await dumpKeys();
      // The run left its events, its record and its job in Redis: the read covers them.
      expect([...dump.keys()].some((key) => key.includes(':run:'))).toBe(true);
      for (const [key, content] of dump) expect(JSON.stringify(content), key).not.toContain(MARKER);
    }),
    { numRuns: 10 },
  );
}, 240_000);
