import type { ServerFrame, WireWorkflowResult } from '../server/protocol.js';
import { FRAME_TIMEOUT_MS, FrameClient, login } from '../test-support/demo-test-client.js';
import { createTestDemoServer } from '../test-support/test-demo-server.js';
import { ForeignCancelProber } from './foreign-cancel-prober.js';
import { createHoldableDemoAgents } from './hold-agents.js';
import { type MalformedReport, sendMalformed } from './malformed-frames.js';
import { type SocketRecord, WireChecker, type WireViolation } from './wire-checker.js';
import { createWirePlan, EXPECTED_CLOSE, PATH_STAGES, type WireAsk, type WirePlanOptions } from './wire-plan.js';

/** What `runWireStress` needs. */
export interface WireStressOptions extends WirePlanOptions {
  /** Agent pause scale (the demo's `delayScale`); small, so the run is quick but runs still interleave. */
  delayScale: number;
  /** Longest silence of every socket while a frame is awaited (ms): a hang detector, never a sleep. */
  frameTimeoutMs?: number;
}

/** The comparable outcome of one ask (no timings): what the user saw. */
export interface AskOutcome {
  status: string;
  path: string;
  stages: Array<{ agentName: string; status: string; output?: unknown }>;
}

/** What a wire stress run did and found. */
export interface WireStressReport {
  sockets: number;
  runs: number;
  events: number;
  malformedFramesSent: number;
  /** Close codes seen on misbehaving sockets, by code (`open` for sockets that had to stay open). */
  closes: Record<string, number>;
  /** Per ask key: the outcome, for comparing runs with and without misbehaving clients. */
  outcomes: Map<string, AskOutcome>;
  violations: WireViolation[];
  seconds: number;
}

interface Stage {
  agentName: string;
  status: string;
  output?: unknown;
}

function outcomeOf(result: WireWorkflowResult): AskOutcome {
  return {
    status: result.status,
    path: result.path,
    stages: (result.stages as Stage[]).map((stage) => ({
      agentName: stage.agentName,
      status: stage.status,
      ...(stage.output === undefined ? {} : { output: stage.output }),
    })),
  };
}

/** The outcome the plan promises for an ask, given deterministic agents: success on its path, or cancelled at its held stage. */
function expectedShape(ask: WireAsk): { status: string; path: string; stages: string } {
  const planned = PATH_STAGES[ask.path]!;
  if (ask.hold === undefined)
    return { status: 'succeeded', path: ask.path, stages: planned.map((stage) => `${stage}:succeeded`).join(',') };
  const upTo = planned.indexOf(ask.hold.stage);
  const stages = planned.slice(0, upTo + 1).map((stage, index) => `${stage}:${index === upTo ? 'cancelled' : 'succeeded'}`);
  return { status: 'cancelled', path: ask.hold.stage === 'triage' ? '' : ask.path, stages: stages.join(',') };
}

/**
 * Runs the seeded wire workload against a fresh demo server on port 0: logs every user in over HTTP,
 * opens two well-behaved sockets per user (cookie + own Origin), plus (when `misbehaveEvery > 0`) a
 * third, misbehaving socket for some users and one socket per prober user; then every well-behaved
 * socket asks its questions one after the other, cancelling held runs at their planned point, while
 * misbehaving sockets send malformed frames and probers try to cancel other users' runs. At the end
 * every socket's frames are checked (`WireChecker`) and each ask's outcome against the plan.
 */
export async function runWireStress(options: WireStressOptions): Promise<WireStressReport> {
  const startedAt = performance.now();
  const silenceMs = options.frameTimeoutMs ?? FRAME_TIMEOUT_MS;
  const plan = createWirePlan(options);
  const checker = new WireChecker();
  const server = await createTestDemoServer({
    users: [...plan.users, ...plan.probers].map(({ username, password }) => ({ username, password })),
    scryptCost: 2 ** 10,
    // Every client logs in from 127.0.0.1 at once: each login counts for that address until its
    // password is checked, and waits for a turn to be checked.
    loginThrottle: { maxFailures: 1000 },
    passwordChecks: { maxWaiting: 1000 },
    delayScale: options.delayScale,
    agents: createHoldableDemoAgents({ delayScale: options.delayScale }),
    // The plan expects every run to end by itself (or by its cancel): the plain triageWorkflow, no approval gate.
    approvalGate: false,
    // A misbehaving socket's flood of 1,000 valid cancels belongs to a user whose well-behaved sockets
    // must see no difference here; the per-user budget of asks, cancels and decisions would (by
    // design) slow that user's other sockets too, so it is set out of reach for this isolation test
    // (per-user-limits.test.ts tests the budget).
    actionRateLimit: { burst: 10_000, perSecond: 1000 },
  });
  const url = await server.listen({ port: 0 });
  const userRuns = plan.users.map(() => new Set<string>());
  const outcomes = new Map<string, AskOutcome>();
  const closes: Record<string, number> = {};
  let malformedFramesSent = 0;
  const anyAcceptedRun: string[] = [];

  try {
    const cookies = await Promise.all(plan.users.map((user) => login(url, user.username, user.password)));
    const proberCookies = await Promise.all(plan.probers.map((prober) => login(url, prober.username, prober.password)));
    // Every socket is open before the first ask, so each sees its user's streams from seq 0.
    const wellBehaved = await Promise.all(plan.sockets.map((socket) => FrameClient.connect(url, { cookie: cookies[socket.userIndex]! })));
    const misbehaving = await Promise.all(plan.misbehaving.map((entry) => FrameClient.connect(url, { cookie: cookies[entry.userIndex]! })));
    for (const client of misbehaving) client.socket.on('error', () => undefined);
    const probers = await Promise.all(
      proberCookies.map(async (cookie) => new ForeignCancelProber(await FrameClient.connect(url, { cookie }), checker, silenceMs)),
    );

    const askFlow = async (socketIndex: number): Promise<void> => {
      const { userIndex, asks } = plan.sockets[socketIndex]!;
      const client = wellBehaved[socketIndex]!;
      const user = plan.users[userIndex]!;
      for (const ask of asks) {
        client.send({ type: 'ask', text: ask.text, clientRequestId: ask.key });
        const answer = await client.answerTo(ask.key);
        if (answer.type !== 'accepted') {
          checker.add('ask-refused', `${user.username} ask ${ask.key} was refused: ${answer.code} ${answer.message}`);
          continue;
        }
        const { runId } = answer;
        userRuns[userIndex]!.add(runId);
        anyAcceptedRun.push(runId);
        if (
          client.frames.some(
            (frame) =>
              frame.type === 'event' && frame.event.runId === runId && client.frames.indexOf(frame) < client.frames.indexOf(answer),
          )
        ) {
          checker.add('accepted-order', `${user.username}: an event of run ${runId} arrived before its accepted`);
        }
        if (ask.hold !== undefined) {
          if (ask.hold.foreignCancelFirst && probers.length > 0) {
            await probers[userIndex % probers.length]!.cancelForeign(runId, user.username);
          }
          if (ask.hold.cancelOn === 'stage-started') {
            const stage = ask.hold.stage;
            await client.waitFor(
              (frame) =>
                frame.type === 'event' &&
                frame.event.runId === runId &&
                frame.event.type === 'agent_started' &&
                frame.event.agentName === stage,
              silenceMs,
            );
          }
          // A held run cannot end by itself: a result now means someone else's cancel reached it.
          if (client.frames.some((frame) => frame.type === 'result' && frame.runId === runId)) {
            checker.add('foreign-cancel', `run ${runId} of ${user.username} ended before its own user cancelled it`);
          }
          client.send({ type: 'cancel', runId });
        }
        const result = await client.result(runId, silenceMs);
        const outcome = outcomeOf(result.result);
        outcomes.set(ask.key, outcome);
        const expected = expectedShape(ask);
        const actual = {
          status: outcome.status,
          path: outcome.path,
          stages: outcome.stages.map((stage) => `${stage.agentName}:${stage.status}`).join(','),
        };
        if (JSON.stringify(actual) !== JSON.stringify(expected)) {
          checker.add('ask-outcome', `${user.username} ask ${ask.key}: got ${JSON.stringify(actual)}, planned ${JSON.stringify(expected)}`);
        }
        if (ask.lateCancel) {
          const seenFrames = client.frames.length;
          client.send({ type: 'cancel', runId });
          const late = await client.waitFor((frame) => frame.type === 'error' && client.frames.indexOf(frame) >= seenFrames, silenceMs);
          if (late.type !== 'error' || late.code !== 'UNKNOWN_RUN')
            checker.add('late-cancel', `a cancel after the result got ${JSON.stringify(late)}`);
        }
      }
    };

    const misbehave = async (index: number): Promise<MalformedReport> => {
      const { userIndex, kind, seed } = plan.misbehaving[index]!;
      const client = misbehaving[index]!;
      // Misbehave while the user's runs are in flight: after the first event this socket receives.
      await client.waitFor((frame) => frame.type === 'event', silenceMs);
      const foreignRunId = anyAcceptedRun.find((runId) => !userRuns[userIndex]!.has(runId)) ?? 'no-such-run';
      const seen = client.frames.length;
      const report = sendMalformed(client.socket, kind, seed, foreignRunId);
      malformedFramesSent += report.framesSent;
      const expectedClose = EXPECTED_CLOSE[kind];
      if (expectedClose === undefined) {
        let errors = 0;
        try {
          await client.waitFor(
            (frame) => client.frames.indexOf(frame) >= seen && frame.type === 'error' && ++errors === report.expectErrorFrames,
            silenceMs,
          );
        } catch {
          checker.add('malformed-answer', `${kind}: ${errors} error frames for ${report.expectErrorFrames} bad frames`);
        }
        if (client.socket.readyState !== client.socket.OPEN)
          checker.add('malformed-close', `${kind}: the socket was closed; bad frames must only get error frames`);
        closes.open = (closes.open ?? 0) + 1;
      } else {
        const code = await client.closeCode(silenceMs);
        closes[String(code)] = (closes[String(code)] ?? 0) + 1;
        if (code !== expectedClose) checker.add('malformed-close', `${kind}: closed with ${code}, expected ${expectedClose}`);
      }
      const health = await fetch(`${url}/healthz`);
      if (health.status !== 200) checker.add('health', `healthz answered ${health.status} after ${kind}`);
      return report;
    };

    await Promise.all([...plan.sockets.map((_, index) => askFlow(index)), ...plan.misbehaving.map((_, index) => misbehave(index))]);

    // Every socket of a user gets every result of that user's runs (fan-out), before anything is checked.
    await Promise.all(
      plan.sockets.map(async (socket, index) => {
        for (const runId of userRuns[socket.userIndex]!) {
          try {
            await wellBehaved[index]!.result(runId, silenceMs);
          } catch {
            checker.add('missing-result', `socket ${socket.userIndex}.${socket.socketIndex} never got the result of run ${runId}`);
          }
        }
      }),
    );
    // Misbehaving sockets that had to stay open get them too: their fan-out must not have been disturbed.
    await Promise.all(
      plan.misbehaving.map(async (entry, index) => {
        if (EXPECTED_CLOSE[entry.kind] !== undefined) return;
        for (const runId of userRuns[entry.userIndex]!) {
          try {
            await misbehaving[index]!.result(runId, silenceMs);
          } catch {
            checker.add(
              'missing-result',
              `misbehaving socket of user ${entry.userIndex} (${entry.kind}) never got the result of run ${runId}`,
            );
          }
        }
      }),
    );
    const health = await fetch(`${url}/healthz`);
    if (health.status !== 200) checker.add('health', `healthz answered ${health.status} at the end`);

    // Frame checks.
    const recordOf = (label: string, userIndex: number, frames: readonly ServerFrame[]): SocketRecord => ({
      label,
      userId: plan.users[userIndex]!.username,
      tag: plan.users[userIndex]!.tag,
      frames,
    });
    const records = plan.sockets.map((socket, index) =>
      recordOf(`socket ${socket.userIndex}.${socket.socketIndex}`, socket.userIndex, wellBehaved[index]!.frames),
    );
    records.forEach((record, index) => {
      checker.checkSocket(record, userRuns[plan.sockets[index]!.userIndex]!, true);
    });
    for (let index = 0; index < records.length; index += 2) checker.compareStreams(records[index]!, records[index + 1]!, false);
    plan.misbehaving.forEach((entry, index) => {
      const record = recordOf(`misbehaving ${entry.userIndex} (${entry.kind})`, entry.userIndex, misbehaving[index]!.frames);
      const stayedOpen = EXPECTED_CLOSE[entry.kind] === undefined;
      checker.checkSocket(record, userRuns[entry.userIndex]!, stayedOpen);
      // The closed socket saw a prefix of its user's stream; the others saw all of it, unaffected.
      checker.compareStreams(records[entry.userIndex * 2]!, record, !stayedOpen);
    });
    probers.forEach((prober, index) => {
      const unexpected = prober.client.frames.filter((frame) => frame.type !== 'error' || frame.code !== 'UNKNOWN_RUN');
      if (unexpected.length > 0) checker.add('prober-frames', `prober ${index} got ${JSON.stringify(unexpected[0]).slice(0, 200)}`);
    });

    const sockets = wellBehaved.length + misbehaving.length + probers.length;
    await Promise.all([...wellBehaved, ...misbehaving, ...probers.map((prober) => prober.client)].map((client) => client.close()));
    return {
      sockets,
      runs: userRuns.reduce((sum, runs) => sum + runs.size, 0),
      events: checker.eventsChecked,
      malformedFramesSent,
      closes,
      outcomes,
      violations: checker.violations,
      seconds: (performance.now() - startedAt) / 1000,
    };
  } finally {
    await server.close();
  }
}
