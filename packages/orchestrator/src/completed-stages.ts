import type { AgentRunResult } from '@baton/engine-contract';
import { choosePath } from './choose-path.js';
import { type ExecutionPlan, planOf } from './execution-plan.js';
import { isLinearWorkflow, LINEAR_WORKFLOW_PATH, type WorkflowDefinition } from './workflow-definition.js';

/**
 * `completedStages` of `workflow_resumed`: the stages whose stored result succeeded, in plan order
 * (triage first, `finally` last). The plan of a triage-form run comes from its stored triage result,
 * as the resumed run will compute it.
 * @internal
 */
export function completedStagesOf(workflow: WorkflowDefinition, prior: ReadonlyMap<string, AgentRunResult>): string[] {
  const succeeded = (name: string): boolean => prior.get(name)?.status === 'succeeded';
  const completed: string[] = [];
  let plan: ExecutionPlan | undefined;
  if (isLinearWorkflow(workflow)) plan = planOf(workflow, LINEAR_WORKFLOW_PATH);
  else {
    const triage = prior.get(workflow.triage);
    if (triage === undefined) return completed;
    if (triage.status === 'succeeded') completed.push(workflow.triage);
    plan = planOf(workflow, choosePath(workflow, triage));
  }
  for (const name of plan.names) if (succeeded(name)) completed.push(name);
  if (plan.finallyStage !== undefined && succeeded(plan.finallyStage)) completed.push(plan.finallyStage);
  return completed;
}
