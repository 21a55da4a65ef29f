import { Agent, request } from 'node:http';
import type { AgentEvent } from '@baton/engine-contract';
import { createRedisEventBus } from '@baton/redis';
import WebSocket from 'ws';
import { createDemoServer, type DemoServerOptions } from '../server/create-demo-server.js';
import { login } from '../test-support/demo-test-client.js';
import { percentile } from './login-figures.js';

// Reproduces issue 18's replay figures against a real demo server in Redis mode (in this process,
// like wire-stress.ts): one user with `events` events in their Redis Stream opens `sockets` sockets
// that each replay all of them (`?since=0-0`, the stream's start), while clients keep requesting
// `GET /healthz`, one request after the other, until every socket has its last event. Every user of
// the server shares its event loop, so the health check's latency is what any other user waits.

/** What `measureReplayFigures` does; every count has the default. */
export interface ReplayFiguresOptions {
  /** The Redis to use (a private one: the user's stream is written there under a fresh key prefix). */
  redisUrl: string;
  /** Events in the user's stream. Default 10,000 (the bus's default `maxLenPerUser`). */
  events?: number;
  /** Sockets of that user, each replaying every event. Default 40. */
  sockets?: number;
  /** Clients requesting `GET /healthz` one after the other during the replays. Default 2. */
  healthReaders?: number;
  /** Key prefix of the demo's keys. Default: a fresh one (`figures:<time>:`). */
  keyPrefix?: string;
  /**
   * Extra server options. By default the per-session and per-user socket caps are raised to
   * `sockets`, so that the replays themselves are measured rather than refused.
   */
  server?: DemoServerOptions;
}

/** The replay figures of issue 18. */
export interface ReplayFigures {
  events: number;
  sockets: number;
  replay: {
    /** From opening the sockets until the last of them has its last event. */
    seconds: number;
    /** Event frames received by all sockets together. */
    framesReceived: number;
    /** Sockets that got every event exactly once, in order. */
    completeSockets: number;
  };
  /** `GET /healthz` during the replays. Target: p99 under 100 ms. */
  healthz: { samples: number; p50Ms: number; p99Ms: number; maxMs: number };
}

/** The target. */
export const REPLAY_TARGETS = Object.freeze({ healthzP99Ms: 100 });

/** Which targets the figures miss (empty when they meet them), and replays that did not complete. */
export function missedReplayTargets(figures: ReplayFigures): string[] {
  const missed: string[] = [];
  if (figures.replay.completeSockets !== figures.sockets) {
    missed.push(`${figures.sockets - figures.replay.completeSockets} of ${figures.sockets} sockets did not get every event once, in order`);
  }
  if (!(figures.healthz.p99Ms < REPLAY_TARGETS.healthzP99Ms)) {
    missed.push(
      `GET /healthz p99 was ${figures.healthz.p99Ms.toFixed(0)} ms during the replays; must be under ${REPLAY_TARGETS.healthzP99Ms} ms`,
    );
  }
  return missed;
}

/** One line per figure, for the console. */
export function formatReplayFigures(figures: ReplayFigures): string {
  const { replay, healthz } = figures;
  return [
    `replay: ${figures.sockets} sockets x ${figures.events} events from Redis -> ${replay.completeSockets} complete, ${replay.framesReceived} frames in ${replay.seconds.toFixed(1)} s`,
    `healthz: GET /healthz during them: p50 ${healthz.p50Ms.toFixed(0)} ms, p99 ${healthz.p99Ms.toFixed(0)} ms, max ${healthz.maxMs.toFixed(0)} ms (${healthz.samples} samples)`,
  ].join('\n');
}

function thinking(seq: number): AgentEvent {
  return {
    type: 'agent_thinking',
    userId: 'alice',
    threadId: 'thread-replay-figures',
    runId: 'run-replay-figures',
    requestId: 'request-replay-figures',
    engineId: 'engine-replay-figures',
    executionId: 'execution-replay-figures',
    agentName: 'data',
    stage: 'data',
    seq,
    timestamp: Date.now(),
    thought: `Reading line ${seq} of the billing export: EC2 on-demand spend in eu-west-1, compared with last month.`,
  };
}

/** Writes `count` events to alice's stream exactly as the factory's `onEvent` does; returns their ids. */
async function writeEvents(redisUrl: string, keyPrefix: string, count: number): Promise<string[]> {
  const bus = createRedisEventBus({ redis: redisUrl, keyPrefix, maxLenPerUser: count });
  try {
    const ids: string[] = [];
    for (let from = 0; from < count; from += 1000) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(1000, count - from) }, (_, index) => bus.publish(thinking(from + index))),
      );
      for (const id of batch) {
        if (id === null) throw new Error('an event could not be written to Redis');
        ids.push(id);
      }
    }
    return ids;
  } finally {
    await bus.close();
  }
}

// `{"type":"event","id":"<id>",...`: the id is read from the frame's start, so that the clients,
// which share this process's event loop with the server, do as little work per frame as possible.
const EVENT_PREFIX = '{"type":"event","id":"';

/** One replaying socket: counts the event frames and checks that their ids are the expected ones, in order. */
function replayingSocket(
  wsUrl: string,
  cookie: string,
  origin: string,
  ids: readonly string[],
): Promise<{ frames: number; complete: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(wsUrl, { headers: { cookie, origin } });
    let frames = 0;
    let inOrder = true;
    socket.on('message', (data: Buffer) => {
      const head = data.toString('latin1', 0, Math.min(data.length, 80));
      if (!head.startsWith(EVENT_PREFIX)) return;
      const id = head.slice(EVENT_PREFIX.length, head.indexOf('"', EVENT_PREFIX.length));
      if (id !== ids[frames]) inOrder = false;
      frames++;
      if (frames === ids.length) socket.close();
    });
    socket.once('close', () => resolve({ frames, complete: inOrder && frames === ids.length }));
    socket.once('unexpected-response', (_request, response) => reject(new Error(`upgrade refused: ${response.statusCode}`)));
    socket.once('error', reject);
  });
}

/** One `GET /healthz` on the keep-alive `agent`; resolves to its latency in ms. */
function healthz(url: string, agent: Agent): Promise<number> {
  const startedAt = performance.now();
  return new Promise((resolve, reject) => {
    const outgoing = request(`${url}/healthz`, { agent }, (response) => {
      response.resume();
      response.on('end', () =>
        response.statusCode === 200
          ? resolve(performance.now() - startedAt)
          : reject(new Error(`GET /healthz answered ${response.statusCode}`)),
      );
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

/**
 * Measures the replay figures on a fresh demo server in Redis mode (role `both`, in this process).
 * @example
 * const figures = await measureReplayFigures({ redisUrl: 'redis://127.0.0.1:6390' });
 * console.log(formatReplayFigures(figures), missedReplayTargets(figures));
 */
export async function measureReplayFigures(options: ReplayFiguresOptions): Promise<ReplayFigures> {
  const events = options.events ?? 10_000;
  const sockets = options.sockets ?? 40;
  const healthReaders = options.healthReaders ?? 2;
  const keyPrefix = options.keyPrefix ?? `figures:${Date.now()}:`;
  const ids = await writeEvents(options.redisUrl, keyPrefix, events);
  const server = await createDemoServer({
    users: [{ username: 'alice', password: 'alice-demo-pw' }],
    scryptCost: 2 ** 10,
    delayScale: 0,
    redis: { url: options.redisUrl, keyPrefix },
    maxSocketsPerSession: sockets,
    maxSocketsPerUser: sockets,
    ...options.server,
  });
  const agent = new Agent({ keepAlive: true, maxSockets: healthReaders });
  try {
    const url = await server.listen({ port: 0 });
    const cookie = await login(url, 'alice', 'alice-demo-pw');
    const wsUrl = `${url.replace(/^http/, 'ws')}/ws?since=0-0`;
    // Warm the health check's connections before the replays start.
    await Promise.all(Array.from({ length: healthReaders }, () => healthz(url, agent)));

    const startedAt = performance.now();
    let replaying = true;
    const replays = Promise.all(Array.from({ length: sockets }, () => replayingSocket(wsUrl, cookie, url, ids))).finally(() => {
      replaying = false;
    });
    const latencies: number[] = [];
    const reader = async () => {
      while (replaying) latencies.push(await healthz(url, agent));
    };
    const [outcomes] = await Promise.all([replays, ...Array.from({ length: healthReaders }, reader)]);
    const seconds = (performance.now() - startedAt) / 1000;
    return {
      events,
      sockets,
      replay: {
        seconds,
        framesReceived: outcomes.reduce((sum, outcome) => sum + outcome.frames, 0),
        completeSockets: outcomes.filter((outcome) => outcome.complete).length,
      },
      healthz: {
        samples: latencies.length,
        p50Ms: percentile(latencies, 50),
        p99Ms: percentile(latencies, 99),
        maxMs: latencies.length === 0 ? Number.NaN : Math.max(...latencies),
      },
    };
  } finally {
    agent.destroy();
    await server.close();
  }
}
