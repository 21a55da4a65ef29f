import type { AgentEvent } from '@baton/engine-contract';
import { createRedisEventBus } from '@baton/redis';
import { afterAll, expect, it } from 'vitest';
import { FrameClient, login } from '../test-support/demo-test-client.js';
import { deleteKeys, requireRedisUrl, uniqueKeyPrefix } from '../test-support/redis-test-env.js';
import { createTestDemoServer } from '../test-support/test-demo-server.js';
import type { DemoServer } from './create-demo-server.js';

// What a `?since=` reconnect costs in Redis mode: events replayed per second to one socket, measured
// end to end (Redis read, validation, WebSocket frames, the client's JSON parse). No threshold.

const EVENT_COUNT = 5000;
const servers: DemoServer[] = [];
const prefixes: string[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  for (const prefix of prefixes) await deleteKeys(requireRedisUrl(), prefix);
});

function thinking(seq: number): AgentEvent {
  return {
    type: 'agent_thinking',
    userId: 'alice',
    threadId: 'thread-replay-cost',
    runId: 'run-replay-cost',
    requestId: 'request-replay-cost',
    engineId: 'engine-replay-cost',
    executionId: 'execution-replay-cost',
    agentName: 'data',
    stage: 'data',
    seq,
    timestamp: Date.now(),
    thought: `Reading line ${seq} of the billing export: EC2 on-demand spend in eu-west-1, compared with last month.`,
  };
}

it(`replays ${EVENT_COUNT} events to a reconnecting socket and reports the rate`, { timeout: 120_000 }, async () => {
  const url = requireRedisUrl();
  const keyPrefix = uniqueKeyPrefix();
  prefixes.push(keyPrefix);
  const server = await createTestDemoServer({
    users: [{ username: 'alice', password: 'alice-demo-pw' }],
    scryptCost: 2 ** 10,
    redis: { url, keyPrefix },
  });
  servers.push(server);
  const baseUrl = await server.listen({ port: 0 });

  // The events go in exactly as the factory's onEvent writes them (bus.publish).
  const bus = createRedisEventBus({ redis: url, keyPrefix });
  // In batches of 500: thousands of commands at once could outlast the client's command timeout on a busy machine.
  const ids: Array<string | null> = [];
  for (let first = 0; first < EVENT_COUNT; first += 500) {
    const batch = Array.from({ length: Math.min(500, EVENT_COUNT - first) }, (_, index) => bus.publish(thinking(first + index)));
    ids.push(...(await Promise.all(batch)));
  }
  await bus.close();
  expect(ids.every((id) => id !== null)).toBe(true);
  const since = ids[0]!;
  const lastId = ids.at(-1)!;

  const cookie = await login(baseUrl, 'alice', 'alice-demo-pw');
  // The first replay runs cold (JIT, first connections); the later ones show the steady cost.
  const rates: number[] = [];
  for (let round = 0; round < 3; round++) {
    const started = performance.now();
    const client = await FrameClient.connect(baseUrl, { cookie, since });
    await client.waitFor((frame) => frame.type === 'event' && frame.id === lastId);
    const elapsedMs = performance.now() - started;
    const replayed = client.events();
    expect(replayed.map((frame) => frame.id)).toEqual(ids.slice(1));
    expect(replayed.map((frame) => frame.event.seq)).toEqual(ids.slice(1).map((_, index) => index + 1));
    rates.push(Math.round(replayed.length / (elapsedMs / 1000)));
    console.log(
      `[replay cost] Redis mode, ${round === 0 ? 'cold' : 'warm'}: ${replayed.length} events replayed to one socket in ${elapsedMs.toFixed(0)} ms = ${rates.at(-1)} events/s (server and client in one process)`,
    );
    await client.close();
  }
  expect(rates).toHaveLength(3);
});
