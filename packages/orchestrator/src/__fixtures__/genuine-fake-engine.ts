import { createUserExecutionContext, type UserExecutionContext, type UserExecutionEngine } from '@baton/engine-contract';
import { type FakeAgent, FakeEngine } from './fake-engine.js';

/**
 * The fake engine, passed off as genuine for `WorkflowOrchestrator` unit tests. The contract keeps its
 * set of genuine engines under a `Symbol.for` key on globalThis (so that duplicate copies of the
 * contract agree); this test-only seam adds the fake to it. Real engines are used in apps/integration
 * (this package may not depend on @baton/engine-factory).
 */
export class GenuineFakeEngine extends FakeEngine {
  readonly engineId = 'fake-engine-1';
  readonly userContext: UserExecutionContext;

  constructor(
    agents: Record<string, FakeAgent>,
    userContext = createUserExecutionContext({ userId: 'user-1', threadId: 'thread-1', runId: 'run-1' }),
  ) {
    super(agents);
    this.userContext = userContext;
    const genuine = (globalThis as unknown as Record<symbol, WeakSet<object> | undefined>)[
      Symbol.for('baton.engine-contract.genuine-engines.v1')
    ];
    if (!(genuine instanceof WeakSet)) throw new Error('the contract has not created its genuine-engine set');
    genuine.add(this);
  }

  /** Typed as the engine interface the orchestrator's constructor expects. */
  asEngine(): UserExecutionEngine {
    return this as unknown as UserExecutionEngine;
  }
}
