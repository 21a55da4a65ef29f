import { randomUUID } from 'node:crypto';
import {
  createUserExecutionContext,
  FactoryShutdownError,
  TransportError,
  type UserExecutionEngine,
  UserLimitExceededError,
} from '@baton/engine-contract';
import type { EngineFactory } from '@baton/engine-factory';
import { WorkflowOrchestrator } from '@baton/orchestrator';
import type { EventDelivery } from './event-delivery.js';
import type { DemoErrorCode, ServerFrame, WireWorkflowResult } from './protocol.js';
import type { ClusterLink } from './redis-backend.js';
import type { RunRegistry } from './run-registry.js';
import type { Session } from './session-store.js';

/** What one ask needs from the server. */
export interface AskRunnerDependencies {
  factory: EngineFactory;
  /** How events and results reach the user's sockets (memory hub, or Redis streams). */
  events: EventDelivery;
  /** This instance's runs in progress. */
  runs: RunRegistry;
  /** Redis mode only: lets other instances find this instance's runs (to cancel them). */
  cluster?: ClusterLink | undefined;
  /** Threads are per session: one conversation per login. */
  threadIdOf: (session: Session) => string;
  log: { error(details: object, message: string): void; warn(details: object, message: string): void };
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
}

function errorFrame(code: DemoErrorCode, message: string, clientRequestId: string | undefined): ServerFrame {
  return { type: 'error', code, message, ...(clientRequestId === undefined ? {} : { clientRequestId }) };
}

/**
 * Runs one ask end to end: a fresh user execution context and engine for this run (so every event
 * carries this run's ids), `accepted` on the asking socket before any event, the user's events to all
 * of the user's sockets while the orchestrator runs, then the engine is disposed (freeing the user's
 * slot before the client hears the run is over) and `result` goes out (in Redis mode: to the user's
 * sockets on this instance, after the run's events came back from Redis; sockets on other instances
 * finish the run from its `workflow_completed` event). Resolves when all of that is done.
 */
export async function runAsk(dependencies: AskRunnerDependencies, request: AskRequest): Promise<void> {
  const { factory, events, runs, cluster, log } = dependencies;
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
    } else if (TransportError.isInstance(error)) {
      // Redis mode: admission (the per-user limit across instances) needs Redis; no run without it.
      log.warn({ err: error, userId: session.userId }, 'admission failed: Redis unreachable');
      reply(
        errorFrame(
          'TRANSPORT_ERROR',
          'The run could not be started: the shared store is temporarily unavailable. Please try again shortly.',
          clientRequestId,
        ),
      );
    } else {
      log.error({ err: error, userId: session.userId }, 'could not create an engine');
      reply(errorFrame('INTERNAL_ERROR', 'The run could not be started.', clientRequestId));
    }
    return;
  }

  const controller = new AbortController();
  let finish!: () => void;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  runs.add({ runId, userId: session.userId, sessionId: session.sessionId, controller, done });
  // Registered before `accepted`, so a cancel sent to another instance right after it finds the run.
  if (cluster) await cluster.runStarted(runId, session.userId);
  // `accepted` goes out before the engine has emitted anything: nothing is subscribed or running yet.
  reply({ type: 'accepted', runId, ...(clientRequestId === undefined ? {} : { clientRequestId }) });
  const stopFollowing = events.followRun(engine, () => {
    log.error({ runId, engineId: engine.engineId }, 'dropped an event whose userId differs from its engine user');
  });

  let result: WireWorkflowResult | undefined;
  try {
    const orchestrator = new WorkflowOrchestrator({ engine });
    const outcome = await orchestrator.run({ input: request.text }, { signal: controller.signal });
    result = { ...outcome, stages: [...outcome.stages] };
  } catch (error) {
    log.error({ err: error, runId }, 'workflow run threw');
    reply(errorFrame('INTERNAL_ERROR', 'The run failed unexpectedly.', clientRequestId));
  } finally {
    try {
      await engine.dispose();
    } catch (error) {
      log.warn({ err: error, runId }, 'engine dispose failed');
    }
    stopFollowing();
    cluster?.runEnded(runId);
    await events.finishRun(session.userId, runId, result ? { type: 'result', runId, result } : undefined);
    finish();
  }
}
