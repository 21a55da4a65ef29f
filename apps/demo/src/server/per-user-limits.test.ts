import { afterAll, describe, expect, it } from 'vitest';
import { FrameClient, login } from '../test-support/demo-test-client.js';
import { waitUntil } from '../test-support/redis-test-env.js';
import { createTestDemoServer } from '../test-support/test-demo-server.js';
import type { DemoServer, DemoServerOptions } from './create-demo-server.js';
import type { ServerFrame } from './protocol.js';

// Per-user resource bounds of the demo (memory mode; they hold per instance in Redis mode alike):
// open sockets per login and per user, and a token bucket per user on asks, cancels and decisions.

const USERS = [
  { username: 'alice', password: 'alice-demo-pw' },
  { username: 'bob', password: 'bob-demo-pw' },
];

const servers: DemoServer[] = [];
const clients: FrameClient[] = [];
afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await Promise.all(servers.map((server) => server.close()));
});

async function start(options: DemoServerOptions = {}): Promise<string> {
  const server = await createTestDemoServer({ users: USERS, scryptCost: 2 ** 10, delayScale: 0, ...options });
  servers.push(server);
  return server.listen({ port: 0 });
}

async function open(url: string, cookie: string): Promise<FrameClient> {
  const client = await FrameClient.connect(url, { cookie });
  clients.push(client);
  return client;
}

/** Answers a `cancel` of an unknown run with `UNKNOWN_RUN` while the socket is served (closed otherwise). */
async function served(client: FrameClient): Promise<boolean> {
  const answer = client.nextError();
  client.send({ type: 'cancel', runId: 'no-such-run' });
  const outcome = await Promise.race([answer, client.closed.then(() => undefined)]);
  return outcome?.code === 'UNKNOWN_RUN';
}

describe('open sockets per login and per user', () => {
  it('closes the 9th socket of one login with 1008 and the cap as reason; the 8 others are served', async () => {
    const url = await start();
    const cookie = await login(url, 'alice', 'alice-demo-pw');
    const first = await Promise.all(Array.from({ length: 8 }, () => open(url, cookie)));
    const ninth = await open(url, cookie);
    expect(await ninth.closed).toEqual({ code: 1008, reason: 'Too many open sockets for this login (at most 8); close a tab' });
    for (const client of first) expect(await served(client)).toBe(true);
    // A closed socket gives its place back.
    await first[0]!.close();
    await waitUntil('a socket is accepted again', async () => served(await open(url, cookie)));
  });

  it("closes a user's socket beyond the user cap across logins, with its reason; another user is not affected", async () => {
    const url = await start({ maxSocketsPerSession: 2, maxSocketsPerUser: 3 });
    const [cookie1, cookie2] = [await login(url, 'alice', 'alice-demo-pw'), await login(url, 'alice', 'alice-demo-pw')];
    await Promise.all([open(url, cookie1), open(url, cookie1), open(url, cookie2)]);
    const over = await open(url, cookie2);
    expect(await over.closed).toEqual({ code: 1008, reason: 'Too many open sockets for this user (at most 3); close a tab' });
    const bob = await open(url, await login(url, 'bob', 'bob-demo-pw'));
    expect(await served(bob)).toBe(true);
  });

  it('refuses to start with a cap that is not a whole number of at least 1', async () => {
    await expect(createTestDemoServer({ users: USERS, scryptCost: 2 ** 10, maxSocketsPerUser: 0 })).rejects.toThrow(
      'maxSocketsPerUser must be a whole number ≥ 1, got 0',
    );
  });
});

describe('a per-user budget of asks, cancels and decisions', () => {
  it('answers TOO_MANY_REQUESTS beyond the burst on every socket of the user, keeps them open, leaves other users alone, and refills with time', async () => {
    let now = Date.now();
    const url = await start({ now: () => now, actionRateLimit: { burst: 3, perSecond: 1 } });
    const cookie = await login(url, 'alice', 'alice-demo-pw');
    const [tab1, tab2] = [await open(url, cookie), await open(url, cookie)];
    const bob = await open(url, await login(url, 'bob', 'bob-demo-pw'));
    const errors = (client: FrameClient) =>
      client.frames.filter((frame): frame is Extract<ServerFrame, { type: 'error' }> => frame.type === 'error');

    for (const runId of ['r1', 'r2', 'r3']) tab1.send({ type: 'cancel', runId });
    tab1.send({ type: 'cancel', runId: 'r4' });
    tab2.send({ type: 'ask', text: 'How do I cut our AWS bill?', clientRequestId: 'over' });
    tab2.send({ type: 'decide', workflowId: 'wf-1', approved: true });
    await waitUntil('the answers', () => errors(tab1).length === 4 && errors(tab2).length === 2);
    const message = 'Too many asks, cancels and decisions: at most 3 at once, then 1 per second; try again in a moment.';
    expect(errors(tab1).map((frame) => frame.code)).toEqual(['UNKNOWN_RUN', 'UNKNOWN_RUN', 'UNKNOWN_RUN', 'TOO_MANY_REQUESTS']);
    expect(errors(tab1)[3]).toEqual({ type: 'error', code: 'TOO_MANY_REQUESTS', message });
    expect(errors(tab2)).toEqual([
      { type: 'error', code: 'TOO_MANY_REQUESTS', message, clientRequestId: 'over' },
      { type: 'error', code: 'TOO_MANY_REQUESTS', message, workflowId: 'wf-1' },
    ]);
    // Bob has a budget of his own; alice's sockets stay open and get a token back each second.
    expect(await served(bob)).toBe(true);
    now += 1000;
    expect(await served(tab2)).toBe(true);
    const refused = tab1.nextError();
    tab1.send({ type: 'cancel', runId: 'r5' });
    expect(await refused).toMatchObject({ code: 'TOO_MANY_REQUESTS' });
  });
});
