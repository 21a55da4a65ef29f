import { InvalidConfigError, type RunStore } from '@baton/engine-contract';

const RUN_STORE_METHODS = ['create', 'saveStage', 'suspend', 'markRunning', 'complete', 'markInterrupted', 'get', 'listRuns'] as const;

/**
 * Checks the orchestrator's `store` option: an object with every `RunStore` method.
 * @throws InvalidConfigError naming the first missing method.
 * @internal
 */
export function checkRunStore(store: unknown): RunStore {
  if (typeof store !== 'object' || store === null) {
    throw new InvalidConfigError({
      message: 'WorkflowOrchestrator: store must be a RunStore (new InMemoryRunStore(), createRedisRunStore(...))',
    });
  }
  for (const method of RUN_STORE_METHODS) {
    if (typeof (store as Record<string, unknown>)[method] !== 'function') {
      throw new InvalidConfigError({ message: `WorkflowOrchestrator: store has no ${method}() method: it is not a RunStore` });
    }
  }
  return store as RunStore;
}
