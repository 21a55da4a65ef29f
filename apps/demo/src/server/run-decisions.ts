import { FactoryShutdownError, RunNotResumableError, type RunRecord, TransportError, UserLimitExceededError } from '@baton/engine-contract';
import type { EngineFactory } from '@baton/engine-factory';
import type { ApprovalDecision } from '@baton/orchestrator';
import { NOT_SUSPENDED_MESSAGE, readDecidableRun, STORE_AWAY_MESSAGE } from './decidable-run.js';
import type { DemoErrorCode, ServerFrame } from './protocol.js';
import { createEngineForRecord, type RecordEngine } from './record-engine.js';
import { executeRun, type RunExecutionDependencies } from './run-execution.js';
import type { Session } from './session-store.js';

// Decisions on runs waiting for approval, and their timeouts: both resume the suspended run on a
// fresh engine through `executeRun`, like an ask. One entry point per cause, so that the Redis mode
// can later hand decisions to a queue instead of resuming them in this process.

/** What deciding (or expiring) a suspended run needs from the server. */
export interface RunDecisionDependencies extends RunExecutionDependencies {
  factory: EngineFactory;
  /**
   * The workflowIds this instance is resuming for a decision or a timeout right now. A second
   * decision for one of them is refused at once; across instances the store's compare-and-set decides.
   */
  resuming: Set<string>;
}

/** One `decide` frame, already validated. */
export interface DecisionRequest {
  session: Session;
  /** The deciding socket's id (in the execution context, for tracing). */
  connectionId: string;
  workflowId: string;
  decision: ApprovalDecision;
  /** Sends a frame to the deciding socket only (errors about this decision). */
  reply: (frame: ServerFrame) => void;
}

/** What came of resuming a run whose approval may have expired. */
export type ExpiryOutcome =
  /** The timeout resume started, or there is nothing left to do (decided, finished, unknown, no expiry). */
  | { readonly kind: 'done' }
  /** Not expired yet on this clock: try again at `expiresAt`. */
  | { readonly kind: 'later'; readonly expiresAt: number }
  /** Could not start now (the user's limit is full, the store or Redis is away): try again later. */
  | { readonly kind: 'retry' };

/**
 * Applies a user's decision (`decide` frame): the run must be theirs (an unknown and a foreign
 * workflowId get the same `UNKNOWN_RUN`, revealing nothing) and suspended (`NOT_SUSPENDED` otherwise,
 * also for a decision that loses the race against another one or the timeout). Then the run resumes
 * with the decision on a fresh engine for the record's userId, threadId and runId (the card's runId
 * stays the same), through `executeRun`: events to every socket of the user, cancel, shutdown and
 * `result` work as for an ask. Resolves once the resumed run is over; never rejects.
 */
export async function decideRun(dependencies: RunDecisionDependencies, request: DecisionRequest): Promise<void> {
  const { store, runs, resuming, log } = dependencies;
  const { session, workflowId, reply } = request;
  const fail = (code: DemoErrorCode, message: string) => reply({ type: 'error', code, message, workflowId });
  const record = await readDecidableRun(store, session, workflowId, fail, log);
  if (record === undefined) return;
  if (resuming.has(workflowId)) return fail('NOT_SUSPENDED', NOT_SUSPENDED_MESSAGE);
  resuming.add(workflowId);
  try {
    // The run that suspended may still be finishing here: its `result` goes out before the resumed run's events.
    await runs.settled(record.runId);
    let created: RecordEngine;
    try {
      created = await createEngineForRecord(dependencies.factory, record, request.connectionId);
    } catch (error) {
      const [code, message] = engineRefusal(error);
      if (code === 'INTERNAL_ERROR' || code === 'TRANSPORT_ERROR') log.warn({ err: error, workflowId }, 'no engine for a decision');
      return fail(code, message);
    }
    const { decision } = request;
    await executeRun(dependencies, {
      ...created,
      start: (orchestrator, signal) => orchestrator.resume(workflowId, { decision, signal }),
      onError: (error) =>
        RunNotResumableError.isInstance(error)
          ? fail('NOT_SUSPENDED', NOT_SUSPENDED_MESSAGE)
          : fail('INTERNAL_ERROR', 'The run failed unexpectedly after the decision.'),
    });
  } finally {
    resuming.delete(workflowId);
  }
}

/**
 * Resumes a suspended run without a decision once its approval has expired: the orchestrator then
 * fails the gated stage with `APPROVAL_TIMEOUT` and the workflow goes on (`reporting` answers). The
 * run is started in the background through `executeRun`; a decision that came first wins the store's
 * compare-and-set and this resume is dropped. Never rejects.
 */
export async function expireRun(dependencies: RunDecisionDependencies, workflowId: string): Promise<ExpiryOutcome> {
  const { store, resuming, now, log } = dependencies;
  let record: RunRecord | null;
  try {
    record = await store.get(workflowId);
  } catch (error) {
    log.warn({ err: error, workflowId }, 'could not read a run whose approval may have expired; trying again later');
    return { kind: 'retry' };
  }
  const expiresAt = record?.suspension?.expiresAt;
  if (record === null || record.status !== 'suspended' || expiresAt === undefined || resuming.has(workflowId)) return { kind: 'done' };
  if (now() < expiresAt) return { kind: 'later', expiresAt };
  // Claimed before the first await: a decision arriving here meanwhile is refused at once.
  resuming.add(workflowId);
  let created: RecordEngine;
  try {
    await dependencies.runs.settled(record.runId);
    created = await createEngineForRecord(dependencies.factory, record);
  } catch (error) {
    resuming.delete(workflowId);
    if (FactoryShutdownError.isInstance(error)) return { kind: 'done' };
    log.warn({ err: error, workflowId }, 'could not time out an expired approval now (no engine); trying again later');
    return { kind: 'retry' };
  }
  void executeRun(dependencies, {
    ...created,
    start: (orchestrator, signal) => orchestrator.resume(workflowId, { signal }),
  }).finally(() => resuming.delete(workflowId));
  return { kind: 'done' };
}

/** The error frame for an engine the factory would not create. */
function engineRefusal(error: unknown): [DemoErrorCode, string] {
  if (UserLimitExceededError.isInstance(error)) {
    return [
      'USER_LIMIT_EXCEEDED',
      `You already have ${error.limit} runs in progress; wait for one to finish (or cancel one), then decide again.`,
    ];
  }
  if (FactoryShutdownError.isInstance(error)) return ['SHUTTING_DOWN', 'The server is shutting down.'];
  if (TransportError.isInstance(error)) {
    return ['TRANSPORT_ERROR', `The decision could not be applied: ${STORE_AWAY_MESSAGE}`];
  }
  return ['INTERNAL_ERROR', 'The decision could not be applied.'];
}
