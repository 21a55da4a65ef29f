import { type RedisServerProcess, startRedisServer } from '@baton/test-redis';
import { afterEach, expect, it } from 'vitest';
import { EXAMPLE_QUESTIONS } from '../shared/example-questions.js';
import { FrameClient, login } from '../test-support/demo-test-client.js';
import { AgentGates, createGatedDemoAgents, gateMarker } from '../test-support/gated-agents.js';
import { recordUnhandledRejections, requireRedisServerBinary, uniqueKeyPrefix } from '../test-support/redis-test-env.js';
import { createTestDemoServer } from '../test-support/test-demo-server.js';
import { DEFAULT_REDIS_COMMAND_TIMEOUT_MS } from './redis-connection-settings.js';

// A Redis that hangs instead of refusing (a network partition, a stopped host): this test owns its
// redis-server and freezes it with SIGSTOP, so every connection stays open and nothing is answered.
// Nothing here waits for a time: each step waits for an outcome (a frame, an HTTP answer, close()
// resolving); the timeouts are only the backstop that turns a hang into a failure.

const USERS = [{ username: 'alice', password: 'alice-demo-pw' }];
const PARTIAL = EXAMPLE_QUESTIONS.find((example) => example.path === 'partial')!.text;
const INSUFFICIENT = EXAMPLE_QUESTIONS.find((example) => example.path === 'insufficient')!.text;
// Backstop for one step against a frozen Redis, a hang detector: a step takes a few command timeouts
// (5 s each) on a quiet machine, and a close() took over 45 s on a loaded one. Two steps' worth still
// fit in the test's 300 s, so a step that never ends fails here, by name.
const STEP_MS = 120_000;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** `promise`, or a rejection naming `what` after `ms` (a backstop: the test fails instead of hanging). */
function within<T>(what: string, promise: Promise<T>, ms = STEP_MS): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms while Redis was frozen`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

it('keeps serving while Redis hangs (SIGSTOP): TRANSPORT_ERROR frames, /api/me from known sessions, asks answered, close() finishes; the held run delivers its result once Redis answers again', {
  timeout: 300_000,
}, async () => {
  const binary = requireRedisServerBinary();
  const redisServer: RedisServerProcess = await startRedisServer(binary);
  cleanups.push(() => redisServer.stop());
  const { unhandled, stop } = recordUnhandledRejections();
  cleanups.push(stop);

  // The demo's default command timeout (5 s), which this test is about (the test server's is a hang
  // detector); a shorter one could fail a healthy command on a busy machine.
  const redis = {
    url: redisServer.url,
    keyPrefix: uniqueKeyPrefix(),
    retryDelayMs: { min: 50, max: 300 },
    commandTimeoutMs: DEFAULT_REDIS_COMMAND_TIMEOUT_MS,
  };
  const gates = new AgentGates();
  const start = async (role: 'web' | 'both') => {
    const server = await createTestDemoServer({
      users: USERS,
      scryptCost: 2 ** 10,
      delayScale: 0,
      agents: createGatedDemoAgents({ delayScale: 0, gates }),
      redis,
      role,
      // A lapsed lock moves the held run to another worker quickly once Redis answers again.
      worker: { lockDurationMs: 2000, closeGraceMs: 500 },
    });
    cleanups.push(() => server.close());
    return { server, url: await server.listen({ port: 0 }) };
  };
  const worker = await start('both');
  const web = await start('web');
  // Cleanups run last first: Redis answers again before the servers are closed.
  cleanups.push(async () => redisServer.thaw());
  const cookie = await login(web.url, 'alice', 'alice-demo-pw');
  const onWorker = await FrameClient.connect(worker.url, { cookie });
  const onWeb = await FrameClient.connect(web.url, { cookie });
  cleanups.push(async () => void (await Promise.all([onWorker.close(), onWeb.close()])));

  const runId = await onWeb.ask(`${PARTIAL} ${gateMarker('data')}`);
  await gates.reached('data');
  await onWorker.event(runId, (event) => event.type === 'agent_started' && event.agentName === 'data');

  redisServer.freeze();
  // The held run goes on: its events cannot be written, and every socket of the user hears why.
  gates.open('data');
  for (const client of [onWorker, onWeb]) {
    const error = await within(
      'a TRANSPORT_ERROR frame',
      client.waitFor((frame) => frame.type === 'error' && frame.code === 'TRANSPORT_ERROR', STEP_MS),
    );
    expect(error).toMatchObject({ message: expect.stringContaining('Live updates are temporarily unavailable') });
  }
  // Sessions the instances already know are still served, on both.
  for (const url of [worker.url, web.url]) {
    const me = await within('GET /api/me', fetch(`${url}/api/me`, { headers: { cookie } }));
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual({ userId: 'alice' });
    expect((await within('GET /healthz', fetch(`${url}/healthz`))).status).toBe(200);
  }
  // A new ask is answered, with a clear refusal.
  onWeb.send({ type: 'ask', text: INSUFFICIENT, clientRequestId: 'while-frozen' });
  expect(await within('the answer to an ask', onWeb.answerTo('while-frozen'))).toMatchObject({ type: 'error', code: 'TRANSPORT_ERROR' });
  // An instance shuts down without waiting for Redis.
  await within('close() of the web instance', web.server.close());

  redisServer.thaw();
  // The run that was held reaches its end, and its result reaches the user.
  const result = await within('the result of the held run', onWorker.result(runId, STEP_MS), STEP_MS);
  expect(result).toMatchObject({ type: 'result', runId });

  // Frozen again: the instance running the worker shuts down too.
  redisServer.freeze();
  await within('close() of the worker instance', worker.server.close());
  redisServer.thaw();
  expect(unhandled).toEqual([]);
});
