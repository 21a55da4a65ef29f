import { describe, expect, it } from 'vitest';
import { newStore } from './__fixtures__/run-store.js';
import { claimActiveRun, isActiveRun, releaseActiveRun } from './active-runs.js';

describe('active runs', () => {
  it('claims an id once until it is released', () => {
    const store = newStore();
    expect(isActiveRun(store, 'wf-1')).toBe(false);
    expect(claimActiveRun(store, 'wf-1')).toBe(true);
    expect(isActiveRun(store, 'wf-1')).toBe(true);
    expect(claimActiveRun(store, 'wf-1')).toBe(false);
    releaseActiveRun(store, 'wf-1');
    expect(isActiveRun(store, 'wf-1')).toBe(false);
    expect(claimActiveRun(store, 'wf-1')).toBe(true);
  });

  it('keeps ids apart per store and per id', () => {
    const one = newStore();
    const two = newStore();
    expect(claimActiveRun(one, 'wf-1')).toBe(true);
    expect(claimActiveRun(two, 'wf-1')).toBe(true);
    expect(claimActiveRun(one, 'wf-2')).toBe(true);
    releaseActiveRun(one, 'wf-1');
    expect(isActiveRun(two, 'wf-1')).toBe(true);
    expect(isActiveRun(one, 'wf-2')).toBe(true);
  });

  it('releasing an id never claimed, or on a store never used, does nothing', () => {
    const store = newStore();
    expect(() => releaseActiveRun(store, 'wf-9')).not.toThrow();
    claimActiveRun(store, 'wf-1');
    releaseActiveRun(store, 'wf-9');
    expect(isActiveRun(store, 'wf-1')).toBe(true);
  });
});
