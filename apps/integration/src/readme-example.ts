// biome-ignore-all format: the README example stays verbatim, long lines included (readme-example.test.ts compares them)
// biome-ignore-all assist/source/organizeImports: the README example has no blank line after its imports, to stay within 10 lines
// The "Usage" example of packages/orchestrator/README.md, verbatim between the two markers:
// readme-example.test.ts fails when they differ, and runs it.
// --- README example start ---
import { createUserExecutionContext, defineAgent } from '@baton/engine-contract';
import { createEngineFactory } from '@baton/engine-factory';
import { defineWorkflow, type StageInput, WorkflowOrchestrator } from '@baton/orchestrator';
import { z } from 'zod';
const research = defineAgent({ name: 'research', output: z.object({ facts: z.array(z.string()) }), run: () => ({ facts: ['Tides follow the Moon.'] }) });
const write = defineAgent({ name: 'write', output: z.string(), run: ({ previous }: StageInput<typeof research>) => previous.research.facts.join(' ') });
const workflow = defineWorkflow({ id: 'article', stages: [research, write] }); // research, then write
const factory = createEngineFactory({ agents: [research, write] });
const userContext = createUserExecutionContext({ userId: 'u_42', threadId: 't_1', runId: 'r_1' });
const result = await factory.withEngine(userContext, (engine) => new WorkflowOrchestrator({ engine, workflow }).run({ input: 'tides' }));
// --- README example end ---
export { factory, result };
