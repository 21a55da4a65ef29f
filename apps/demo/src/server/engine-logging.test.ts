import { defineAgent } from '@baton/engine-contract';
import { afterEach, expect, it } from 'vitest';
import { createDemoAgents } from '../agents/create-demo-agents.js';
import { EXAMPLE_QUESTIONS } from '../shared/example-questions.js';
import { FrameClient, login } from '../test-support/demo-test-client.js';
import { createTestDemoServer } from '../test-support/test-demo-server.js';
import type { DemoServer } from './create-demo-server.js';

let server: DemoServer | undefined;
afterEach(async () => {
  await server?.close();
});

it("logs engine warnings through Fastify's logger as JSON lines with the engineId and the userId as fields", async () => {
  const lines: Record<string, unknown>[] = [];
  // A triage that ignores its signal: once its run is cancelled, disposing the engine gives up waiting
  // for it after disposeTimeoutMs and warns.
  const stuckTriage = defineAgent({ name: 'triage', run: () => new Promise<never>(() => {}) });
  const agents = createDemoAgents({ delayScale: 0 }).map((agent) => (agent.name === 'triage' ? stuckTriage : agent));
  server = await createTestDemoServer({
    users: [{ username: 'alice', password: 'alice-demo-pw' }],
    scryptCost: 2 ** 10,
    agents,
    limits: { disposeTimeoutMs: 1 },
    logger: { level: 'warn', stream: { write: (line) => void lines.push(JSON.parse(line) as Record<string, unknown>) } },
  });
  const url = await server.listen({ port: 0 });
  const client = await FrameClient.connect(url, { cookie: await login(url, 'alice', 'alice-demo-pw') });
  const runId = await client.ask(EXAMPLE_QUESTIONS[0]!.text);
  const started = await client.event(runId, (event) => event.type === 'agent_started' && event.agentName === 'triage');
  client.send({ type: 'cancel', runId });
  // The engine is disposed (and its warning written) before the result frame is sent.
  expect((await client.result(runId)).result.status).toBe('cancelled');
  await client.close();
  const warning = lines.find((line) => line.msg === 'Baton: engine disposed without waiting further for agents that ignore their signal');
  expect(warning).toMatchObject({
    level: 40,
    engineId: started.event.engineId,
    userId: 'alice',
    unsettledAgents: 1,
    disposeTimeoutMs: 1,
  });
});
