import type { AgentEvent } from '@baton/engine-contract';
import { createRedisEventBus, type RedisEventBus } from '@baton/redis';
import { Redis } from 'ioredis';
import { afterAll, expect, it } from 'vitest';
import { deleteKeys, requireRedisUrl, uniqueKeyPrefix } from '../test-support/redis-test-env.js';
import type { RunEndFrame } from './protocol.js';
import { RedisEventDelivery } from './redis-event-delivery.js';

// RedisEventDelivery on a real Redis (REDIS_URL, or the private redis-server of the global setup),
// with recording subscribers instead of sockets: what each socket is sent, and in which order.

const EVENT_COUNT = 2500;
const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function thinking(seq: number): AgentEvent {
  return {
    type: 'agent_thinking',
    userId: 'alice',
    threadId: 'thread-1',
    runId: 'run-1',
    requestId: 'request-1',
    engineId: 'engine-1',
    executionId: 'execution-1',
    agentName: 'data',
    stage: 'data',
    seq,
    timestamp: Date.now(),
    thought: `Step ${seq}`,
  };
}

/** A client and a bus on a fresh key prefix of the test Redis; closed and deleted after the file. */
function redisOnFreshPrefix(): { keyPrefix: string; client: Redis; bus: RedisEventBus } {
  const url = requireRedisUrl();
  const keyPrefix = uniqueKeyPrefix();
  cleanups.push(() => deleteKeys(url, keyPrefix));
  const client = new Redis(url, { maxRetriesPerRequest: 2 });
  cleanups.push(() => client.disconnect());
  const bus: RedisEventBus = createRedisEventBus({ redis: client, keyPrefix });
  cleanups.push(() => bus.close());
  return { keyPrefix, client, bus };
}

it("replays a user's sockets one at a time, in the order they came: each gets every event once, in order, and the next replay starts after the previous one ended", async () => {
  const { keyPrefix, client, bus } = redisOnFreshPrefix();
  for (let from = 0; from < EVENT_COUNT; from += 500) {
    const ids = await Promise.all(Array.from({ length: 500 }, (_, index) => bus.publish(thinking(from + index))));
    expect(ids.every((id) => id !== null)).toBe(true);
  }
  const log = { warn: () => undefined, error: () => undefined };
  const delivery = new RedisEventDelivery({ bus, client, keyPrefix, log });
  cleanups.push(() => delivery.close());

  // What every socket is sent, in the one order the server sends it.
  const sent: Array<{ socket: number; seq: number }> = [];
  // (Node 20 has no Promise.withResolvers.)
  const done = [0, 1, 2].map(() => {
    let resolve!: () => void;
    const promise = new Promise<void>((settle) => {
      resolve = settle;
    });
    return { promise, resolve };
  });
  const counts = [0, 0, 0];
  for (const socket of [0, 1, 2]) {
    delivery.attach(
      'alice',
      {
        send: (json) => {
          const frame = JSON.parse(json) as { type: string; event?: AgentEvent };
          if (frame.type !== 'event' || !frame.event) return;
          sent.push({ socket, seq: frame.event.seq });
          if (++counts[socket]! === EVENT_COUNT) done[socket]!.resolve();
        },
      },
      '0-0',
    );
  }
  await Promise.all(done.map((entry) => entry.promise));

  for (const socket of [0, 1, 2]) {
    expect(sent.filter((frame) => frame.socket === socket).map((frame) => frame.seq)).toEqual(
      Array.from({ length: EVENT_COUNT }, (_, seq) => seq),
    );
  }
  // Not interleaved: socket 0's whole replay, then socket 1's, then socket 2's.
  expect(sent.map((frame) => frame.socket)).toEqual([0, 1, 2].flatMap((socket) => Array<number>(EVENT_COUNT).fill(socket)));
});

it("retries reading a finished run's result when the read fails, so the socket still gets its `result` after the run's last event", async () => {
  const { keyPrefix, client, bus } = redisOnFreshPrefix();
  const warnings: string[] = [];
  const log = { warn: (_details: object, message: string) => warnings.push(message), error: () => undefined };
  const delivery = new RedisEventDelivery({ bus, client, keyPrefix, log, retryDelayMs: { min: 1, max: 1 } });
  cleanups.push(() => delivery.close());
  const result = { type: 'result', runId: 'run-1', result: { status: 'succeeded' } } as unknown as RunEndFrame;
  // The first read fails as a command timeout under load does; the second one answers.
  const reads: AgentEvent[] = [];
  delivery.setRunEndFrames(async (event) => {
    reads.push(event);
    if (reads.length === 1) throw new Error('Command timed out');
    return result;
  });

  const frames: Array<{ type: string; event?: AgentEvent }> = [];
  const arrivals: Array<() => void> = [];
  const nextFrame = (predicate: (frame: { type: string; event?: AgentEvent }) => boolean) =>
    new Promise<void>((resolve) => {
      const check = (): void => {
        if (frames.some(predicate)) resolve();
        else arrivals.push(check);
      };
      check();
    });
  delivery.attach(
    'alice',
    {
      send: (json) => {
        frames.push(JSON.parse(json) as { type: string; event?: AgentEvent });
        for (const check of arrivals.splice(0)) check();
      },
    },
    '0-0',
  );
  // Once the socket has a frame, the follower's start is fixed: what is published next reaches it live.
  expect(await bus.publish(thinking(0))).not.toBeNull();
  await nextFrame((frame) => frame.event?.seq === 0);
  const completed: AgentEvent = {
    ...thinking(1),
    type: 'workflow_completed',
    agentName: 'workflow',
    workflowId: 'workflow-1',
    path: 'partial',
    status: 'succeeded',
    durationMs: 5,
    succeededStages: 3,
    totalStages: 3,
  } as AgentEvent;
  expect(await bus.publish(completed)).not.toBeNull();
  await nextFrame((frame) => frame.type === 'result');

  expect(reads.map((event) => event.type)).toEqual(['workflow_completed', 'workflow_completed']);
  expect(warnings).toEqual(["could not read a finished run's result; retrying"]);
  expect(frames.map((frame) => frame.event?.type ?? frame.type)).toEqual(['agent_thinking', 'workflow_completed', 'result']);
  expect(frames.at(-1)).toEqual(result);
});
