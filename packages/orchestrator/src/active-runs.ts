import type { RunStore } from '@baton/engine-contract';

// Per store, the workflow ids a run or resume of this process is executing now: a second `resume`
// of one of them is refused, rather than run the same stages twice at once. Keyed by the store, so
// that two stores (two tenants' databases, two tests) never see each other's ids.
const active = new WeakMap<RunStore, Set<string>>();

/** Marks `workflowId` running in this process; false when it already is. @internal */
export function claimActiveRun(store: RunStore, workflowId: string): boolean {
  let ids = active.get(store);
  if (ids === undefined) {
    ids = new Set();
    active.set(store, ids);
  }
  if (ids.has(workflowId)) return false;
  ids.add(workflowId);
  return true;
}

/** Marks `workflowId` no longer running in this process. @internal */
export function releaseActiveRun(store: RunStore, workflowId: string): void {
  active.get(store)?.delete(workflowId);
}

/** True when a run or resume of this process is executing `workflowId` on `store`. @internal */
export function isActiveRun(store: RunStore, workflowId: string): boolean {
  return active.get(store)?.has(workflowId) === true;
}
