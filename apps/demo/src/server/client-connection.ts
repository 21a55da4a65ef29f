import { randomUUID } from 'node:crypto';
import type { RawData, WebSocket } from 'ws';
import type { AskRequest } from './ask-runner.js';
import type { EventDelivery } from './event-delivery.js';
import { ClientFrameSchema, type DemoErrorCode, describeIssue, type ServerFrame } from './protocol.js';
import type { CancelRequest } from './queued-runs.js';
import type { DecisionRequest } from './run-decisions.js';
import type { Session } from './session-store.js';
import { TokenBucket } from './token-bucket.js';
import type { UserActionLimiter } from './user-action-limiter.js';

/** WebSocket close codes the server uses (RFC 6455 §7.4.1). */
export const CLOSE_CODES = Object.freeze({
  normal: 1000,
  goingAway: 1001,
  policyViolation: 1008,
  tryAgainLater: 1013,
});

/** What a connection needs from the server. */
export interface ClientConnectionDependencies {
  /** How the user's events reach this socket. */
  events: Pick<EventDelivery, 'attach'>;
  /** True while the socket's session is still valid (checked on every frame, so it must be synchronous). */
  isSessionLive: (session: Session) => boolean;
  now: () => number;
  /** Frames per second a socket may send before it is closed with 1008 (a token bucket of that size and rate). */
  maxFramesPerSecond: number;
  /** The per-user budget of `ask`, `cancel` and `decide` frames (shared by the user's sockets); over it: `TOO_MANY_REQUESTS`. */
  actions: Pick<UserActionLimiter, 'take' | 'burst' | 'perSecond'>;
  /** Bytes queued for a slow client before it is dropped (1013), so one reader cannot hold memory hostage. */
  maxBufferedBytes: number;
  /** True once shutdown began: new asks and decisions are refused. */
  isClosing: () => boolean;
  /**
   * Starts an `ask`: `runAsk` (memory mode: runs it here) or `enqueueAsk` (Redis mode: the worker tier
   * runs it). Functions of the server, not of the socket, like `cancel` and `decide`. Should not reject
   * (a rejection is logged and answered with `INTERNAL_ERROR`).
   */
  ask: (request: AskRequest) => Promise<void>;
  /** Cancels one of the user's runs (here, or through the queue); answers unknown and foreign runIds alike. Never rejects. */
  cancel: (request: CancelRequest) => Promise<void>;
  /** Applies a `decide` frame (`decideRun` here, or `decideQueuedRun` through the queue). Should not reject. */
  decide: (request: DecisionRequest) => Promise<void>;
  log: { error(details: object, message: string): void };
}

/** An open, authenticated socket. */
export interface ClientConnection {
  readonly connectionId: string;
  readonly session: Session;
  readonly socket: WebSocket;
}

/**
 * Wires one authenticated socket: subscribes it to its user's events (after the `?since=` replay),
 * validates every frame with zod (`ask`, `cancel`, `decide`), answers bad frames with an `error`
 * frame and keeps the socket open, answers a user over their budget of asks, cancels and decisions
 * with `TOO_MANY_REQUESTS`, closes floods (1008) and slow readers (1013). Oversized frames (1009) and
 * invalid UTF-8 (1007) are closed by `ws` itself before a frame reaches this code.
 */
export function attachClientConnection(
  socket: WebSocket,
  session: Session,
  since: string | undefined,
  dependencies: ClientConnectionDependencies,
  onClose: (connection: ClientConnection) => void,
): ClientConnection {
  const connection: ClientConnection = { connectionId: randomUUID(), session, socket };
  const frames = new TokenBucket({
    capacity: dependencies.maxFramesPerSecond,
    perSecond: dependencies.maxFramesPerSecond,
    now: dependencies.now,
  });
  const { actions } = dependencies;
  const overBudget = `Too many asks, cancels and decisions: at most ${actions.burst} at once, then ${actions.perSecond} per second; try again in a moment.`;

  const sendJson = (json: string) => {
    if (socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > dependencies.maxBufferedBytes) {
      socket.close(CLOSE_CODES.tryAgainLater, 'Client too slow');
      return;
    }
    socket.send(json);
  };
  const send = (frame: ServerFrame) => sendJson(JSON.stringify(frame));
  const sendError = (code: DemoErrorCode, message: string, clientRequestId?: string) =>
    send({ type: 'error', code, message, ...(clientRequestId === undefined ? {} : { clientRequestId }) });

  // Event frames wait while an ask is being accepted (see `AskRequest.holdEvents`).
  let held: string[] | undefined;
  let holds = 0;
  const deliver = (json: string) => {
    if (held) held.push(json);
    else sendJson(json);
  };
  const holdEvents = (): (() => void) => {
    holds++;
    held ??= [];
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--holds > 0) return;
      const frames = held ?? [];
      held = undefined;
      for (const json of frames) sendJson(json);
    };
  };
  const subscription = dependencies.events.attach(session.userId, { send: deliver }, since);

  socket.on('message', (data: RawData, isBinary: boolean) => {
    if (!frames.take()) {
      socket.close(CLOSE_CODES.policyViolation, 'Too many frames');
      return;
    }
    // The session may have expired or been logged out since the upgrade.
    if (!dependencies.isSessionLive(session)) {
      socket.close(CLOSE_CODES.policyViolation, 'Session ended');
      return;
    }
    if (isBinary) {
      sendError('INVALID_REQUEST', 'Binary frames are not supported; send JSON text frames.');
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(rawText(data));
    } catch {
      sendError('INVALID_REQUEST', 'The frame is not valid JSON.');
      return;
    }
    const parsed = ClientFrameSchema.safeParse(value);
    if (!parsed.success) {
      sendError('INVALID_REQUEST', `Invalid frame: ${describeIssue(parsed.error)}`, echoableRequestId(value));
      return;
    }
    const frame = parsed.data;
    // Every valid ask, cancel and decide costs work (and Redis round trips): the user's budget first.
    if (!actions.take(session.userId)) {
      send({
        type: 'error',
        code: 'TOO_MANY_REQUESTS',
        message: overBudget,
        ...(frame.type === 'ask' && frame.clientRequestId !== undefined ? { clientRequestId: frame.clientRequestId } : {}),
        ...(frame.type === 'decide' ? { workflowId: frame.workflowId } : {}),
      });
      return;
    }
    if (frame.type === 'cancel') {
      void dependencies.cancel({ session, runId: frame.runId, reply: send });
      return;
    }
    if (frame.type === 'decide') {
      const { workflowId, approved, note } = frame;
      if (dependencies.isClosing()) {
        send({ type: 'error', code: 'SHUTTING_DOWN', message: 'The server is shutting down.', workflowId });
        return;
      }
      void dependencies
        .decide({
          session,
          connectionId: connection.connectionId,
          workflowId,
          decision: note === undefined ? { approved } : { approved, note },
          reply: send,
        })
        .catch((error: unknown) => {
          dependencies.log.error({ err: error, workflowId }, 'decision failed');
          send({ type: 'error', code: 'INTERNAL_ERROR', message: 'The decision could not be applied.', workflowId });
        });
      return;
    }
    if (dependencies.isClosing()) {
      sendError('SHUTTING_DOWN', 'The server is shutting down.', frame.clientRequestId);
      return;
    }
    void dependencies
      .ask({
        session,
        connectionId: connection.connectionId,
        text: frame.text,
        ...(frame.clientRequestId === undefined ? {} : { clientRequestId: frame.clientRequestId }),
        reply: send,
        holdEvents,
      })
      .catch((error: unknown) => {
        dependencies.log.error({ err: error }, 'ask failed');
        sendError('INTERNAL_ERROR', 'The run could not be started.', frame.clientRequestId);
      });
  });

  socket.once('close', () => {
    subscription.unsubscribe();
    onClose(connection);
  });
  return connection;
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  return Buffer.from(data).toString('utf8');
}

/** A well-formed `clientRequestId` from an invalid frame, so the client can tell which request failed. */
function echoableRequestId(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const id = (value as { clientRequestId?: unknown }).clientRequestId;
  return typeof id === 'string' && id.length > 0 && id.length <= 128 ? id : undefined;
}
