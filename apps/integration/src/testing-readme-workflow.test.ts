// The "Workflows" example of packages/testing/README.md, verbatim below this header
// (testing-readme.test.ts compares them).
import { defineWorkflow, WorkflowOrchestrator } from '@baton/orchestrator';
import { createGate, createTestFactory, scriptedAgent } from '@baton/testing';
import { expect, it } from 'vitest';

it('cancels a workflow run while its second stage waits', async () => {
  const research = scriptedAgent({ name: 'research', returns: { facts: ['Tides follow the Moon.'] } });
  const editor = createGate();
  const write = scriptedAgent({ name: 'write', script: [{ until: editor }, { write: 'never' }] });
  const factory = createTestFactory([research, write]);
  const workflow = defineWorkflow({ id: 'article', stages: [research, write] });
  const orchestrator = new WorkflowOrchestrator({ engine: await factory.createTestEngine(), workflow });
  const controller = new AbortController();
  const running = orchestrator.run({ input: 'tides' }, { signal: controller.signal });
  await editor.reached(); // write is waiting for the editor
  controller.abort();
  expect(await running).toMatchObject({ status: 'cancelled' });
  expect(write.calls[0]?.input).toEqual({ request: 'tides', previous: { research: { facts: ['Tides follow the Moon.'] } } });
  factory.events.assertGuarantees(); // workflow_started ... workflow_completed, every call closed
  await factory.shutdown();
});
