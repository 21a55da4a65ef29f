import type { AgentRunResult } from '@baton/engine-contract';
import type { TriageWorkflowDefinition } from './workflow-definition.js';

/**
 * The path for triage's result: classify's answer when it names a path, else `fallback`. A resumed run
 * asks again from the stored triage output, so `classify` should be a pure function of it (as
 * Temporal asks of workflow code): the same output then gives the same path in any process.
 * @internal
 */
export function choosePath(workflow: TriageWorkflowDefinition, triage: AgentRunResult): string {
  if (triage.status !== 'succeeded') return workflow.fallback;
  let name: unknown;
  try {
    name = workflow.classify(triage.output);
  } catch {
    // A classifier that throws must not cost the user an answer: fallback exists for this.
    return workflow.fallback;
  }
  return typeof name === 'string' && Object.hasOwn(workflow.paths, name) ? name : workflow.fallback;
}
