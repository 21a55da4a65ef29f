import type { AgentEvent, RunStore, UserAdmission } from '@baton/engine-contract';
import type { Redis } from 'ioredis';
import type { Redis as Redis6 } from 'ioredis6';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type AgentEventEntry,
  createRedisAdmission,
  createRedisEventBus,
  createRedisRunStore,
  type RedisClient,
  type RedisClientOrUrl,
  type RedisEventBus,
  type RedisRunStore,
  type RedisRunStoreOptions,
} from './index.js';

describe('public types', () => {
  it('an admission is a UserAdmission (the factory option)', () => {
    expectTypeOf(createRedisAdmission).returns.toExtend<UserAdmission>();
    expectTypeOf(createRedisAdmission).parameter(0).toHaveProperty('redis').toEqualTypeOf<RedisClientOrUrl>();
  });

  it('publish fits the factory onEvent tap as is', () => {
    expectTypeOf<RedisEventBus['publish']>().toExtend<(event: AgentEvent) => void>();
    expectTypeOf(createRedisEventBus).returns.toEqualTypeOf<RedisEventBus>();
  });

  it('subscribe yields { id, event } entries', () => {
    expectTypeOf<ReturnType<RedisEventBus['subscribe']>>().toExtend<AsyncIterable<AgentEventEntry>>();
    expectTypeOf<AgentEventEntry>().toEqualTypeOf<{ readonly id: string; readonly event: AgentEvent }>();
  });

  it('a run store is a RunStore (the orchestrator option) with close()', () => {
    expectTypeOf(createRedisRunStore).returns.toEqualTypeOf<RedisRunStore>();
    expectTypeOf<RedisRunStore>().toExtend<RunStore>();
    expectTypeOf<RedisRunStore['close']>().toEqualTypeOf<() => Promise<void>>();
    expectTypeOf(createRedisRunStore).parameter(0).toHaveProperty('redis').toEqualTypeOf<RedisClientOrUrl>();
    expectTypeOf<RedisRunStoreOptions['now']>().toEqualTypeOf<(() => number) | undefined>();
  });

  it('accepts an ioredis 5 and an ioredis 6 client (the peer range), not any object', () => {
    expectTypeOf<Redis>().toExtend<RedisClient>();
    expectTypeOf<Redis6>().toExtend<RedisClient>();
    expectTypeOf<Redis6>().toExtend<RedisClientOrUrl>();
    expectTypeOf<{ status: string }>().not.toExtend<RedisClientOrUrl>();
    expectTypeOf<RedisClientOrUrl>().toEqualTypeOf<RedisClient | string>();
  });
});
