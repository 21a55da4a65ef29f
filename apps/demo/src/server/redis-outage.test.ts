import { type RedisServerProcess, startRedisServer } from '@baton/test-redis';
import { afterEach, expect, it } from 'vitest';
import { EXAMPLE_QUESTIONS } from '../shared/example-questions.js';
import { FrameClient, login } from '../test-support/demo-test-client.js';
import { recordUnhandledRejections, requireRedisServerBinary, uniqueKeyPrefix, waitUntil } from '../test-support/redis-test-env.js';
import { createTestDemoServer } from '../test-support/test-demo-server.js';
import type { DemoServer } from './create-demo-server.js';

// Redis goes away mid-run and comes back: this test owns its redis-server so that it can stop it
// and start it again on the same port.

const USERS = [{ username: 'alice', password: 'alice-demo-pw' }];
const [, PARTIAL, INSUFFICIENT] = EXAMPLE_QUESTIONS.map((example) => example.text) as [string, string, string];

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

it('keeps serving while Redis is away: clear error frames, healthz 200, asks refused; asks run and events flow again once Redis is back', {
  timeout: 120_000,
}, async () => {
  const binary = requireRedisServerBinary();
  let redisServer: RedisServerProcess = await startRedisServer(binary);
  cleanups.push(() => redisServer.stop());
  const { unhandled, stop } = recordUnhandledRejections();
  cleanups.push(stop);

  const redis = { url: redisServer.url, keyPrefix: uniqueKeyPrefix(), retryDelayMs: { min: 50, max: 300 } };
  const servers: DemoServer[] = [];
  for (let index = 0; index < 2; index++) {
    // About 2.5 s per run: it is still going when Redis stops.
    const server = await createTestDemoServer({ users: USERS, scryptCost: 2 ** 10, delayScale: 1, redis });
    servers.push(server);
    cleanups.push(() => server.close());
  }
  const [a, b] = await Promise.all(servers.map((server) => server.listen({ port: 0 })));
  const cookie = await login(a!, 'alice', 'alice-demo-pw');
  const onA = await FrameClient.connect(a!, { cookie });
  const onB = await FrameClient.connect(b!, { cookie });

  const runId = await onA.ask(PARTIAL);
  await onB.event(runId, (event) => event.type === 'agent_started');

  await redisServer.stop();

  // Every socket of the user hears, once, that live updates stopped.
  for (const client of [onA, onB]) {
    const error = await client.waitFor((frame) => frame.type === 'error' && frame.code === 'TRANSPORT_ERROR');
    expect(error).toMatchObject({ message: expect.stringContaining('Live updates are temporarily unavailable') });
  }
  for (const url of [a!, b!]) expect((await fetch(`${url}/healthz`)).status).toBe(200);
  // A new ask cannot be queued without Redis: a clear refusal. (The run in flight cannot record its
  // stages or publish its events meanwhile; the worker tier settles it once Redis is back.)
  onA.send({ type: 'ask', text: INSUFFICIENT, clientRequestId: 'while-away' });
  expect(await onA.answerTo('while-away')).toMatchObject({ type: 'error', code: 'TRANSPORT_ERROR' });
  // Sessions this instance already knew keep working for new sockets.
  const late = await FrameClient.connect(b!, { cookie });
  cleanups.push(async () => void (await late.close()));

  redisServer = await startRedisServer(binary, redisServer.port);

  // Asks are admitted again as soon as the instance has reconnected.
  let attempt = 0;
  let next: string | undefined;
  await waitUntil('an ask is accepted again', async () => {
    const clientRequestId = `again-${attempt++}`;
    onA.send({ type: 'ask', text: INSUFFICIENT, clientRequestId });
    const answer = await onA.answerTo(clientRequestId);
    if (answer.type === 'accepted') next = answer.runId;
    return next !== undefined;
  });
  // Its events flow through Redis to the sockets on both instances again, the late one included.
  for (const client of [onA, onB, late]) {
    expect((await client.event(next!, (event) => event.type === 'workflow_completed')).event).toMatchObject({ status: 'succeeded' });
  }
  expect((await onA.result(next!)).result.status).toBe('succeeded');
  const events = onB.events().filter((frame) => frame.event.runId === next);
  expect(events.map((frame) => frame.event.seq)).toEqual(events.map((_, index) => index));
  expect(new Set(onB.events().map((frame) => frame.id)).size).toBe(onB.events().length);
  expect(unhandled).toEqual([]);
  await Promise.all([onA.close(), onB.close()]);
});
