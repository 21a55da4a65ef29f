import { InMemoryRunStore, InvalidConfigError } from '@baton/engine-contract';
import { describe, expect, it } from 'vitest';
import { newStore, storeView } from './__fixtures__/run-store.js';
import { checkRunStore } from './run-store-option.js';

const METHODS = ['create', 'saveStage', 'suspend', 'markRunning', 'complete', 'markInterrupted', 'get', 'listRuns'] as const;

function refusal(store: unknown): Error {
  try {
    checkRunStore(store);
  } catch (error) {
    if (InvalidConfigError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('checkRunStore', () => {
  it('accepts an InMemoryRunStore and any object with every RunStore method, as they are', () => {
    const memory = new InMemoryRunStore();
    expect(checkRunStore(memory)).toBe(memory);
    const custom = storeView(newStore());
    expect(checkRunStore(custom)).toBe(custom);
  });

  it.each([
    ['null', null],
    ['a string', 'redis://localhost:6379'],
    ['a number', 7],
    ['a function', () => undefined],
  ])('refuses %s', (_name, store) => {
    expect(refusal(store).message).toBe(
      'WorkflowOrchestrator: store must be a RunStore (new InMemoryRunStore(), createRedisRunStore(...))',
    );
  });

  it.each(METHODS)('refuses a store without %s(), naming it', (method) => {
    const store: Record<string, unknown> = { ...storeView(newStore()) };
    delete store[method];
    expect(refusal(store).message).toBe(`WorkflowOrchestrator: store has no ${method}() method: it is not a RunStore`);
    expect(refusal({ ...store, [method]: 'not a function' }).message).toContain(`no ${method}() method`);
  });
});
