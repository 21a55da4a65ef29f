import type { AgentEvent, UserAdmission } from '@baton/engine-contract';
import type { Redis } from 'ioredis';
import { describe, expectTypeOf, it } from 'vitest';
import { type AgentEventEntry, createRedisAdmission, createRedisEventBus, type RedisEventBus } from './index.js';

describe('public types', () => {
  it('an admission is a UserAdmission (the factory option)', () => {
    expectTypeOf(createRedisAdmission).returns.toExtend<UserAdmission>();
    expectTypeOf(createRedisAdmission).parameter(0).toHaveProperty('redis').toEqualTypeOf<Redis | string>();
  });

  it('publish fits the factory onEvent tap as is', () => {
    expectTypeOf<RedisEventBus['publish']>().toExtend<(event: AgentEvent) => void>();
    expectTypeOf(createRedisEventBus).returns.toEqualTypeOf<RedisEventBus>();
  });

  it('subscribe yields { id, event } entries', () => {
    expectTypeOf<ReturnType<RedisEventBus['subscribe']>>().toExtend<AsyncIterable<AgentEventEntry>>();
    expectTypeOf<AgentEventEntry>().toEqualTypeOf<{ readonly id: string; readonly event: AgentEvent }>();
  });
});
