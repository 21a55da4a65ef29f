import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EXAMPLE_QUESTIONS } from '../shared/example-questions.js';
import { FrameClient, login } from '../test-support/demo-test-client.js';
import { createHostileDemoAgents, type HostileScript, hostileScript, MARKER, textWithCredential } from '../test-support/hostile-agents.js';
import { runToEnd } from '../test-support/run-to-end.js';
import { createTestDemoServer } from '../test-support/test-demo-server.js';
import type { DemoServer } from './create-demo-server.js';

// Whatever the agents think, stream, pass to tools, return or throw (credentials in text, under
// secret keys, in errors, behind an own toJSON), no frame the server sends over the real WebSocket,
// and no answer of the runs API, holds any part of a credential. Redis mode: redis-secret-redaction.test.ts.

const USERS = [{ username: 'alice', password: 'alice-demo-pw' }];
const PARTIAL = EXAMPLE_QUESTIONS.find((example) => example.path === 'partial')!.text;

let script: HostileScript = {};
let server: DemoServer;
let url: string;
let cookie: string;
let client: FrameClient;

beforeAll(async () => {
  server = await createTestDemoServer({
    users: USERS,
    scryptCost: 2 ** 10,
    delayScale: 0,
    agents: createHostileDemoAgents(() => script),
    // One user asks (and decides) many times in a row here: the per-user action bucket is not under test.
    actionRateLimit: { burst: 100, perSecond: 100 },
  });
  url = await server.listen({ port: 0 });
  cookie = await login(url, 'alice', 'alice-demo-pw');
  client = await FrameClient.connect(url, { cookie });
});
afterAll(async () => {
  await client?.close();
  await server?.close();
});

it('sends no credential in any frame, nor in the runs API, whatever the agents think, stream, call tools with, return or throw', async () => {
  await fc.assert(
    fc.asyncProperty(hostileScript, textWithCredential, fc.boolean(), async (next, credential, approve) => {
      script = next;
      // The question carries a credential too: the user's own text is scrubbed in events and history alike.
      const { frames, workflowId } = await runToEnd(client, `${PARTIAL} ${credential}`, approve);
      expect(frames.some((frame) => frame.type === 'result')).toBe(true);
      expect(frames.filter((frame) => frame.type === 'event').length).toBeGreaterThan(6);
      for (const frame of frames) expect(JSON.stringify(frame)).not.toContain(MARKER);
      for (const path of [`/api/runs/${workflowId}`, '/api/runs']) {
        const response = await fetch(`${url}${path}`, { headers: { cookie } });
        expect(response.status).toBe(200);
        expect(await response.text()).not.toContain(MARKER);
      }
    }),
    { numRuns: 15 },
  );
}, 240_000);

it("sends a stage's secret-keyed output redacted in the result frame, as in its agent_completed event", async () => {
  script = {
    data: { steps: [{ think: 'using api_key=sk-live-0123456789' }], end: { adds: { accessKey: 'AKIDEXAMPLE', note: 'Bearer abc123xyz' } } },
  };
  const { frames } = await runToEnd(client, PARTIAL, true);
  const result = frames.find((frame) => frame.type === 'result');
  const data =
    result?.type === 'result'
      ? (result.result.stages as Array<{ agentName: string; output: { leak: unknown } }>).find((stage) => stage.agentName === 'data')
      : undefined;
  expect(data?.output.leak).toEqual({ accessKey: '[REDACTED]', note: 'Bearer [REDACTED]' });
  const completed = frames.find(
    (frame) => frame.type === 'event' && frame.event.type === 'agent_completed' && frame.event.agentName === 'data',
  );
  expect(
    completed?.type === 'event' && completed.event.type === 'agent_completed' && (completed.event.output as { leak: unknown }).leak,
  ).toEqual(data?.output.leak);
  const thought = frames.find(
    (frame) => frame.type === 'event' && frame.event.type === 'agent_thinking' && frame.event.agentName === 'data',
  );
  expect(thought?.type === 'event' && thought.event.type === 'agent_thinking' && thought.event.thought).toBe('using api_key=[REDACTED]');
});
