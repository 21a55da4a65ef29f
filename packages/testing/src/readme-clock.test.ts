// The "Time and timeouts" example of README.md, verbatim below this header (readme.test.ts compares
// them, with './index.js' standing for '@baton/testing').
import { expect, it } from 'vitest';
import { createGate, createTestFactory, scriptedAgent } from './index.js';

it('times a stuck tool call out when the clock passes the deadline', async () => {
  const network = createGate(); // never opened: the tool hangs until the call is aborted
  const fetcher = scriptedAgent({ name: 'fetcher', script: [{ tool: 'fetch', until: network }] });
  const factory = createTestFactory([fetcher], { limits: { runTimeoutMs: 5_000 } });
  const engine = await factory.createTestEngine();
  const pending = engine.executeAgent({ agentName: 'fetcher' });
  await network.reached(); // the tool call is running
  await factory.clock.advance(4_999);
  expect(factory.events.byType('agent_completed')).toEqual([]);
  await factory.clock.advance(1); // no real time passes: the deadline fires now
  expect(await pending).toMatchObject({ status: 'timed_out', durationMs: 5_000 });
  expect(factory.events.byType('tool_completed')[0]).toMatchObject({ status: 'failed', error: { name: 'TimeoutError' } });
  await factory.shutdown();
});
