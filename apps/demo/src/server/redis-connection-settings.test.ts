import type { Redis } from 'ioredis';
import { describe, expect, it, vi } from 'vitest';
import {
  BULLMQ_LONGEST_BLOCK_MS,
  DEFAULT_REDIS_COMMAND_TIMEOUT_MS,
  mainClientOptions,
  queueClientOptions,
  quitWithin,
  REDIS_KEEP_ALIVE_MS,
  redisCommandTimeoutMs,
  workerClientOptions,
} from './redis-connection-settings.js';

describe('the options of the demo Redis connections', () => {
  it('gives the main client a command timeout, a socket timeout of the same length, keep-alive and few retries', () => {
    expect(mainClientOptions(1234, 'p:demo')).toMatchObject({
      connectionName: 'p:demo',
      commandTimeout: 1234,
      socketTimeout: 1234,
      keepAlive: REDIS_KEEP_ALIVE_MS,
      maxRetriesPerRequest: 2,
    });
  });

  it("makes the queue's client fail fast, as BullMQ advises for producers", () => {
    expect(queueClientOptions(1234, 'p:queue')).toMatchObject({
      commandTimeout: 1234,
      socketTimeout: 1234,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 2,
      keepAlive: REDIS_KEEP_ALIVE_MS,
    });
  });

  it("gives the worker's client what BullMQ requires (no retry limit) and a command timeout above BullMQ's longest block", () => {
    const options = workerClientOptions(1234, 'p:worker');
    expect(options).toMatchObject({ maxRetriesPerRequest: null, keepAlive: REDIS_KEEP_ALIVE_MS });
    expect(options.commandTimeout).toBe(BULLMQ_LONGEST_BLOCK_MS + 1234);
    expect(options.socketTimeout).toBeUndefined();
  });
});

describe('redisCommandTimeoutMs', () => {
  it('defaults to 5 s and accepts whole milliseconds from 100 to 600000', () => {
    expect(redisCommandTimeoutMs({})).toBe(DEFAULT_REDIS_COMMAND_TIMEOUT_MS);
    expect(redisCommandTimeoutMs({ commandTimeoutMs: 100 })).toBe(100);
    expect(redisCommandTimeoutMs({ commandTimeoutMs: 600_000 })).toBe(600_000);
  });

  it('refuses anything else with a message naming the variable', () => {
    for (const commandTimeoutMs of [0, 99, 1.5, Number.NaN, 600_001]) {
      expect(() => redisCommandTimeoutMs({ commandTimeoutMs })).toThrow(
        /^The Redis command timeout \(BATON_DEMO_REDIS_TIMEOUT_MS\) must be/,
      );
    }
  });
});

describe('quitWithin', () => {
  function fakeClient(status: string, quit: () => Promise<unknown>) {
    const client = { status, quit, disconnect: vi.fn() };
    return client;
  }

  it('lets an answered QUIT close the client', async () => {
    const client = fakeClient('ready', async () => 'OK');
    await quitWithin(client as unknown as Redis, 1000);
    expect(client.disconnect).not.toHaveBeenCalled();
  });

  it('drops the client when QUIT gets no reply in time (a Redis that stopped answering), without waiting for it', async () => {
    vi.useFakeTimers();
    try {
      const client = fakeClient('ready', () => new Promise(() => undefined));
      const closed = quitWithin(client as unknown as Redis, 1000);
      await vi.advanceTimersByTimeAsync(1000);
      await closed;
      expect(client.disconnect).toHaveBeenCalledTimes(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('drops a client that is not connected at once, and leaves a closed one alone', async () => {
    const reconnecting = fakeClient('reconnecting', () => new Promise(() => undefined));
    await quitWithin(reconnecting as unknown as Redis, 1000);
    expect(reconnecting.disconnect).toHaveBeenCalledTimes(1);
    const ended = fakeClient('end', () => Promise.reject(new Error('Connection is closed.')));
    await quitWithin(ended as unknown as Redis, 1000);
    expect(ended.disconnect).not.toHaveBeenCalled();
  });
});
