import type { WorkflowStatus } from '@baton/engine-contract';
import { type PendingSuspension, suspensionOf } from './approval-gate.js';
import { choosePath } from './choose-path.js';
import { completedStagesOf } from './completed-stages.js';
import { type ExecutionPlan, planOf } from './execution-plan.js';
import { isInterruption, type RunJournal } from './run-journal.js';
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
  /** With a store: what the run records, and (resumed) the stages it reuses. */
  journal?: RunJournal | undefined;
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

/** Records the suspension, then emits `workflow_suspended` (the run's last event for now); `{ error }` when the store refused. */
async function suspend(
  engine: WorkflowEnginePort,
  journal: RunJournal,
  pending: PendingSuspension,
  workflowId: string,
  now: () => number,
): Promise<true | { error: unknown }> {
  try {
    await journal.suspend(suspensionOf(pending, now()));
  } catch (error) {
    return { error };
  }
  engine.emitWorkflowEvent({
    type: 'workflow_suspended',
    executionId: workflowId,
    workflowId,
    stage: pending.stage,
    prompt: pending.prompt,
  });
  return true;
}

/** How a run that was not interrupted ended. */
function statusOf(runner: StageRunner): WorkflowStatus {
  if (runner.thrown !== undefined || (!runner.cancelled && runner.failedCount > 0)) return 'failed';
  return runner.cancelled ? 'cancelled' : 'succeeded';
}

/**
 * Runs one workflow on an engine (the engine is already validated and the isolation check passed).
 *
 * - `workflow_started` first (`workflow_resumed` for a resumed run), `workflow_completed` last;
 *   `workflow_planned` once the plan is known (at once for a linear workflow, after triage for the
 *   triage form).
 * - Triage runs first; a failed or timed-out triage selects `fallback`; a cancelled one ends the run.
 * - Stages start as soon as their dependencies allow; after a failed or timed-out stage that is not
 *   `continueOnError`, no new stage starts (independent branches included, so that a failure stops
 *   the work as early as possible); running stages finish; then `finally` runs.
 * - On cancellation nothing new starts, `finally` included; running stages get the aborted signal.
 * - When `executeAgent` throws (a contract violation: unknown agent, disposed engine, full queue),
 *   running stages are aborted and awaited, `workflow_completed` is emitted with status `failed`
 *   (so the run's event stream still ends), and the typed error is rethrown.
 * - A stage with an approval gate and no decision suspends the run (see `StageRunner`): the suspension
 *   is recorded, `workflow_suspended` is the last event (no `finally`, no `workflow_completed`), and
 *   the result has `status: 'suspended'` and `suspendedAt`.
 * - With a journal (a store): each stage's result is saved as it finishes, the end is recorded before
 *   `workflow_completed`; a store that throws fails the run as a contract violation does. A run whose
 *   signal was aborted with a `RunInterruptedError` is recorded `interrupted`, emits no
 *   `workflow_completed`, and rejects with that error.
 * - `stages` of the result is in plan order; `output` is the plan's last stage's (`finally` where
 *   there is one) when it succeeded.
 * @internal
 */
export async function runWorkflow(options: RunWorkflowOptions): Promise<WorkflowResult> {
  const { engine, workflow, input, signal, now, workflowId, journal } = options;
  const startedAt = now();
  const runner = new StageRunner(engine, input, signal, journal);
  let plan: ExecutionPlan | undefined;
  try {
    engine.emitWorkflowEvent(
      journal?.resumed === true
        ? { type: 'workflow_resumed', executionId: workflowId, workflowId, completedStages: completedStagesOf(workflow, journal.prior) }
        : { type: 'workflow_started', executionId: workflowId, workflowId, workflowName: workflow.id },
    );
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
        if (plan.finallyStage !== undefined && runner.suspension === undefined) await runner.runFinally(plan);
      }
    } catch (error) {
      // Only our own emit can throw here (the runner records the engine's throws): same handling.
      runner.fail(error);
    }
    if (journal !== undefined && runner.thrown === undefined && runner.cancelled && isInterruption(signal)) {
      await journal.interrupt().catch(() => {
        // Left `running`, the record is still resumable: `resume` accepts both.
      });
      throw (signal as AbortSignal).reason;
    }
    const pending = runner.suspension;
    if (journal !== undefined && pending !== undefined) {
      const suspended = await suspend(engine, journal, pending, workflowId, now);
      if (suspended === true) {
        const stages = Object.freeze(runner.stages());
        const durationMs = elapsed(now, startedAt);
        return Object.freeze({
          workflowId,
          workflowName: workflow.id,
          status: 'suspended' as const,
          suspendedAt: pending.stage,
          path: plan?.path ?? '',
          stages,
          output: undefined,
          durationMs,
        });
      }
      runner.fail(suspended.error);
    }
    const durationMs = elapsed(now, startedAt);
    const path = plan?.path ?? '';
    const output = runner.output();
    if (journal !== undefined) {
      try {
        await journal.complete({ status: statusOf(runner), path, output, durationMs });
      } catch (error) {
        runner.fail(error);
      }
    }
    const { thrown } = runner;
    const status = statusOf(runner);
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
    return Object.freeze({ workflowId, workflowName: workflow.id, status, path, stages, output, durationMs });
  } finally {
    runner.release();
  }
}
