import WebSocket from 'ws';
import type { ServerFrame } from '../server/protocol.js';

/**
 * Default silence before a frame wait fails: only a hang detector (a missing frame fails the test
 * with the frames seen so far), never a sleep. It counts from the last frame any socket of this
 * process received, not from the start of the wait, so a busy machine that delivers slowly never
 * fails a test; only a frame that stops coming while nothing else moves does. Below the project's
 * 120 s test time limit.
 */
export const FRAME_TIMEOUT_MS = 60_000;

let lastFrameAt = performance.now();

/**
 * Calls `expire` once no socket of this process has received a frame for `silenceMs`; returns a
 * function that cancels it. While frames flow anywhere the work is moving, however slowly.
 */
function onFrameSilence(silenceMs: number, expire: () => void): () => void {
  let timer: ReturnType<typeof setTimeout>;
  const check = (): void => {
    const silent = performance.now() - lastFrameAt;
    if (silent >= silenceMs) expire();
    else timer = setTimeout(check, silenceMs - silent);
  };
  timer = setTimeout(check, silenceMs);
  return () => clearTimeout(timer);
}

/** Logs in over real HTTP and returns the `name=value` of the session cookie. */
export async function login(baseUrl: string, username: string, password: string): Promise<string> {
  const response = await fetch(`${baseUrl}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: baseUrl },
    body: JSON.stringify({ username, password }),
  });
  if (response.status !== 200) throw new Error(`login of ${username} failed with ${response.status}: ${await response.text()}`);
  const cookie = response.headers.get('set-cookie');
  if (!cookie) throw new Error('login did not set a cookie');
  return cookie.split(';')[0]!;
}

/** Options of `connect`. */
export interface ConnectOptions {
  cookie?: string;
  /** Defaults to the server's own origin; `null` sends none. */
  origin?: string | null;
  since?: string;
}

function wsUrl(baseUrl: string, since: string | undefined): string {
  return `${baseUrl.replace(/^http/, 'ws')}/ws${since === undefined ? '' : `?since=${encodeURIComponent(since)}`}`;
}

function headersFor(baseUrl: string, options: ConnectOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  if (options.cookie) headers.cookie = options.cookie;
  if (options.origin !== null) headers.origin = options.origin ?? baseUrl;
  return headers;
}

/**
 * Tries an upgrade and reports what the server answered: the HTTP status of a refusal, or 101 when a
 * socket was opened (then closed at once).
 */
export function upgradeStatus(baseUrl: string, options: ConnectOptions): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    // ws adds no Origin header by itself, so `origin: null` really sends none.
    const socket = new WebSocket(wsUrl(baseUrl, options.since), { headers: headersFor(baseUrl, options) });
    socket.on('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      response.on('error', reject);
    });
    socket.on('open', () => {
      socket.terminate();
      resolve({ status: 101, body: '' });
    });
    socket.on('error', () => undefined);
  });
}

/** A test WebSocket client that records every frame and waits for specific ones. */
export class FrameClient {
  readonly frames: ServerFrame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  #waiters: Array<{ predicate: (frame: ServerFrame) => boolean; resolve: (frame: ServerFrame) => void }> = [];

  private constructor(readonly socket: WebSocket) {
    this.closed = new Promise((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString('utf8') })));
    socket.on('message', (data, isBinary) => {
      if (isBinary) throw new Error('server sent a binary frame');
      const frame = JSON.parse(data.toString()) as ServerFrame;
      lastFrameAt = performance.now();
      this.frames.push(frame);
      this.#waiters = this.#waiters.filter((waiter) => {
        if (!waiter.predicate(frame)) return true;
        waiter.resolve(frame);
        return false;
      });
    });
  }

  /** Opens a socket; rejects with the HTTP status when the upgrade is refused. */
  static connect(baseUrl: string, options: ConnectOptions = {}): Promise<FrameClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(wsUrl(baseUrl, options.since), { headers: headersFor(baseUrl, options) });
      // Attach the recorder before the first frame can arrive (the replay is sent right after open).
      const client = new FrameClient(socket);
      socket.once('open', () => resolve(client));
      socket.once('unexpected-response', (_request, response) => reject(new Error(`upgrade refused: ${response.statusCode}`)));
      socket.once('error', reject);
    });
  }

  /** Sends a frame (any JSON value, valid or not). */
  send(value: unknown): void {
    this.socket.send(JSON.stringify(value));
  }

  /**
   * The first frame (already received or future) matching `predicate`; rejects once no socket of
   * this process has received any frame for `silenceMs` (see `onFrameSilence`).
   */
  waitFor<T extends ServerFrame = ServerFrame>(predicate: (frame: ServerFrame) => boolean, silenceMs = FRAME_TIMEOUT_MS): Promise<T> {
    const existing = this.frames.find(predicate);
    if (existing) return Promise.resolve(existing as T);
    return new Promise((resolve, reject) => {
      const cancel = onFrameSilence(silenceMs, () => {
        this.#waiters = this.#waiters.filter((waiter) => waiter.resolve !== done);
        reject(
          new Error(
            `no frame on any socket for ${silenceMs} ms while waiting for a frame; got ${this.frames.length}: ${JSON.stringify(this.frames.slice(-3))}`,
          ),
        );
      });
      const done = (frame: ServerFrame) => {
        cancel();
        resolve(frame as T);
      };
      this.#waiters.push({ predicate, resolve: done });
    });
  }

  /** Waits for the frame that answers the ask with this clientRequestId (`accepted` or `error`). */
  answerTo(clientRequestId: string): Promise<Extract<ServerFrame, { type: 'accepted' | 'error' }>> {
    return this.waitFor((frame) => (frame.type === 'accepted' || frame.type === 'error') && frame.clientRequestId === clientRequestId);
  }

  /** Asks and waits for `accepted`; returns the runId. */
  async ask(text: string, clientRequestId = `c-${Math.random().toString(36).slice(2)}`): Promise<string> {
    this.send({ type: 'ask', text, clientRequestId });
    const answer = await this.answerTo(clientRequestId);
    if (answer.type !== 'accepted') throw new Error(`ask was refused: ${JSON.stringify(answer)}`);
    return answer.runId;
  }

  /** Waits for the final `result` of a run (not the `suspended` one of a run waiting for a decision). */
  result(runId: string, silenceMs = FRAME_TIMEOUT_MS): Promise<Extract<ServerFrame, { type: 'result' }>> {
    return this.waitFor((frame) => frame.type === 'result' && frame.runId === runId && frame.result.status !== 'suspended', silenceMs);
  }

  /** Waits for the `result` with which a run suspended for a decision (its workflowId is `result.workflowId`). */
  suspended(runId: string, silenceMs = FRAME_TIMEOUT_MS): Promise<Extract<ServerFrame, { type: 'result' }>> {
    return this.waitFor((frame) => frame.type === 'result' && frame.runId === runId && frame.result.status === 'suspended', silenceMs);
  }

  /** Sends a `decide` frame for a suspended run. */
  decide(workflowId: string, approved: boolean, note?: string): void {
    this.send({ type: 'decide', workflowId, approved, ...(note === undefined ? {} : { note }) });
  }

  /** Waits until the run suspends, approves it, and waits for its final `result`. */
  async approveAndFinish(runId: string, silenceMs = FRAME_TIMEOUT_MS): Promise<Extract<ServerFrame, { type: 'result' }>> {
    const suspended = await this.suspended(runId, silenceMs);
    this.decide(suspended.result.workflowId, true);
    return this.result(runId, silenceMs);
  }

  /** The next `error` frame about a decision on `workflowId`, after the frames seen so far. */
  nextDecisionError(workflowId: string): Promise<Extract<ServerFrame, { type: 'error' }>> {
    const seen = this.frames.length;
    return this.waitFor((frame) => frame.type === 'error' && frame.workflowId === workflowId && this.frames.indexOf(frame) >= seen);
  }

  /** Waits for an event of a run that matches `predicate`. */
  event(runId: string, predicate: (event: Extract<ServerFrame, { type: 'event' }>['event']) => boolean = () => true) {
    return this.waitFor<Extract<ServerFrame, { type: 'event' }>>(
      (frame) => frame.type === 'event' && frame.event.runId === runId && predicate(frame.event),
    );
  }

  /** The next `error` frame after the frames seen so far. */
  nextError(): Promise<Extract<ServerFrame, { type: 'error' }>> {
    const seen = this.frames.length;
    return this.waitFor((frame) => frame.type === 'error' && this.frames.indexOf(frame) >= seen);
  }

  /**
   * The code the socket closes with, or -1 once no socket of this process has received a frame for
   * `silenceMs` before it closed (see `onFrameSilence`).
   */
  async closeCode(silenceMs = FRAME_TIMEOUT_MS): Promise<number> {
    let cancel = (): void => undefined;
    const silence = new Promise<number>((resolve) => {
      cancel = onFrameSilence(silenceMs, () => resolve(-1));
    });
    try {
      return await Promise.race([this.closed.then(({ code }) => code), silence]);
    } finally {
      cancel();
    }
  }

  /** Event frames received so far. */
  events(): Array<Extract<ServerFrame, { type: 'event' }>> {
    return this.frames.filter((frame): frame is Extract<ServerFrame, { type: 'event' }> => frame.type === 'event');
  }

  close(): Promise<{ code: number; reason: string }> {
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) this.socket.close();
    return this.closed;
  }
}
