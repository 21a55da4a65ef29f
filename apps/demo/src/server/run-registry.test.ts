import { type AdmissionLease, InMemoryRunStore } from '@baton/engine-contract';
import { createEngineFactory } from '@baton/engine-factory';
import { triageWorkflow } from '@baton/orchestrator';
import { describe, expect, it } from 'vitest';
import { createDemoAgents } from '../agents/create-demo-agents.js';
import { runAsk } from './ask-runner.js';
import { InMemoryEventDelivery } from './event-delivery.js';
import type { ServerFrame } from './protocol.js';
import { RunRegistry } from './run-registry.js';
import type { Session } from './session-store.js';
import { UserEventHub } from './user-event-hub.js';

const SESSION: Session = { token: 't', sessionId: 'session-1', userId: 'alice', createdAt: 0, expiresAt: Number.MAX_SAFE_INTEGER };
const QUIET_LOG = { error: () => undefined, warn: () => undefined };

/** A factory whose admissions the test grants by hand: `createEngine` waits until then. */
function factoryWithHeldAdmission() {
  const waiting: Array<(lease: AdmissionLease) => void> = [];
  let requested!: () => void;
  const admissionRequested = new Promise<void>((resolve) => {
    requested = resolve;
  });
  const factory = createEngineFactory({
    agents: createDemoAgents({ delayScale: 0 }),
    admission: {
      acquire: () =>
        new Promise<AdmissionLease>((resolve) => {
          waiting.push(resolve);
          requested();
        }),
    },
  });
  const grant = () => waiting.shift()!({ release: async () => undefined });
  return { factory, admissionRequested, grant };
}

describe('RunRegistry and shutdown', () => {
  it('waits at shutdown for an ask still creating its engine, which then ends with SHUTTING_DOWN and no run', async () => {
    const { factory, admissionRequested, grant } = factoryWithHeldAdmission();
    const runs = new RunRegistry();
    const store = new InMemoryRunStore();
    const frames: ServerFrame[] = [];
    const dependencies = {
      events: new InMemoryEventDelivery(new UserEventHub({ replayBufferSize: 100 })),
      runs,
      store,
      workflow: triageWorkflow,
      now: Date.now,
      factory,
      threadIdOf: () => 'thread-1',
      log: QUIET_LOG,
    };
    const asked = runs.track(
      runAsk(dependencies, {
        session: SESSION,
        connectionId: 'c-1',
        text: 'Our AWS bill doubled.',
        clientRequestId: 'q1',
        reply: (frame) => frames.push(frame),
      }),
    );
    await admissionRequested;

    let stopped = false;
    const shutdown = runs.interruptAll().then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);

    grant();
    await shutdown;
    await asked;
    expect(frames).toEqual([{ type: 'error', code: 'SHUTTING_DOWN', message: 'The server is shutting down.', clientRequestId: 'q1' }]);
    expect(runs.size).toBe(0);
    expect(factory.getMetrics()).toMatchObject({ enginesCreated: 1, enginesActive: 0 });
    expect(await store.listRuns('alice')).toEqual([]);
  });

  it('interrupts a run added after the shutdown began, as it is added', async () => {
    const runs = new RunRegistry();
    const shutdown = runs.interruptAll();
    const controller = new AbortController();
    let finish!: () => void;
    runs.add({ runId: 'r-late', userId: 'alice', sessionId: 's', controller, done: new Promise<void>((resolve) => (finish = resolve)) });
    expect(runs.interrupting).toBe(true);
    expect(controller.signal.aborted).toBe(true);
    expect((controller.signal.reason as Error).name).toBe('RunInterruptedError');
    finish();
    await shutdown;
  });

  it('only lets the owner cancel a run, and cancels a session\u2019s runs on logout', () => {
    const runs = new RunRegistry();
    const mine = new AbortController();
    const other = new AbortController();
    runs.add({ runId: 'r1', userId: 'alice', sessionId: 's1', controller: mine, done: new Promise(() => undefined) });
    runs.add({ runId: 'r2', userId: 'bob', sessionId: 's2', controller: other, done: new Promise(() => undefined) });
    expect(runs.cancel('r1', 'bob')).toBe(false);
    expect(runs.cancel('nope', 'alice')).toBe(false);
    expect(mine.signal.aborted).toBe(false);
    runs.cancelSession('s2');
    expect(other.signal.aborted).toBe(true);
    expect(runs.cancel('r1', 'alice')).toBe(true);
    expect(mine.signal.aborted).toBe(true);
  });
});
