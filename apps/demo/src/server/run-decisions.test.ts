import type { AgentEvent } from '@baton/engine-contract';
import { createManualClock } from '@baton/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMoney } from '../agents/format-money.js';
import { EXAMPLE_QUESTIONS } from '../shared/example-questions.js';
import { RunsPageSchema } from '../shared/runs-api.js';
import { FrameClient, login } from '../test-support/demo-test-client.js';
import { AgentGates, createGatedDemoAgents, gateMarker } from '../test-support/gated-agents.js';
import { createTestDemoServer } from '../test-support/test-demo-server.js';
import type { DemoServer, DemoServerOptions } from './create-demo-server.js';
import type { ServerFrame } from './protocol.js';

// The `decide` frame and approval timeouts, against a real demo server (in memory).

const USERS = [
  { username: 'alice', password: 'alice-demo-pw' },
  { username: 'bob', password: 'bob-demo-pw' },
  { username: 'carol', password: 'carol-demo-pw' },
];
const [SUFFICIENT, PARTIAL] = EXAMPLE_QUESTIONS.map((example) => example.text) as [string, string, string];

type ResultFrame = Extract<ServerFrame, { type: 'result' }>;
interface Stage {
  agentName: string;
  status: string;
  output?: unknown;
  error?: { code: string; message: string };
}

const servers: DemoServer[] = [];
async function start(options: DemoServerOptions = {}): Promise<{ server: DemoServer; url: string }> {
  const server = await createTestDemoServer({ users: USERS, scryptCost: 2 ** 10, delayScale: 0, ...options });
  servers.push(server);
  return { server, url: await server.listen({ port: 0 }) };
}
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

function stagesOf(result: ResultFrame): Stage[] {
  return result.result.stages as Stage[];
}
function stage(result: ResultFrame, name: string): Stage | undefined {
  return stagesOf(result).find((candidate) => candidate.agentName === name);
}
function runEvents(client: FrameClient, runId: string): AgentEvent[] {
  return client
    .events()
    .filter((frame) => frame.event.runId === runId)
    .map((frame) => frame.event);
}

describe('decide', () => {
  let url: string;
  let server: DemoServer;
  let alice: string;
  beforeAll(async () => {
    ({ server, url } = await start());
    alice = await login(url, 'alice', 'alice-demo-pw');
  });

  it("asks every socket of the user, and only that user's, with the plan's steps and savings; an approval runs the stage with it", async () => {
    const asker = await FrameClient.connect(url, { cookie: alice });
    const otherTab = await FrameClient.connect(url, { cookie: alice });
    const bob = await FrameClient.connect(url, { cookie: await login(url, 'bob', 'bob-demo-pw') });
    const runId = await asker.ask(SUFFICIENT);
    const suspended = await asker.suspended(runId);
    const { workflowId } = suspended.result;
    const question = await otherTab.event(runId, (event) => event.type === 'workflow_suspended');
    expect(question.event).toMatchObject({ workflowId, stage: 'actions', userId: 'alice' });
    const prompt = (question.event as Extract<AgentEvent, { type: 'workflow_suspended' }>).prompt;
    expect(prompt).toMatch(/^Apply this plan\? \d+ steps, about \$[\d,]+ a month$/);

    // Decided in the other tab, not the asking one: any socket of the user may decide.
    otherTab.decide(workflowId, true, 'Go ahead, FinOps signed off');
    const result = await asker.result(runId);
    expect(result.result).toMatchObject({ workflowId, status: 'succeeded', path: 'sufficient' });
    expect(await otherTab.result(runId)).toEqual(result);
    const actionsStarted = runEvents(asker, runId).find((event) => event.type === 'agent_started' && event.agentName === 'actions');
    expect(actionsStarted).toMatchObject({ input: { approval: { approved: true, note: 'Go ahead, FinOps signed off' } } });
    // The question asked is the plan the stage then drafted.
    const plan = stage(result, 'actions')!.output as { steps: unknown[]; plannedMonthlySavings: number };
    expect(prompt).toBe(`Apply this plan? ${plan.steps.length} steps, about ${formatMoney(plan.plannedMonthlySavings)} a month`);
    expect(stagesOf(result).map((entry) => [entry.agentName, entry.status])).toEqual([
      ['triage', 'succeeded'],
      ['data', 'succeeded'],
      ['optimization', 'succeeded'],
      ['actions', 'succeeded'],
      ['reporting', 'succeeded'],
    ]);
    expect(bob.frames).toEqual([]);
    await Promise.all([asker.close(), otherTab.close(), bob.close()]);
  });

  it('a rejection fails the stage with APPROVAL_REJECTED (the note in its message) without running it; reporting still answers', async () => {
    const client = await FrameClient.connect(url, { cookie: alice });
    const runId = await client.ask(SUFFICIENT);
    const { workflowId } = (await client.suspended(runId)).result;
    client.decide(workflowId, false, 'Not this quarter');
    const result = await client.result(runId);
    expect(result.result).toMatchObject({ status: 'failed', path: 'sufficient' });
    expect(stage(result, 'actions')).toMatchObject({
      status: 'failed',
      error: { code: 'APPROVAL_REJECTED', message: expect.stringContaining('Not this quarter') },
    });
    expect(stage(result, 'reporting')).toMatchObject({ status: 'succeeded' });
    const started = runEvents(client, runId).filter((event) => event.type === 'agent_started');
    expect(started.map((event) => event.agentName)).toEqual(['triage', 'data', 'optimization', 'reporting']);
    expect(started.at(-1)).toMatchObject({ input: { failedStages: ['actions'] } });
    expect((await server.store.get(workflowId))?.stages.find((entry) => entry.agentName === 'actions')?.error?.code).toBe(
      'APPROVAL_REJECTED',
    );
    await client.close();
  });

  it("answers another user's workflowId exactly as an unknown one (UNKNOWN_RUN), and the run stays waiting", async () => {
    const owner = await FrameClient.connect(url, { cookie: alice });
    const bob = await FrameClient.connect(url, { cookie: await login(url, 'bob', 'bob-demo-pw') });
    const runId = await owner.ask(SUFFICIENT);
    const { workflowId } = (await owner.suspended(runId)).result;

    const foreign = bob.nextDecisionError(workflowId);
    bob.decide(workflowId, false);
    const unknown = bob.nextDecisionError('00000000-0000-4000-8000-000000000000');
    bob.decide('00000000-0000-4000-8000-000000000000', false);
    expect(await foreign).toMatchObject({ type: 'error', code: 'UNKNOWN_RUN', workflowId });
    expect((await unknown).message).toBe((await foreign).message);
    expect(await server.store.get(workflowId)).toMatchObject({ status: 'suspended', userId: 'alice' });
    expect(runEvents(owner, runId).at(-1)?.type).toBe('workflow_suspended');
    expect(bob.events()).toEqual([]);

    owner.decide(workflowId, true);
    expect((await owner.result(runId)).result.status).toBe('succeeded');
    await Promise.all([owner.close(), bob.close()]);
  });

  it('takes one decision only: a second one (racing from another tab, or after the run went on) gets NOT_SUSPENDED', async () => {
    const first = await FrameClient.connect(url, { cookie: alice });
    const second = await FrameClient.connect(url, { cookie: alice });
    const runId = await first.ask(SUFFICIENT);
    const { workflowId } = (await first.suspended(runId)).result;
    await second.event(runId, (event) => event.type === 'workflow_suspended');
    const refused = second.nextDecisionError(workflowId);
    first.decide(workflowId, true);
    second.decide(workflowId, false);
    expect(await refused).toMatchObject({ code: 'NOT_SUSPENDED', workflowId });
    const result = await first.result(runId);
    expect(stage(result, 'actions')?.status).toBe('succeeded');
    expect(runEvents(first, runId).filter((event) => event.type === 'workflow_resumed')).toHaveLength(1);

    const late = first.nextDecisionError(workflowId);
    first.decide(workflowId, false);
    expect(await late).toMatchObject({ code: 'NOT_SUSPENDED' });
    expect(await server.store.get(workflowId)).toMatchObject({ status: 'succeeded' });
    await Promise.all([first.close(), second.close()]);
  });

  it.each([
    ['a missing approved', { type: 'decide', workflowId: 'w' }],
    ['an approved that is not a boolean', { type: 'decide', workflowId: 'w', approved: 'yes' }],
    ['an empty workflowId', { type: 'decide', workflowId: '', approved: true }],
    ['a note over 500 characters', { type: 'decide', workflowId: 'w', approved: true, note: 'x'.repeat(501) }],
    ['an unknown field', { type: 'decide', workflowId: 'w', approved: true, userId: 'bob' }],
  ])('answers a decide frame with %s with INVALID_REQUEST and keeps the socket open', async (_name, frame) => {
    const client = await FrameClient.connect(url, { cookie: alice });
    const error = client.nextError();
    client.send(frame);
    expect(await error).toMatchObject({ type: 'error', code: 'INVALID_REQUEST' });
    const runId = await client.ask(PARTIAL);
    expect((await client.result(runId)).result.status).toBe('succeeded');
    await client.close();
  });

  it('lists a waiting run with its question in the history, replays it after a reload, and lists it running once decided', async () => {
    const cookie = await login(url, 'carol', 'carol-demo-pw');
    const before = await FrameClient.connect(url, { cookie });
    const runId = await before.ask(SUFFICIENT);
    const { workflowId } = (await before.suspended(runId)).result;
    const seen = runEvents(before, runId);
    await before.close();

    const page = RunsPageSchema.parse(await (await fetch(`${url}/api/runs`, { headers: { cookie } })).json());
    expect(page.runs[0]).toMatchObject({
      workflowId,
      runId,
      status: 'suspended',
      suspension: { stage: 'actions', prompt: (seen.at(-1) as { prompt: string }).prompt, expiresAt: expect.any(Number) },
      result: null,
    });
    // A reload shows the same card: the waiting run replays from its first event to its question.
    const after = await FrameClient.connect(url, { cookie, since: page.replaySince! });
    await after.event(runId, (event) => event.type === 'workflow_suspended');
    expect(runEvents(after, runId)).toEqual(seen);
    after.decide(workflowId, true);
    expect((await after.result(runId)).result.status).toBe('succeeded');
    const done = RunsPageSchema.parse(await (await fetch(`${url}/api/runs`, { headers: { cookie } })).json());
    expect(done.runs[0]).toMatchObject({ workflowId, status: 'succeeded', suspension: null });
    await after.close();
  });
});

describe('approvals and the per-user limit', () => {
  const gates = new AgentGates();
  let url: string;
  beforeAll(async () => {
    ({ url } = await start({ agents: createGatedDemoAgents({ delayScale: 0, gates }) }));
  });

  it('a waiting run holds no slot: with 3 runs waiting the user asks 3 more; a decision needs a free slot', async () => {
    const client = await FrameClient.connect(url, { cookie: await login(url, 'alice', 'alice-demo-pw') });
    const waiting: string[] = [];
    for (let index = 0; index < 3; index++) {
      const runId = await client.ask(SUFFICIENT);
      waiting.push((await client.suspended(runId)).result.workflowId);
    }
    // Three more, held in flight at triage: accepted, and a 4th is over the limit.
    const held = [];
    // Letters, not digits: a figure in the question would make it a full analysis.
    for (const tag of ['a', 'b', 'c']) held.push(await client.ask(`${PARTIAL} ${gateMarker('triage')} (${tag})`));
    await gates.reached('triage', 3);
    client.send({ type: 'ask', text: PARTIAL, clientRequestId: 'fourth' });
    expect(await client.answerTo('fourth')).toMatchObject({ type: 'error', code: 'USER_LIMIT_EXCEEDED' });
    const refused = client.nextDecisionError(waiting[0]!);
    client.decide(waiting[0]!, true);
    expect(await refused).toMatchObject({ code: 'USER_LIMIT_EXCEEDED', workflowId: waiting[0] });

    gates.open('triage');
    for (const runId of held) expect((await client.result(runId)).result.status).toBe('succeeded');
    // Slots are free again: the decision goes through now, and the run finishes.
    const [first] = client.frames.filter(
      (frame): frame is ResultFrame => frame.type === 'result' && frame.result.workflowId === waiting[0],
    );
    client.decide(waiting[0]!, true);
    expect((await client.result(first!.runId)).result.status).toBe('succeeded');
    await client.close();
  });
});

describe('approval timeout (injected clock and timers)', () => {
  it('times a waiting run out at its expiry: APPROVAL_TIMEOUT on the stage, reporting answers, a later decision gets NOT_SUSPENDED', async () => {
    const clock = createManualClock({ start: 1_800_000_000_000 });
    const { server, url } = await start({ now: clock.now, approvalTimers: clock.schedule, approvalTimeoutMs: 60_000 });
    const client = await FrameClient.connect(url, { cookie: await login(url, 'alice', 'alice-demo-pw') });
    const runId = await client.ask(SUFFICIENT);
    const { workflowId } = (await client.suspended(runId)).result;
    expect(await server.store.get(workflowId)).toMatchObject({ suspension: { expiresAt: clock.now() + 60_000 } });
    expect(clock.pendingTimers()).toEqual([clock.now() + 60_000]);

    expect(await clock.advance(59_999)).toBe(0);
    expect(await clock.advance(1)).toBe(1);
    const result = await client.result(runId);
    expect(result.result.status).toBe('failed');
    expect(stage(result, 'actions')).toMatchObject({ status: 'failed', error: { code: 'APPROVAL_TIMEOUT' } });
    expect(stage(result, 'reporting')?.status).toBe('succeeded');
    expect(runEvents(client, runId).some((event) => event.type === 'agent_started' && event.agentName === 'actions')).toBe(false);

    const late = client.nextDecisionError(workflowId);
    client.decide(workflowId, true);
    expect(await late).toMatchObject({ code: 'NOT_SUSPENDED' });
    await client.close();
  });

  it('a decision that arrives after the expiry, before the timer fired, is a timeout too; close() clears the timers', async () => {
    const clock = createManualClock({ start: 1_800_000_000_000 });
    const { server, url } = await start({ now: clock.now, approvalTimers: clock.schedule, approvalTimeoutMs: 60_000 });
    const client = await FrameClient.connect(url, { cookie: await login(url, 'alice', 'alice-demo-pw') });
    const runId = await client.ask(SUFFICIENT);
    const { workflowId } = (await client.suspended(runId)).result;
    clock.jump(60_000); // the expiry passes, its timer has not run yet
    client.decide(workflowId, true);
    const result = await client.result(runId);
    expect(stage(result, 'actions')).toMatchObject({ status: 'failed', error: { code: 'APPROVAL_TIMEOUT' } });
    // The timer still fires, finds the run decided, and does nothing.
    expect(await clock.advance(0)).toBe(1);
    expect(await server.store.get(workflowId)).toMatchObject({ status: 'failed' });

    const other = await client.ask(SUFFICIENT);
    await client.suspended(other);
    expect(clock.pendingTimers()).toHaveLength(1);
    await client.close();
    await server.close();
    expect(clock.pendingTimers()).toEqual([]);
  });
});
