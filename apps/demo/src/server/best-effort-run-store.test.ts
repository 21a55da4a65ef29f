import { InMemoryRunStore, RunNotFoundError, RunNotResumableError, type RunStore, TransportError } from '@baton/engine-contract';
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
    markRunning: (id, options) => (state.reachable ? inner.markRunning(id, options) : fail()),
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

  it("passes markRunning's compare-and-set through: of two resumes of a suspended run, the second is refused", async () => {
    const inner = new InMemoryRunStore();
    const bestEffort = new BestEffortRunStore(inner, logRecorder().log);
    await bestEffort.create(record);
    await bestEffort.suspend('wf-1', { stage: 'actions', prompt: 'Apply?', suspendedAt: 1 });
    await bestEffort.markRunning('wf-1', { from: 'suspended' });
    await expect(bestEffort.markRunning('wf-1', { from: 'suspended' })).rejects.toSatisfy((error) =>
      RunNotResumableError.isInstance(error),
    );
    expect(await inner.get('wf-1')).toMatchObject({ status: 'running' });
  });

  it('refuses a compare-and-set while the store is unreachable instead of skipping it (a decision must be taken once)', async () => {
    const { store, state } = flakyStore(new InMemoryRunStore());
    const { warnings, log } = logRecorder();
    state.reachable = true;
    let reachable = true;
    const bestEffort = new BestEffortRunStore(store, log, () => reachable);
    await bestEffort.create(record);
    await bestEffort.suspend('wf-1', { stage: 'actions', prompt: 'Apply?', suspendedAt: 1 });
    reachable = false;
    await expect(bestEffort.markRunning('wf-1', { from: 'suspended' })).rejects.toSatisfy((error) => TransportError.isInstance(error));
    reachable = true;
    state.reachable = false;
    await expect(bestEffort.markRunning('wf-1', { from: 'suspended' })).rejects.toSatisfy((error) => TransportError.isInstance(error));
    expect(warnings).toEqual([]);
    state.reachable = true;
    expect(await bestEffort.get('wf-1')).toMatchObject({ status: 'suspended' });
  });
});
