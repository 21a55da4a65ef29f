// biome-ignore-all format: the README example stays verbatim (ai-sdk-readme-example.test.ts compares them)
// biome-ignore-all assist/source/organizeImports: the README example has no blank line after its imports, to stay within 15 lines
// The "Usage" example of packages/ai-sdk/README.md, verbatim between the two markers:
// ai-sdk-readme-example.test.ts fails when they differ, and runs it.
// --- README example start ---
import { createScriptedModel, defineModelAgent } from '@baton/ai-sdk';
import { createUserExecutionContext, defineAgent } from '@baton/engine-contract';
import { createEngineFactory } from '@baton/engine-factory';
import { defineWorkflow, type StageInput, WorkflowOrchestrator } from '@baton/orchestrator';
const research = defineAgent({ name: 'research', run: () => ({ facts: ['Tides follow the Moon.'] }) });
const model = createScriptedModel({ answer: 'The Moon pulls the oceans toward it.' }); // or openai('gpt-4.1-mini')
const prompt = ({ request, previous }: StageInput<typeof research>) => `${request} Facts: ${previous.research.facts.join(' ')}`;
const answer = defineModelAgent({ name: 'answer', model, system: 'Answer in one sentence.', prompt });
const workflow = defineWorkflow({ id: 'ask', stages: [research, answer] });
const factory = createEngineFactory({ agents: [research, answer] });
const userContext = createUserExecutionContext({ userId: 'u_42', threadId: 't_1', runId: 'r_1' });
const result = await factory.withEngine(userContext, (engine) => {
  engine.subscribe((event) => event.type === 'agent_output_delta' && process.stdout.write(event.delta));
  return new WorkflowOrchestrator({ engine, workflow }).run({ input: 'Why are there tides?' });
});
// --- README example end ---
export { factory, result };
