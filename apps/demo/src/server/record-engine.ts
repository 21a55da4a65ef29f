import { createUserExecutionContext, type RunRecord, type UserExecutionEngine } from '@baton/engine-contract';
import type { EngineFactory } from '@baton/engine-factory';
import { sessionIdOfThread } from './session-thread.js';

/** An engine for a stored run, and the session whose logout cancels it. */
export interface RecordEngine {
  engine: UserExecutionEngine;
  /** The public id of the session that asked (from the record's threadId); `''` when unknown. */
  sessionId: string;
}

/**
 * Creates an engine for continuing a stored run (a resume after a restart, a decision, a timeout):
 * the execution context is rebuilt from the record's userId, threadId and runId, so the continued
 * run's events carry the original runId and the user's cards go on. `connectionId`: the socket that
 * caused it, if any (for tracing).
 * @throws what `factory.createEngine` throws (the user's limit is full, Redis is away, shutdown).
 */
export async function createEngineForRecord(factory: EngineFactory, record: RunRecord, connectionId?: string): Promise<RecordEngine> {
  const sessionId = sessionIdOfThread(record.threadId);
  const context = createUserExecutionContext({
    userId: record.userId,
    threadId: record.threadId,
    runId: record.runId,
    ...(sessionId === '' ? {} : { sessionId }),
    ...(connectionId === undefined ? {} : { connectionId }),
  });
  return { engine: await factory.createEngine(context), sessionId };
}
