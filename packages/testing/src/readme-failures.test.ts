// The "Failures on cue" example of README.md, verbatim below this header (readme.test.ts compares
// them, with './index.js' standing for '@baton/testing').
import { expect, it } from 'vitest';
import { assertEventGuarantees, createTestFactory, EventGuaranteeError, scriptedAgent } from './index.js';

it('fails the first call half way through its answer, then succeeds', async () => {
  const flaky = scriptedAgent({
    name: 'flaky',
    script: (_input, call) => (call === 0 ? [{ write: 'Half an ans' }, { fail: 'model overloaded' }] : [{ write: 'A full answer.' }]),
  });
  const factory = createTestFactory([flaky]);
  const engine = await factory.createTestEngine();
  const first = await engine.executeAgent({ agentName: 'flaky', input: 'q' });
  expect(first).toMatchObject({ status: 'failed', error: { code: 'AGENT_FAILED', message: 'model overloaded' } });
  const second = await engine.executeAgent({ agentName: 'flaky', input: 'q' });
  expect(factory.events.streamedOutput(second.executionId)).toBe('A full answer.');
  expect(flaky.calls.map((call) => call.input)).toEqual(['q', 'q']);
  factory.events.assertGuarantees(); // over every engine of the factory
  const received = factory.events.events.filter((event) => event.type !== 'agent_started'); // e.g. events a client got
  expect(() => assertEventGuarantees(received)).toThrow(EventGuaranteeError); // 'gapless-seq': a lost event
  await factory.shutdown();
});
