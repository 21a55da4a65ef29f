import { createUserExecutionContext, FINAL_RUN_STATUSES, type UserExecutionEngine } from '@baton/engine-contract';
import type { EngineFactory } from '@baton/engine-factory';
import type { InterruptedRunLog } from './interrupted-run-log.js';
import { executeRun, type RunExecutionDependencies } from './run-execution.js';
import { sessionIdOfThread } from './session-thread.js';

/** What resuming this instance's interrupted runs needs. */
export interface ResumeDependencies extends RunExecutionDependencies {
  factory: EngineFactory;
  interruptions: InterruptedRunLog;
}

/**
 * Redis mode, at start: resumes the runs this instance interrupted at its last shutdown. For each
 * noted workflowId whose record is still `interrupted` (or `running`: marking it failed at shutdown), it
 * rebuilds the run's user execution context from the record (userId, threadId, runId: the resumed
 * run's events carry the original runId, so the user's cards continue), gets an engine from the
 * factory and calls `orchestrator.resume(workflowId)` through `executeRun`; the events reach the
 * user's sockets on every instance through the Redis event bus, like any run's. A run that cannot get
 * an engine now (the user's limit is full, Redis is away) is noted again for the next start; a
 * finished or unknown one is dropped. Resolves once every run was started (they then run on);
 * returns the number started.
 */
export async function resumeInterruptedRuns(dependencies: ResumeDependencies): Promise<number> {
  const { factory, interruptions, store, log } = dependencies;
  let workflowIds: string[];
  try {
    workflowIds = await interruptions.takeAll();
  } catch (error) {
    log.warn({ err: error }, 'could not read the runs to resume; they stay interrupted');
    return 0;
  }
  let started = 0;
  for (const workflowId of workflowIds) {
    let engine: UserExecutionEngine;
    let sessionId: string;
    try {
      const record = await store.get(workflowId);
      if (record === null || FINAL_RUN_STATUSES.has(record.status) || record.status === 'suspended') continue;
      sessionId = sessionIdOfThread(record.threadId);
      const context = createUserExecutionContext({
        userId: record.userId,
        threadId: record.threadId,
        runId: record.runId,
        ...(sessionId === '' ? {} : { sessionId }),
      });
      engine = await factory.createEngine(context);
    } catch (error) {
      log.warn({ err: error, workflowId }, 'could not resume an interrupted run now; trying again at the next start');
      await interruptions.add(workflowId);
      continue;
    }
    started++;
    // Runs on in the background, like an ask; shutdown interrupts it again (and notes it again).
    void executeRun(dependencies, {
      engine,
      sessionId,
      start: (orchestrator, signal) => orchestrator.resume(workflowId, { signal }),
    });
  }
  return started;
}
