import { randomUUID } from 'node:crypto';
import { createUserExecutionContext, FactoryShutdownError, type UserExecutionEngine, UserLimitExceededError } from '@baton/engine-contract';
import type { EngineFactory } from '@baton/engine-factory';
import type { DemoErrorCode, ServerFrame } from './protocol.js';
import { executeRun, type RunExecutionDependencies } from './run-execution.js';
import type { Session } from './session-store.js';

/** What one ask needs from the server. */
export interface AskRunnerDependencies extends RunExecutionDependencies {
  factory: EngineFactory;
  /** Threads are per session: one conversation per login. */
  threadIdOf: (session: Session) => string;
}
/** One `ask` frame, already validated. */
export interface AskRequest {
  session: Session;
  /** The asking socket's id (in the execution context, for tracing). */
  connectionId: string;
  text: string;
  clientRequestId?: string;
  /** Sends a frame to the asking socket only (`accepted`, and errors about this ask). */
  reply: (frame: ServerFrame) => void;
  /**
   * Holds the event frames of the asking socket until the returned function is called (`accepted`
   * must come first, and a queued run may start on a worker before its enqueue has returned).
   */
  holdEvents?: () => () => void;
}

function errorFrame(code: DemoErrorCode, message: string, clientRequestId: string | undefined): ServerFrame {
  return { type: 'error', code, message, ...(clientRequestId === undefined ? {} : { clientRequestId }) };
}

/**
 * Runs one ask end to end in this process (memory mode; Redis mode queues it: `enqueueAsk`): a fresh user execution context and engine for this run (so every event
 * carries this run's ids), `accepted` on the asking socket before any event, then `executeRun`: the
 * user's events to all of the user's sockets while the orchestrator runs (recorded in the store, with
 * the question as the input), the engine disposed, and `result`, or `interrupted` at a shutdown.
 * Resolves when all of that is done. Pass its promise to `RunRegistry.track`, so that a shutdown
 * waits for an ask whose engine is still being created; such an ask gets `SHUTTING_DOWN`.
 */
export async function runAsk(dependencies: AskRunnerDependencies, request: AskRequest): Promise<void> {
  const { factory, log } = dependencies;
  const { session, clientRequestId, reply } = request;
  const runId = randomUUID();
  const userContext = createUserExecutionContext({
    userId: session.userId,
    threadId: dependencies.threadIdOf(session),
    runId,
    sessionId: session.sessionId,
    connectionId: request.connectionId,
  });

  let engine: UserExecutionEngine;
  try {
    engine = await factory.createEngine(userContext);
  } catch (error) {
    if (UserLimitExceededError.isInstance(error)) {
      reply(
        errorFrame(
          'USER_LIMIT_EXCEEDED',
          `You already have ${error.limit} runs in progress; wait for one to finish or cancel one.`,
          clientRequestId,
        ),
      );
    } else if (FactoryShutdownError.isInstance(error)) {
      reply(errorFrame('SHUTTING_DOWN', 'The server is shutting down.', clientRequestId));
    } else {
      log.error({ err: error, userId: session.userId }, 'could not create an engine');
      reply(errorFrame('INTERNAL_ERROR', 'The run could not be started.', clientRequestId));
    }
    return;
  }
  // The server began shutting down while the engine was being created: no run starts now, and the
  // ask still gets its answer (shutdown waits for it, `RunRegistry.track`).
  if (dependencies.runs.interrupting) {
    await engine.dispose().catch((error: unknown) => log.warn({ err: error, userId: session.userId }, 'engine dispose failed'));
    reply(errorFrame('SHUTTING_DOWN', 'The server is shutting down.', clientRequestId));
    return;
  }

  await executeRun(dependencies, {
    engine,
    sessionId: session.sessionId,
    // The question is the run's input, so the stored record (and the runs API) holds it.
    start: (orchestrator, signal) => orchestrator.run({ input: request.text }, { signal }),
    // `accepted` goes out before the engine has emitted anything: nothing is running yet.
    onRegistered: () => reply({ type: 'accepted', runId, ...(clientRequestId === undefined ? {} : { clientRequestId }) }),
    onError: () => reply(errorFrame('INTERNAL_ERROR', 'The run failed unexpectedly.', clientRequestId)),
  });
}
