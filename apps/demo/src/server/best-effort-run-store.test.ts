import { InMemoryRunStore, RunNotFoundError, type RunStore, TransportError } from '@baton/engine-contract';
import { describe, expect, it } from 'vitest';
import { BestEffortRunStore } from './best-effort-run-store.js';

const record = { workflowId: 'wf-1', workflowName: 'triage-workflow', userId: 'alice', threadId: 't', runId: 'run-1', input: 'Why?' };
const stage = {
  status: 'succeeded' as const,
  executionId: 'x',
  agentName: 'triage',
  runId: 'run-1',
  requestId: 'r',
  stage: 'triage',
  durationMs: 1,
  queuedMs: 0,
};

/** A store whose every call fails as Redis does while it is away, until `reachable` is set. */
function flakyStore(inner: RunStore) {
  const state = { reachable: false };
  const fail = () => Promise.reject(new TransportError({ message: 'Redis is away' }));
  const store: RunStore = {
    create: (value) => (state.reachable ? inner.create(value) : fail()),
    saveStage: (id, value) => (state.reachable ? inner.saveStage(id, value) : fail()),
    suspend: (id, value) => (state.reachable ? inner.suspend(id, value) : fail()),
    markRunning: (id) => (state.reachable ? inner.markRunning(id) : fail()),
    complete: (id, value) => (state.reachable ? inner.complete(id, value) : fail()),
    markInterrupted: (id) => (state.reachable ? inner.markInterrupted(id) : fail()),
    get: (id) => (state.reachable ? inner.get(id) : fail()),
    listRuns: (userId, options) => (state.reachable ? inner.listRuns(userId, options) : fail()),
  };
  return { store, state };
}

function logRecorder() {
  const warnings: string[] = [];
  return { warnings, log: { warn: (_details: object, message: string) => warnings.push(message) } };
}

describe('BestEffortRunStore', () => {
  it('logs and skips writes the store cannot make (Redis away), so the run goes on', async () => {
    const inner = new InMemoryRunStore();
    const { store, state } = flakyStore(inner);
    const { warnings, log } = logRecorder();
    const bestEffort = new BestEffortRunStore(store, log);
    state.reachable = true;
    await bestEffort.create(record);
    state.reachable = false;
    await expect(bestEffort.saveStage('wf-1', stage)).resolves.toBeUndefined();
    await expect(bestEffort.complete('wf-1', { status: 'succeeded', path: 'p', durationMs: 1 })).resolves.toBeUndefined();
    expect(warnings).toHaveLength(2);
    // Reads are not hidden: the API reports the outage.
    await expect(bestEffort.get('wf-1')).rejects.toSatisfy((error) => TransportError.isInstance(error));
    state.reachable = true;
    expect(await bestEffort.get('wf-1')).toMatchObject({ status: 'running', stages: [] });
  });

  it('skips every later write of a run whose record could not be created, even once the store is back', async () => {
    const { store, state } = flakyStore(new InMemoryRunStore());
    const bestEffort = new BestEffortRunStore(store, logRecorder().log);
    expect(await bestEffort.create(record)).toMatchObject({ workflowId: 'wf-1', status: 'running' });
    state.reachable = true;
    await expect(bestEffort.saveStage('wf-1', stage)).resolves.toBeUndefined();
    await expect(bestEffort.complete('wf-1', { status: 'succeeded', path: 'p', durationMs: 1 })).resolves.toBeUndefined();
    // Forgotten once the run ended: another write is the store's to answer.
    await expect(bestEffort.saveStage('wf-1', stage)).rejects.toSatisfy((error) => RunNotFoundError.isInstance(error));
  });

  it('skips writes at once while the store is known to be unreachable, without calling it', async () => {
    const inner = new InMemoryRunStore();
    let reachable = true;
    const bestEffort = new BestEffortRunStore(inner, logRecorder().log, () => reachable);
    await bestEffort.create(record);
    reachable = false;
    await bestEffort.saveStage('wf-1', stage);
    reachable = true;
    expect((await inner.get('wf-1'))?.stages).toEqual([]);
  });

  it("rethrows the store's other answers (an unknown run)", async () => {
    const bestEffort = new BestEffortRunStore(new InMemoryRunStore(), logRecorder().log);
    await expect(bestEffort.saveStage('nope', stage)).rejects.toSatisfy((error) => RunNotFoundError.isInstance(error));
  });
});
