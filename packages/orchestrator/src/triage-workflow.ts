import { defineWorkflow } from './define-workflow.js';
import type { TriageWorkflowDefinition } from './workflow-definition.js';

/**
 * Reads `dataSufficiency` from the triage agent's output. Anything that is not a string (a missing
 * field, a number, a non-object output) selects the fallback path, like an unknown name does.
 */
function classifyByDataSufficiency(triageOutput: unknown): string | undefined {
  if (typeof triageOutput !== 'object' || triageOutput === null) return undefined;
  const value = (triageOutput as { dataSufficiency?: unknown }).dataSufficiency;
  return typeof value === 'string' ? value : undefined;
}

/**
 * Baton's default workflow (`id: 'triage-workflow'`). The `triage` agent runs first; its output's
 * `dataSufficiency` picks the path; `reporting` is the `finally` stage, so it runs after every path,
 * also after a failure, and gets `failedStages`:
 *
 * | path | stages of the run |
 * |---|---|
 * | `sufficient` | triage → data → optimization → actions → reporting |
 * | `partial` | triage → data_helper → data → reporting |
 * | `insufficient` | triage → data_helper → reporting |
 * | `fallback` (unknown value, or triage failed) | triage → data_helper → reporting |
 *
 * Every stage runs after the one before it. Use `classifyDataSufficiency(completeness)` in the triage
 * agent to turn a completeness ratio into `dataSufficiency`.
 */
export const triageWorkflow: TriageWorkflowDefinition = defineWorkflow({
  id: 'triage-workflow',
  triage: 'triage',
  classify: classifyByDataSufficiency,
  paths: {
    sufficient: [{ agent: 'data' }, { agent: 'optimization' }, { agent: 'actions' }],
    partial: [{ agent: 'data_helper' }, { agent: 'data' }],
    insufficient: [{ agent: 'data_helper' }],
    fallback: [{ agent: 'data_helper' }],
  },
  fallback: 'fallback',
  finally: 'reporting',
});
