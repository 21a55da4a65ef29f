// The "Usage" example of README.md, verbatim below this header (readme.test.ts compares them, with
// './index.js' standing for '@baton/testing').
import { expect, it } from 'vitest';
import { createTestFactory, recordEvents, scriptedAgent } from './index.js';

const script = [{ think: 'Looking it up' }, { tool: 'search', output: ['Moon'] }, { write: ['Tides ', 'follow the Moon.'] }];
const writer = scriptedAgent({ name: 'writer', script });

it('streams its answer after one search', async () => {
  const factory = createTestFactory([writer]); // a real factory on a manual clock
  const engine = await factory.createTestEngine();
  const events = recordEvents(engine);
  const result = await engine.executeAgent({ agentName: 'writer' });
  expect(result).toMatchObject({ status: 'succeeded', output: 'Tides follow the Moon.' });
  expect(events.trace()).toContain('tool_completed:writer');
  events.assertGuarantees(); // gapless seq, one agent_completed per call, tool calls paired, ...
  await factory.shutdown();
});
