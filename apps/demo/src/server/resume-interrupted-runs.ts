import { FINAL_RUN_STATUSES } from '@baton/engine-contract';
import type { EngineFactory } from '@baton/engine-factory';
import type { InterruptedRunLog } from './interrupted-run-log.js';
import { createEngineForRecord, type RecordEngine } from './record-engine.js';
import { executeRun, type RunExecutionDependencies } from './run-execution.js';

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
    let created: RecordEngine;
    try {
      const record = await store.get(workflowId);
      // A suspended run waits for its decision (or its timeout), not for this instance.
      if (record === null || FINAL_RUN_STATUSES.has(record.status) || record.status === 'suspended') continue;
      created = await createEngineForRecord(factory, record);
    } catch (error) {
      log.warn({ err: error, workflowId }, 'could not resume an interrupted run now; trying again at the next start');
      await interruptions.add(workflowId);
      continue;
    }
    started++;
    // Runs on in the background, like an ask; shutdown interrupts it again (and notes it again).
    void executeRun(dependencies, {
      ...created,
      start: (orchestrator, signal) => orchestrator.resume(workflowId, { signal }),
    });
  }
  return started;
}
