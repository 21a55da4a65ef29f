import { RunInterruptedError, RunNotResumableError, type RunStore, type UserExecutionEngine } from '@baton/engine-contract';
import { type WorkflowDefinition, WorkflowOrchestrator, type WorkflowResult } from '@baton/orchestrator';
import type { EventDelivery } from './event-delivery.js';
import type { RunEndFrame } from './protocol.js';
import { resultFrame } from './run-end-frame.js';
import type { RunRegistry } from './run-registry.js';

/** What running a workflow on an engine in this process (memory mode) needs from the server. */
export interface RunExecutionDependencies {
  /** How events and results reach the user's sockets (memory hub, or Redis streams). */
  events: EventDelivery;
  /** This instance's runs in progress. */
  runs: RunRegistry;
  /** Where every run is recorded (history, and resume after a restart). */
  store: RunStore;
  /** The workflow every run and resume of this server executes (`createDemoWorkflow`). */
  workflow: WorkflowDefinition;
  /** The orchestrator's clock (epoch ms): when a suspension expires, and whether it has. */
  now: () => number;
  /** Told about every run that suspended for a decision, so that its timeout is enforced. Never rejects. */
  approvals?: { watch(workflowId: string): Promise<void> } | undefined;
  log: { error(details: object, message: string): void; warn(details: object, message: string): void };
}

/** One run to execute on an engine that was just created for it. */
export interface RunExecution {
  /** The run's own engine (its user context carries the run's userId, threadId and runId); disposed at the end. */
  engine: UserExecutionEngine;
  /** The public id of the session whose logout cancels the run; `''` for none. */
  sessionId: string;
  /** Starts the orchestrator: `run` for an ask, `resume` for an interrupted run or a decision. */
  start(orchestrator: WorkflowOrchestrator, signal: AbortSignal): Promise<WorkflowResult>;
  /** Called once the run is registered (cancellable) and before it emits anything. */
  onRegistered?(): void;
  /**
   * Called when the orchestrator threw something other than an interruption (already logged): e.g.
   * `RunNotResumableError` when another decision or resume of the run came first.
   */
  onError?(error: unknown): void;
}

/**
 * Runs one workflow end to end on its engine (memory mode; in Redis mode the worker tier runs them):
 * registers it (cancel, logout and shutdown find it), marks where its events begin (for the history's replay cursor),
 * streams the engine's events to the user's sockets while the orchestrator runs it with the shared
 * store, disposes the engine (freeing the user's slot before the client hears the run is over), then
 * sends `result`, or `interrupted` when a shutdown stopped it (the store then holds it `interrupted`). A run that suspended for a
 * decision ends here too: its `result` has `status: 'suspended'`, it holds no engine while it waits,
 * and `approvals` is told (its timeout). Resolves when all of that is done; never rejects.
 */
export async function executeRun(dependencies: RunExecutionDependencies, execution: RunExecution): Promise<void> {
  const { events, runs, store, log } = dependencies;
  const { engine } = execution;
  const { userId, runId } = engine.userContext;
  const controller = new AbortController();
  let finish!: () => void;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  runs.add({ runId, userId, sessionId: execution.sessionId, controller, done });
  let end: RunEndFrame | undefined;
  let stopFollowing: (() => void) | undefined;
  let stopWatching: (() => void) | undefined;
  try {
    // Before anything is emitted: a reload replays the run from its first event.
    await events.markRunStart(userId, runId);
    execution.onRegistered?.();
    stopFollowing = events.followRun(engine, () => {
      log.error({ runId, engineId: engine.engineId }, 'dropped an event whose userId differs from its engine user');
    });
    // `run()` rejects without the workflowId when it is interrupted; its first event carries it.
    let workflowId: string | undefined;
    stopWatching = engine.subscribe((event) => {
      if (event.type === 'workflow_started' || event.type === 'workflow_resumed') workflowId ??= event.workflowId;
    });
    try {
      const orchestrator = new WorkflowOrchestrator({ engine, store, workflow: dependencies.workflow, now: dependencies.now });
      const outcome = await execution.start(orchestrator, controller.signal);
      end = resultFrame(runId, { ...outcome, stages: [...outcome.stages] });
      if (outcome.status === 'suspended') await dependencies.approvals?.watch(outcome.workflowId);
    } catch (error) {
      if (RunInterruptedError.isInstance(error) && workflowId !== undefined) {
        end = { type: 'interrupted', runId, workflowId };
      } else {
        // A decision or timeout that lost the race for a run is expected; anything else is not.
        if (RunNotResumableError.isInstance(error)) log.warn({ err: error, runId }, 'the run was not resumed');
        else log.error({ err: error, runId }, 'workflow run threw');
        execution.onError?.(error);
      }
    }
  } finally {
    stopWatching?.();
    try {
      await engine.dispose();
    } catch (error) {
      log.warn({ err: error, runId }, 'engine dispose failed');
    }
    stopFollowing?.();
    await events.finishRun(userId, runId, end);
    finish();
  }
}
