import type { AgentRunResult, WorkflowStatus } from '@baton/engine-contract';
import { type ExecutionPlan, planOf } from './execution-plan.js';
import { StageRunner, type WorkflowEnginePort } from './stage-runner.js';
import { isLinearWorkflow, LINEAR_WORKFLOW_PATH, type TriageWorkflowDefinition, type WorkflowDefinition } from './workflow-definition.js';
import type { WorkflowResult } from './workflow-result.js';

/** What one run needs: the engine port, the definition, the request and the clock. @internal */
export interface RunWorkflowOptions {
  engine: WorkflowEnginePort;
  workflow: WorkflowDefinition;
  input: unknown;
  signal?: AbortSignal | undefined;
  now: () => number;
  workflowId: string;
}

/** The path for triage's result: classify's answer when it names a path, else `fallback`. */
function choosePath(workflow: TriageWorkflowDefinition, triage: AgentRunResult): string {
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

function elapsed(now: () => number, startedAt: number): number {
  const duration = now() - startedAt;
  return Number.isFinite(duration) ? Math.max(0, duration) : 0;
}

/** The plan of a triage-form run, once triage has chosen the path; `undefined` if the run ended first. */
async function planAfterTriage(runner: StageRunner, workflow: TriageWorkflowDefinition): Promise<ExecutionPlan | undefined> {
  const triage = await runner.runHead(workflow.triage);
  if (triage === undefined || runner.cancelled) return undefined;
  return planOf(workflow, choosePath(workflow, triage));
}

/**
 * Runs one workflow on an engine (the engine is already validated and the isolation check passed).
 *
 * - `workflow_started` first, `workflow_completed` last; `workflow_planned` once the plan is known
 *   (at once for a linear workflow, after triage for the triage form).
 * - Triage runs first; a failed or timed-out triage selects `fallback`; a cancelled one ends the run.
 * - Stages start as soon as their dependencies allow; after a failed or timed-out stage that is not
 *   `continueOnError`, no new stage starts (independent branches included, so that a failure stops
 *   the work as early as possible); running stages finish; then `finally` runs.
 * - On cancellation nothing new starts, `finally` included; running stages get the aborted signal.
 * - When `executeAgent` throws (a contract violation: unknown agent, disposed engine, full queue),
 *   running stages are aborted and awaited, `workflow_completed` is emitted with status `failed`
 *   (so the run's event stream still ends), and the typed error is rethrown.
 * - `stages` of the result is in plan order; `output` is the plan's last stage's (`finally` where
 *   there is one) when it succeeded.
 * @internal
 */
export async function runWorkflow(options: RunWorkflowOptions): Promise<WorkflowResult> {
  const { engine, workflow, input, signal, now, workflowId } = options;
  const startedAt = now();
  const runner = new StageRunner(engine, input, signal);
  let plan: ExecutionPlan | undefined;
  try {
    engine.emitWorkflowEvent({ type: 'workflow_started', executionId: workflowId, workflowId, workflowName: workflow.id });
    try {
      // A linear workflow's plan is known at once: no await, no promise of our own.
      plan = isLinearWorkflow(workflow) ? planOf(workflow, LINEAR_WORKFLOW_PATH) : await planAfterTriage(runner, workflow);
      if (plan !== undefined) {
        engine.emitWorkflowEvent({
          type: 'workflow_planned',
          executionId: workflowId,
          workflowId,
          path: plan.path,
          stages: plan.plannedStages.slice(),
        });
        await runner.runPath(plan);
        if (plan.finallyStage !== undefined) await runner.runFinally(plan);
      }
    } catch (error) {
      // Only our own emit can throw here (the runner records the engine's throws): same handling.
      runner.fail(error);
    }
    const { thrown } = runner;
    const status: WorkflowStatus =
      thrown !== undefined || (!runner.cancelled && runner.failedCount > 0) ? 'failed' : runner.cancelled ? 'cancelled' : 'succeeded';
    const durationMs = elapsed(now, startedAt);
    const path = plan?.path ?? '';
    const { called, succeeded } = runner.counts;
    const completed = {
      type: 'workflow_completed' as const,
      executionId: workflowId,
      workflowId,
      path,
      status,
      durationMs,
      succeededStages: succeeded,
      totalStages: called,
    };
    if (thrown !== undefined) {
      try {
        engine.emitWorkflowEvent(completed);
      } catch {
        // The engine is likely unusable (disposed); the original error is the one worth reporting.
      }
      throw thrown.error;
    }
    engine.emitWorkflowEvent(completed);
    const stages = Object.freeze(runner.stages());
    return Object.freeze({ workflowId, workflowName: workflow.id, status, path, stages, output: runner.output(), durationMs });
  } finally {
    runner.release();
  }
}
