import type { AgentRunResult, UserExecutionEngine, WorkflowStatus } from '@baton/engine-contract';
import type { StageInput } from './stage-input.js';
import { type PlannedStage, planPath } from './stage-plan.js';
import { type StageState, readyStages, transitiveDependencies } from './stage-scheduler.js';
import type { StageSpec, WorkflowDefinition } from './workflow-definition.js';
import type { WorkflowResult } from './workflow-result.js';

/** The part of an engine a workflow run uses. @internal */
export type WorkflowEnginePort = Pick<UserExecutionEngine, 'executeAgent' | 'emitWorkflowEvent'>;

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
function choosePath(workflow: WorkflowDefinition, triage: AgentRunResult): string {
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

/**
 * Runs one workflow on an engine (the engine is already validated and the isolation check passed).
 *
 * - `workflow_started` first, `workflow_completed` last; `workflow_planned` once the path is known.
 * - Triage runs first; a failed or timed-out triage selects `fallback`; a cancelled one ends the run.
 * - Path stages start as soon as their dependencies allow. After a failed or timed-out stage that is
 *   not `continueOnError`, no new path stage starts (independent branches included, so that a failure
 *   stops the work as early as possible); running stages finish; then `finally` runs.
 * - On cancellation nothing new starts, `finally` included; running stages get the aborted signal.
 * - When `executeAgent` throws (a contract violation: unknown agent, disposed engine, full queue),
 *   running stages are aborted and awaited, `workflow_completed` is emitted with status `failed`
 *   (so the run's event stream still ends), and the typed error is rethrown.
 * @internal
 */
export async function runWorkflow(options: RunWorkflowOptions): Promise<WorkflowResult> {
  const { engine, workflow, input, signal, now, workflowId } = options;
  const startedAt = now();
  // Our own controller: aborted by the caller's signal, and by us when a contract violation ends the run.
  const controller = new AbortController();
  const forwardAbort = (): void => controller.abort(signal?.reason);
  if (signal?.aborted) controller.abort(signal.reason);
  else signal?.addEventListener('abort', forwardAbort, { once: true });

  const stages: AgentRunResult[] = [];
  const outputs = new Map<string, unknown>();
  const failedStages: string[] = [];
  let cancelled = false;
  let thrown: { error: unknown } | undefined;
  let path = '';

  const call = (agent: string, stageInput: StageInput): Promise<AgentRunResult> => {
    try {
      return Promise.resolve(engine.executeAgent({ agentName: agent, input: stageInput, stage: agent }, { signal: controller.signal }));
    } catch (error) {
      // A synchronous throw is the same contract violation as a rejection.
      return Promise.reject(error);
    }
  };
  const record = (agent: string, result: AgentRunResult): void => {
    stages.push(result);
    if (result.status === 'succeeded') outputs.set(agent, result.output);
    else if (result.status === 'failed' || result.status === 'timed_out') failedStages.push(agent);
    else cancelled = true;
  };
  const fail = (error: unknown): void => {
    thrown ??= { error };
    controller.abort(error);
  };

  const runPath = (plan: readonly PlannedStage[]): Promise<void> =>
    new Promise<void>((resolve) => {
      const states = new Map<string, StageState>(plan.map((stage) => [stage.agent, 'pending']));
      let running = 0;
      let halted = false;
      const start = (stage: PlannedStage): void => {
        states.set(stage.agent, 'running');
        running += 1;
        const dependencies = transitiveDependencies(plan, stage.agent);
        const previous = Object.fromEntries([...outputs].filter(([name]) => name === workflow.triage || dependencies.has(name)));
        call(stage.agent, { request: input, previous })
          .then(
            (result) => {
              record(stage.agent, result);
              states.set(stage.agent, result.status);
              if ((result.status === 'failed' || result.status === 'timed_out') && !stage.continueOnError) halted = true;
            },
            (error: unknown) => {
              states.set(stage.agent, 'failed');
              fail(error);
            },
          )
          .then(() => {
            running -= 1;
            pump();
          });
      };
      const pump = (): void => {
        if (!halted && !cancelled && thrown === undefined) {
          const ready = readyStages(plan, states);
          if (ready.length > 0 && controller.signal.aborted) cancelled = true;
          else for (const stage of ready) start(stage);
        }
        if (running === 0) resolve();
      };
      pump();
    });

  const execute = async (): Promise<void> => {
    if (controller.signal.aborted) {
      cancelled = true;
      return;
    }
    const triage = await call(workflow.triage, { request: input, previous: {} });
    record(workflow.triage, triage);
    if (cancelled) return;
    path = choosePath(workflow, triage);
    const plan = planPath(path, workflow.paths[path] as readonly StageSpec[]);
    const finallyStage = workflow.finally;
    engine.emitWorkflowEvent({
      type: 'workflow_planned',
      executionId: workflowId,
      workflowId,
      path,
      stages: [workflow.triage, ...plan.map((stage) => stage.agent), ...(finallyStage === undefined ? [] : [finallyStage])],
    });
    await runPath(plan);
    if (cancelled || thrown !== undefined || finallyStage === undefined) return;
    if (controller.signal.aborted) {
      cancelled = true;
      return;
    }
    const result = await call(finallyStage, { request: input, previous: Object.fromEntries(outputs), failedStages: [...failedStages] });
    record(finallyStage, result);
  };

  try {
    engine.emitWorkflowEvent({ type: 'workflow_started', executionId: workflowId, workflowId, workflowName: workflow.id });
    try {
      await execute();
    } catch (error) {
      fail(error);
    }
    const status: WorkflowStatus = thrown !== undefined || (!cancelled && failedStages.length > 0) ? 'failed' : cancelled ? 'cancelled' : 'succeeded';
    const durationMs = elapsed(now, startedAt);
    const completed = {
      type: 'workflow_completed' as const,
      executionId: workflowId,
      workflowId,
      path,
      status,
      durationMs,
      succeededStages: stages.filter((stage) => stage.status === 'succeeded').length,
      totalStages: stages.length,
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
    return Object.freeze({ workflowId, workflowName: workflow.id, status, path, stages: Object.freeze(stages), durationMs });
  } finally {
    signal?.removeEventListener('abort', forwardAbort);
  }
}
