import { randomUUID } from 'node:crypto';
import type { RawData, WebSocket } from 'ws';
import { type AskRunnerDependencies, runAsk } from './ask-runner.js';
import { FrameRateLimiter } from './frame-rate-limiter.js';
import { ClientFrameSchema, type DemoErrorCode, describeIssue, type ServerFrame } from './protocol.js';
import type { DecisionRequest } from './run-decisions.js';
import type { RunRegistry } from './run-registry.js';
import type { Session } from './session-store.js';

/** WebSocket close codes the server uses (RFC 6455 §7.4.1). */
export const CLOSE_CODES = Object.freeze({
  normal: 1000,
  goingAway: 1001,
  policyViolation: 1008,
  tryAgainLater: 1013,
});

/** What a connection needs from the server. */
export interface ClientConnectionDependencies extends AskRunnerDependencies {
  runs: RunRegistry;
  /** True while the socket's session is still valid (checked on every frame, so it must be synchronous). */
  isSessionLive: (session: Session) => boolean;
  now: () => number;
  /** Frames per second a socket may send before it is closed with 1008. */
  maxFramesPerSecond: number;
  /** Bytes queued for a slow client before it is dropped (1013), so one reader cannot hold memory hostage. */
  maxBufferedBytes: number;
  /** True once shutdown began: new asks and decisions are refused. */
  isClosing: () => boolean;
  /**
   * Applies a `decide` frame (`decideRun`: resumes the run here). A function of the server, not of
   * the socket, so that a deployment can route decisions elsewhere (a queue). Should not reject (a
   * rejection is logged and answered with `INTERNAL_ERROR`).
   */
  decide: (request: DecisionRequest) => Promise<void>;
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
 * frame and keeps the socket open, closes floods (1008) and slow readers (1013). Oversized frames (1009) and invalid UTF-8 (1007) are
 * closed by `ws` itself before a frame reaches this code.
 */
export function attachClientConnection(
  socket: WebSocket,
  session: Session,
  since: string | undefined,
  dependencies: ClientConnectionDependencies,
  onClose: (connection: ClientConnection) => void,
): ClientConnection {
  const connection: ClientConnection = { connectionId: randomUUID(), session, socket };
  const limiter = new FrameRateLimiter(dependencies.maxFramesPerSecond, dependencies.now);

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

  const subscription = dependencies.events.attach(session.userId, { send: sendJson }, since);

  socket.on('message', (data: RawData, isBinary: boolean) => {
    if (!limiter.allow()) {
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
    if (frame.type === 'cancel') {
      cancelRun(frame.runId);
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
    void runAsk(dependencies, {
      session,
      connectionId: connection.connectionId,
      text: frame.text,
      ...(frame.clientRequestId === undefined ? {} : { clientRequestId: frame.clientRequestId }),
      reply: send,
    }).catch((error: unknown) => {
      dependencies.log.error({ err: error }, 'ask failed');
      sendError('INTERNAL_ERROR', 'The run could not be started.', frame.clientRequestId);
    });
  });

  /**
   * Cancels locally, else (Redis mode) through the instance that runs it. Unknown and foreign runIds
   * get the same answer: nothing is revealed about other users' runs.
   */
  function cancelRun(runId: string): void {
    if (dependencies.runs.cancel(runId, session.userId)) return;
    const unknownRun = () => sendError('UNKNOWN_RUN', 'No run of yours has this runId (it may have finished).');
    const { cluster } = dependencies;
    if (!cluster) {
      unknownRun();
      return;
    }
    void cluster.cancelRemote(runId, session.userId).then((outcome) => {
      if (outcome === 'unknown') unknownRun();
      else if (outcome === 'unavailable') {
        sendError(
          'TRANSPORT_ERROR',
          'The cancel could not reach the server running this run (the shared store is temporarily unavailable); try again shortly.',
        );
      }
    });
  }

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
