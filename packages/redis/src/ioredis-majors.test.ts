import { InvalidConfigError } from '@baton/engine-contract';
import type { RedisOptions } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { expectedIoredisMajor, newClient, uniquePrefix } from './__fixtures__/test-redis.js';
import { createRedisAdmission } from './redis-admission.js';
import { createRedisEventBus } from './redis-event-bus.js';
import { createRedisRunStore } from './redis-run-store.js';

// Runs in both projects (vitest.config.ts: ioredis 5, vitest.ioredis6.config.ts: ioredis 6).
describe('the redis option across ioredis majors', () => {
  it('runs this suite on the ioredis major its project names (the alias of the ioredis 6 project is in effect)', () => {
    // ioredis 6 speaks RESP3 by default (`protocol: 3`); ioredis 5 has no such option.
    const { protocol } = newClient({ lazyConnect: true }).options as { protocol?: number };
    expect(protocol === 3 ? 6 : 5).toBe(expectedIoredisMajor());
  });

  it('refuses a client whose replies are mapped to RESP3 shapes, in all three factories, with InvalidConfigError', () => {
    // replyMapping 'resp3' (ioredis 6) turns XINFO and XREAD replies into objects this package does not read.
    const client = newClient({ lazyConnect: true, replyMapping: 'resp3' } as RedisOptions);
    const keyPrefix = uniquePrefix();
    for (const create of [
      () => createRedisAdmission({ redis: client, keyPrefix }),
      () => createRedisEventBus({ redis: client, keyPrefix }),
      () => createRedisRunStore({ redis: client, keyPrefix }),
    ]) {
      const error = (() => {
        try {
          create();
          return undefined;
        } catch (caught) {
          return caught;
        }
      })();
      expect(InvalidConfigError.isInstance(error)).toBe(true);
      expect((error as Error).message).toBe(
        "redis: ioredis' replyMapping 'resp3' is not supported; pass a client with the default replyMapping ('legacy')",
      );
    }
  });

  it('uses a client of this ioredis major with its default reply mapping: a run store round trip', async () => {
    const store = createRedisRunStore({ redis: newClient(), keyPrefix: uniquePrefix() });
    expect(await store.get('missing')).toBeNull();
    expect(await store.listRuns('u_1')).toEqual([]);
  });
});
