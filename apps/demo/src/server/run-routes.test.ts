import { type AnyAgentDefinition, defineAgent, InMemoryRunStore } from '@baton/engine-contract';
import { createManualClock } from '@baton/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoAgents } from '../agents/create-demo-agents.js';
import { EXAMPLE_QUESTIONS } from '../shared/example-questions.js';
import { RunDetailsSchema, RunsPageSchema } from '../shared/runs-api.js';
import { FrameClient, login } from '../test-support/demo-test-client.js';
import { AgentGates, createGatedDemoAgents, gateMarker } from '../test-support/gated-agents.js';
import { createTestDemoServer } from '../test-support/test-demo-server.js';
import type { DemoServer, DemoServerOptions } from './create-demo-server.js';
import { DEMO_WORKFLOW_ID } from './demo-workflow.js';
import type { ServerFrame } from './protocol.js';

// GET /api/runs and GET /api/runs/:workflowId, and the replay cursor the first page carries.

const USERS = [
  { username: 'alice', password: 'alice-demo-pw' },
  { username: 'bob', password: 'bob-demo-pw' },
  { username: 'carol', password: 'carol-demo-pw' },
];
const [SUFFICIENT, PARTIAL, INSUFFICIENT] = EXAMPLE_QUESTIONS.map((example) => example.text) as [string, string, string];
const SECRET = 'sk-live-0123456789abcdef';

type EventFrame = Extract<ServerFrame, { type: 'event' }>;

const servers: DemoServer[] = [];
async function start(options: DemoServerOptions = {}): Promise<{ server: DemoServer; url: string }> {
  const server = await createTestDemoServer({ users: USERS, scryptCost: 2 ** 10, delayScale: 0, ...options });
  servers.push(server);
  return { server, url: await server.listen({ port: 0 }) };
}
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

async function get(url: string, cookie?: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, { headers: cookie === undefined ? {} : { cookie } });
  return { status: response.status, body: await response.json() };
}

async function runsPage(url: string, cookie: string, query = '') {
  const { status, body } = await get(`${url}/api/runs${query}`, cookie);
  expect(status).toBe(200);
  return RunsPageSchema.parse(body);
}

describe('GET /api/runs', () => {
  // A clock the test moves: every run gets its own createdAt, so paging by `before` is exact.
  const clock = createManualClock({ start: 1_764_000_000_000 });
  const store = new InMemoryRunStore({ now: clock.now });
  let url: string;
  let alice: string;
  let bob: string;
  const asked: Array<{ question: string; runId: string; workflowId: string }> = [];

  beforeAll(async () => {
    ({ url } = await start({ store, now: clock.now }));
    alice = await login(url, 'alice', 'alice-demo-pw');
    bob = await login(url, 'bob', 'bob-demo-pw');
    const client = await FrameClient.connect(url, { cookie: alice });
    for (const question of [SUFFICIENT, PARTIAL, INSUFFICIENT]) {
      await clock.advance(1000);
      const runId = await client.ask(question);
      // The full analysis waits for its approval before the plan: approve it.
      await (question === SUFFICIENT ? client.approveAndFinish(runId) : client.result(runId));
      const completed = await client.event(runId, (event) => event.type === 'workflow_completed');
      asked.push({ question, runId, workflowId: completed.event.type === 'workflow_completed' ? completed.event.workflowId : '' });
    }
    await client.close();
  });

  it('answers 401 without a session, for the list and for one run, as /api/me does', async () => {
    const me = await get(`${url}/api/me`);
    for (const path of ['/api/runs', '/api/runs?limit=abc', `/api/runs/${asked[0]!.workflowId}`]) {
      const answer = await get(`${url}${path}`);
      expect(answer).toEqual({ status: 401, body: me.body });
    }
  });

  it("lists the user's runs newest first, with the question, status, path, stages and answer; the record's input is the question", async () => {
    const page = await runsPage(url, alice);
    expect(page.runs.map((run) => run.question)).toEqual([INSUFFICIENT, PARTIAL, SUFFICIENT]);
    expect(page.runs.map((run) => run.runId)).toEqual(asked.map((run) => run.runId).reverse());
    expect(page.runs.map((run) => run.workflowId)).toEqual(asked.map((run) => run.workflowId).reverse());
    expect(page.nextBefore).toBeNull();
    expect(page.replaySince).toEqual(expect.any(String));
    const [insufficient, partial, sufficient] = page.runs;
    expect(sufficient).toMatchObject({
      status: 'succeeded',
      workflowName: DEMO_WORKFLOW_ID,
      suspension: null,
      result: { status: 'succeeded', path: 'sufficient' },
    });
    expect(partial?.result?.path).toBe('partial');
    expect(insufficient?.result?.path).toBe('insufficient');
    expect(sufficient!.stages.map((stage) => [stage.stage, stage.status])).toEqual([
      ['triage', 'succeeded'],
      ['data', 'succeeded'],
      ['optimization', 'succeeded'],
      ['actions', 'succeeded'],
      ['reporting', 'succeeded'],
    ]);
    // The list leaves the stages' outputs out; the answer is the run's output.
    expect(sufficient!.stages.every((stage) => stage.output === undefined)).toBe(true);
    expect(sufficient!.result?.output).toMatchObject({ headline: expect.any(String), answer: expect.stringContaining('$') });
    expect((await store.get(asked[0]!.workflowId))?.input).toBe(SUFFICIENT);
  });

  it('pages with limit and before (createdAt, exclusive)', async () => {
    const first = await runsPage(url, alice, '?limit=2');
    expect(first.runs.map((run) => run.question)).toEqual([INSUFFICIENT, PARTIAL]);
    expect(first.nextBefore).toBe(first.runs[1]!.createdAt);
    const second = await runsPage(url, alice, `?limit=2&before=${first.nextBefore}`);
    expect(second.runs.map((run) => run.question)).toEqual([SUFFICIENT]);
    expect(second.nextBefore).toBeNull();
    // Only the first page carries the live cursor.
    expect(second.replaySince).toBeNull();
    const exact = await runsPage(url, alice, `?before=${first.runs[0]!.createdAt}`);
    expect(exact.runs.map((run) => run.question)).toEqual([PARTIAL, SUFFICIENT]);
  });

  it('shows each user only their own runs', async () => {
    const page = await runsPage(url, bob);
    expect(page.runs).toEqual([]);
  });

  it('returns one run with its stages, outputs included', async () => {
    const { status, body } = await get(`${url}/api/runs/${asked[0]!.workflowId}`, alice);
    expect(status).toBe(200);
    const { run } = RunDetailsSchema.parse(body);
    expect(run).toMatchObject({ workflowId: asked[0]!.workflowId, runId: asked[0]!.runId, question: SUFFICIENT, status: 'succeeded' });
    expect(run.stages.find((stage) => stage.stage === 'triage')?.output).toMatchObject({ dataSufficiency: 'sufficient' });
  });

  it("answers another user's run exactly as an unknown id: 404 with the same body", async () => {
    const foreign = await get(`${url}/api/runs/${asked[0]!.workflowId}`, bob);
    const unknown = await get(`${url}/api/runs/00000000-0000-4000-8000-000000000000`, bob);
    const tooLong = await get(`${url}/api/runs/${'x'.repeat(300)}`, bob);
    const noSuchPath = await get(`${url}/api/nothing-here`, bob);
    expect(foreign.status).toBe(404);
    expect(foreign).toEqual(unknown);
    expect(tooLong).toEqual(unknown);
    expect(noSuchPath).toEqual(unknown);
    expect(foreign.body).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String) } });
    expect(JSON.stringify(foreign.body)).not.toContain(asked[0]!.workflowId);
  });

  it.each([
    ['limit=0', '?limit=0'],
    ['limit over 100', '?limit=101'],
    ['a limit that is not a number', '?limit=ten'],
    ['a fractional limit', '?limit=1.5'],
    ['an empty limit', '?limit='],
    ['a repeated limit', '?limit=1&limit=2'],
    ['a negative before', '?before=-1'],
    ['a before that is not a number', '?before=yesterday'],
    ['an unknown parameter', '?offset=3'],
  ])('answers %s with 400 INVALID_REQUEST', async (_name, query) => {
    const { status, body } = await get(`${url}/api/runs${query}`, alice);
    expect(status).toBe(400);
    expect(body).toEqual({ error: { code: 'INVALID_REQUEST', message: expect.any(String) } });
  });
});

describe('GET /api/runs: limits', () => {
  // A clock the test moves: every run gets its own createdAt, so paging by `before` is exact.
  const clock = createManualClock({ start: 1_764_000_000_000 });
  const store = new InMemoryRunStore({ now: clock.now });
  let url: string;
  let carol: string;

  beforeAll(async () => {
    ({ url } = await start({ store, now: clock.now }));
    carol = await login(url, 'carol', 'carol-demo-pw');
    // 105 finished runs recorded directly, one second apart.
    for (let index = 0; index < 105; index++) {
      await clock.advance(1000);
      const workflowId = `wf-${index}`;
      await store.create({
        workflowId,
        workflowName: 'triage',
        userId: 'carol',
        threadId: 't',
        runId: `run-${index}`,
        input: `question ${index}`,
      });
      await store.complete(workflowId, { status: 'succeeded', path: 'insufficient', durationMs: 5 });
    }
  });

  it('returns 20 runs by default and at most 100, and pages through every stored run', async () => {
    const first = await runsPage(url, carol);
    expect(first.runs).toHaveLength(20);
    expect(first.runs[0]!.question).toBe('question 104');
    const hundred = await runsPage(url, carol, '?limit=100');
    expect(hundred.runs).toHaveLength(100);
    const seen: string[] = [];
    let before: number | null = null;
    do {
      const page = await runsPage(url, carol, `?limit=30${before === null ? '' : `&before=${before}`}`);
      seen.push(...page.runs.map((run) => run.runId));
      before = page.nextBefore;
    } while (before !== null);
    // The store keeps the last 100 runs per user.
    expect(seen).toEqual(Array.from({ length: 100 }, (_, index) => `run-${104 - index}`));
  });
});

/** The demo agents, with a secret-looking key added to the outputs of `data` and `reporting`. */
function agentsWithSecrets(): AnyAgentDefinition[] {
  return createDemoAgents({ delayScale: 0 }).map((agent) =>
    agent.name === 'data' || agent.name === 'reporting'
      ? defineAgent({
          name: agent.name,
          ...(agent.input === undefined ? {} : { input: agent.input }),
          run: async (input: unknown, ctx) => ({ ...(await agent.run(input, ctx)), apiToken: SECRET, nested: { password: SECRET } }),
        })
      : agent,
  );
}

it("redacts secret-looking keys in stage outputs and in the run's output before they leave the server", async () => {
  const store = new InMemoryRunStore();
  const { url } = await start({ store, agents: agentsWithSecrets() });
  const cookie = await login(url, 'alice', 'alice-demo-pw');
  const client = await FrameClient.connect(url, { cookie });
  const runId = await client.ask(SUFFICIENT);
  expect((await client.approveAndFinish(runId)).result.status).toBe('succeeded');
  await client.close();
  const [record] = await store.listRuns('alice');
  // The store holds what the agent returned (issue 18 is about the rest); the API does not hand it out.
  expect(JSON.stringify(record?.stages)).toContain(SECRET);

  const list = await get(`${url}/api/runs`, cookie);
  const details = await get(`${url}/api/runs/${record!.workflowId}`, cookie);
  for (const body of [list.body, details.body]) expect(JSON.stringify(body)).not.toContain(SECRET);
  const { run } = RunDetailsSchema.parse(details.body);
  expect(run.stages.find((stage) => stage.stage === 'data')?.output).toMatchObject({
    apiToken: '[REDACTED]',
    nested: { password: '[REDACTED]' },
  });
  expect(run.result?.output).toMatchObject({ apiToken: '[REDACTED]', headline: expect.any(String) });
  expect(RunsPageSchema.parse(list.body).runs[0]?.result?.output).toMatchObject({ apiToken: '[REDACTED]' });
});

describe('replaySince: a reload mid-run', () => {
  const gates = new AgentGates();
  let url: string;

  beforeAll(async () => {
    ({ url } = await start({ agents: createGatedDemoAgents({ delayScale: 0, gates }) }));
  });

  it('replays a run in flight from its first event, then follows it live to the end', async () => {
    const cookie = await login(url, 'alice', 'alice-demo-pw');
    const before = await FrameClient.connect(url, { cookie });
    // An earlier run, finished: listed, and not replayed.
    const earlier = await before.ask(INSUFFICIENT);
    await before.result(earlier);
    const question = `${PARTIAL} ${gateMarker('data')}`;
    const runId = await before.ask(question);
    await gates.reached('data');
    // The gate holds the stage right after its agent_started: nothing more comes until it opens.
    await before.event(runId, (event) => event.type === 'agent_started' && event.agentName === 'data');
    const seenBefore = before.events().filter((frame) => frame.event.runId === runId);
    await before.close();

    // "Reload": the page reads its history, then connects with the cursor.
    const page = await runsPage(url, cookie);
    expect(page.runs.map((run) => [run.question, run.status])).toEqual([
      [question, 'running'],
      [INSUFFICIENT, 'succeeded'],
    ]);
    expect(page.runs[0]!.stages.map((stage) => stage.stage)).toEqual(['triage', 'data_helper']);
    const after = await FrameClient.connect(url, { cookie, since: page.replaySince! });
    await after.event(runId, (event) => event.type === 'agent_started' && event.agentName === 'data');
    // Everything the run emitted so far, from its first event, in order, without duplicates.
    const replayed = after.events().filter((frame) => frame.event.runId === runId);
    expect(replayed.map((frame) => frame.id)).toEqual(seenBefore.map((frame) => frame.id));
    expect(replayed[0]!.event.type).toBe('workflow_started');
    expect(after.events().some((frame) => frame.event.runId === earlier)).toBe(false);

    gates.open('data');
    const completed = await after.event(runId, (event) => event.type === 'workflow_completed');
    expect(completed.event).toMatchObject({ status: 'succeeded', path: 'partial' });
    const all = after.events().filter((frame) => frame.event.runId === runId);
    expect(all.map((frame) => frame.event.seq)).toEqual(all.map((_, index) => index));
    expect(new Set(all.map((frame) => frame.id)).size).toBe(all.length);
    await after.close();
  });

  it('replays a run that started between the history read and the connection from its first event', async () => {
    const cookie = await login(url, 'bob', 'bob-demo-pw');
    const page = await runsPage(url, cookie);
    expect(page.runs).toEqual([]);
    const other = await FrameClient.connect(url, { cookie });
    const runId = await other.ask(PARTIAL);
    await other.result(runId);
    await other.close();
    const late = await FrameClient.connect(url, { cookie, since: page.replaySince! });
    const completed = await late.event(runId, (event) => event.type === 'workflow_completed');
    const events: EventFrame[] = late.events().filter((frame) => frame.event.runId === runId);
    expect(events[0]!.event.type).toBe('workflow_started');
    expect(events.at(-1)).toBe(completed);
    await late.close();
  });

  it('falls back to the stored stages when the run is no longer held: the cursor then starts at the history read', async () => {
    const small = await start({ agents: createGatedDemoAgents({ delayScale: 0, gates }), replayBufferSize: 5 });
    const cookie = await login(small.url, 'carol', 'carol-demo-pw');
    const client = await FrameClient.connect(small.url, { cookie });
    const question = `${PARTIAL} ${gateMarker('reporting')}`;
    const runId = await client.ask(question);
    await gates.reached('reporting');
    await client.close();
    const page = await runsPage(small.url, cookie);
    expect(page.runs[0]).toMatchObject({ question, status: 'running' });
    expect(page.runs[0]!.stages.map((stage) => stage.stage)).toEqual(['triage', 'data_helper', 'data']);
    const late = await FrameClient.connect(small.url, { cookie, since: page.replaySince! });
    gates.open('reporting');
    await late.event(runId, (event) => event.type === 'workflow_completed');
    // Nothing from before the history read (the stored stages show it), nothing missing after it.
    expect(late.frames.some((frame) => frame.type === 'error')).toBe(false);
    const events = late.events().filter((frame) => frame.event.runId === runId);
    expect(events[0]!.event).toMatchObject({ type: 'agent_thinking', agentName: 'reporting' });
    await late.close();
  });
});
