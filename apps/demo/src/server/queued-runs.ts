import { randomUUID } from 'node:crypto';
import { type WorkflowQueue, workflowIdFor } from '@baton/bullmq';
import { RunNotFoundError, RunNotResumableError, type RunStore, TransportError } from '@baton/engine-contract';
import type { AskRequest } from './ask-runner.js';
import { NOT_SUSPENDED_MESSAGE, readDecidableRun, STORE_AWAY_MESSAGE, UNKNOWN_WORKFLOW_MESSAGE } from './decidable-run.js';
import type { EventDelivery } from './event-delivery.js';
import type { OpenRuns } from './open-runs.js';
import type { DemoErrorCode, ServerFrame } from './protocol.js';
import type { DecisionRequest } from './run-decisions.js';
import type { Session } from './session-store.js';

// Redis mode, web side: asks, cancels and decisions become BullMQ jobs and messages (@baton/bullmq);
// the worker tier runs them, on any instance. Nothing here executes a run.

/** What the web tier needs to hand runs to the worker tier. */
export interface QueuedRunDependencies {
  queue: Pick<WorkflowQueue, 'enqueue' | 'cancel' | 'decide'>;
  /** The per-user cap on unfinished asks, and each session's runs. */
  openRuns: OpenRuns;
  /** Where a run's events will begin (the history's replay cursor); marked before the job exists. */
  events: Pick<EventDelivery, 'markRunStart'>;
  /** The runs' records: a decision is checked against its run's owner. */
  store: Pick<RunStore, 'get'>;
  /** The workflow every ask runs (its definition's `id`, a key of the workers' `workflows`). */
  workflowName: string;
  /** Threads are per session: one conversation per login. */
  threadIdOf: (session: Session) => string;
  log: { warn(details: object, message: string): void; error(details: object, message: string): void };
}

/** One `cancel` frame, already validated. */
export interface CancelRequest {
  session: Session;
  runId: string;
  /** Sends a frame to the cancelling socket only (errors about this cancel). */
  reply: (frame: ServerFrame) => void;
}

const UNKNOWN_RUN_ID_MESSAGE = 'No run of yours has this runId (it may have finished).';

function errorFrame(code: DemoErrorCode, message: string, clientRequestId: string | undefined): ServerFrame {
  return { type: 'error', code, message, ...(clientRequestId === undefined ? {} : { clientRequestId }) };
}

/**
 * Queues one ask: checks the user's cap on unfinished asks (`USER_LIMIT_EXCEEDED` at
 * `openRuns.maxPerUser`), marks where the run's events will begin, enqueues the job
 * (`workflowIdFor(userId, runId)`), then answers `accepted`. The asking socket's events are held
 * meanwhile (a worker may start the run before `enqueue` resolves), so `accepted` still comes first.
 * A queued run starts when a worker has a slot for the user (3 running runs per user, across
 * instances). Resolves once answered; never rejects.
 */
export async function enqueueAsk(dependencies: QueuedRunDependencies, request: AskRequest): Promise<void> {
  const { openRuns, log } = dependencies;
  const { session, clientRequestId, reply } = request;
  const { userId } = session;
  const runId = randomUUID();
  const release = request.holdEvents?.();
  try {
    let admitted: boolean;
    try {
      admitted = await openRuns.admit(userId, runId, session.sessionId);
    } catch (error) {
      log.warn({ err: error, userId }, 'could not check the open asks: Redis unreachable');
      return reply(errorFrame('TRANSPORT_ERROR', `The run could not be started: ${STORE_AWAY_MESSAGE}`, clientRequestId));
    }
    if (!admitted) {
      const message = `You have ${openRuns.maxPerUser} questions waiting or running; wait for one to finish or cancel one.`;
      return reply(errorFrame('USER_LIMIT_EXCEEDED', message, clientRequestId));
    }
    try {
      await dependencies.events.markRunStart(userId, runId);
      await dependencies.queue.enqueue({
        userId,
        threadId: dependencies.threadIdOf(session),
        runId,
        workflowName: dependencies.workflowName,
        // The question is the run's input, so the stored record (and the runs API) holds it.
        input: request.text,
      });
    } catch (error) {
      await openRuns.remove(userId, runId);
      if (TransportError.isInstance(error)) {
        log.warn({ err: error, userId }, 'could not enqueue an ask: Redis unreachable');
        return reply(errorFrame('TRANSPORT_ERROR', `The run could not be started: ${STORE_AWAY_MESSAGE}`, clientRequestId));
      }
      log.error({ err: error, userId }, 'could not enqueue an ask');
      return reply(errorFrame('INTERNAL_ERROR', 'The run could not be started.', clientRequestId));
    }
    reply({ type: 'accepted', runId, ...(clientRequestId === undefined ? {} : { clientRequestId }) });
  } finally {
    release?.();
  }
}

/**
 * Cancels one of the user's runs on whichever worker runs it (or before it starts). The runId maps to
 * the user's own workflowId, so another user's runId finds no job: `UNKNOWN_RUN`, exactly as an
 * unknown one, and as a run that is over (or waiting for a decision: reject it instead).
 */
export async function cancelQueuedRun(dependencies: QueuedRunDependencies, request: CancelRequest): Promise<void> {
  const { session, runId, reply } = request;
  try {
    await dependencies.queue.cancel(workflowIdFor(session.userId, runId));
  } catch (error) {
    if (RunNotFoundError.isInstance(error) || RunNotResumableError.isInstance(error)) {
      return reply(errorFrame('UNKNOWN_RUN', UNKNOWN_RUN_ID_MESSAGE, undefined));
    }
    if (TransportError.isInstance(error)) {
      return reply(errorFrame('TRANSPORT_ERROR', `The cancel could not be sent: ${STORE_AWAY_MESSAGE}`, undefined));
    }
    dependencies.log.error({ err: error, runId }, 'could not cancel a run');
    reply(errorFrame('INTERNAL_ERROR', 'The cancel could not be sent.', undefined));
  }
}

/**
 * Hands a user's decision to the worker tier (`queue.decide`), after checking that the run is theirs
 * (an unknown and a foreign workflowId get the same `UNKNOWN_RUN`). A run not waiting (decided in
 * another tab, timed out, or a racing decision won) gets `NOT_SUSPENDED`. The resumed run's events
 * and `result` reach the user like any run's. Resolves once the decision is queued; never rejects.
 */
export async function decideQueuedRun(dependencies: QueuedRunDependencies, request: DecisionRequest): Promise<void> {
  const { session, workflowId, reply } = request;
  const fail = (code: DemoErrorCode, message: string) => reply({ type: 'error', code, message, workflowId });
  if ((await readDecidableRun(dependencies.store, session, workflowId, fail, dependencies.log)) === undefined) return;
  try {
    await dependencies.queue.decide(workflowId, request.decision);
  } catch (error) {
    if (RunNotResumableError.isInstance(error)) return fail('NOT_SUSPENDED', NOT_SUSPENDED_MESSAGE);
    if (RunNotFoundError.isInstance(error)) return fail('UNKNOWN_RUN', UNKNOWN_WORKFLOW_MESSAGE);
    if (TransportError.isInstance(error)) return fail('TRANSPORT_ERROR', `The decision could not be applied: ${STORE_AWAY_MESSAGE}`);
    dependencies.log.error({ err: error, workflowId }, 'could not queue a decision');
    fail('INTERNAL_ERROR', 'The decision could not be applied.');
  }
}

/** A logout: cancels the session's unfinished runs, wherever they are. Never rejects (a failure is logged). */
export async function cancelSessionRuns(dependencies: QueuedRunDependencies, sessionId: string): Promise<void> {
  let workflowIds: string[];
  try {
    workflowIds = await dependencies.openRuns.takeSessionRuns(sessionId);
  } catch (error) {
    dependencies.log.warn({ err: error }, "could not read a logged-out session's runs; they run to their end");
    return;
  }
  await Promise.all(
    workflowIds.map((workflowId) =>
      dependencies.queue.cancel(workflowId).catch((error: unknown) => {
        // Finished or unknown by now: nothing to cancel.
        if (!RunNotFoundError.isInstance(error) && !RunNotResumableError.isInstance(error)) {
          dependencies.log.warn({ err: error, workflowId }, "could not cancel a logged-out session's run");
        }
      }),
    ),
  );
}
