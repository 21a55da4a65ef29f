import type {
  AgentEvent,
  AgentEventListener,
  AgentRunResult,
  EngineStats,
  ExecuteAgentOptions,
  ExecuteAgentRequest,
  UserExecutionContext,
  UserExecutionEngine,
  WorkflowEventInput,
} from '@baton/engine-contract';
import type { EngineCore } from './engine-core.js';

/**
 * The engine object users hold. A thin, frozen facade over its `EngineCore`, which it keeps in a
 * private field. Not exported from the package: engines are made only by the factory, which also
 * registers each one as genuine (registration lives in `createEngine`, not here, so that an instance
 * of a subclass made elsewhere is never genuine).
 * @internal
 */
export class UserExecutionEngineImpl implements UserExecutionEngine {
  readonly engineId: string;
  readonly userContext: UserExecutionContext;
  readonly #core: EngineCore;

  constructor(core: EngineCore) {
    this.#core = core;
    this.engineId = core.engineId;
    this.userContext = core.userContext;
    Object.freeze(this);
  }

  executeAgent(request: ExecuteAgentRequest, options?: ExecuteAgentOptions): Promise<AgentRunResult> {
    return this.#core.execute(request, options);
  }

  subscribe(listener: AgentEventListener): () => void {
    return this.#core.subscribe(listener);
  }

  events(options?: { signal?: AbortSignal }): AsyncIterable<AgentEvent> {
    return this.#core.events(options);
  }

  /** Throws `EngineDisposedError` after `dispose()`, `InvalidEventError` for any other event type or a bad payload. */
  emitWorkflowEvent(event: WorkflowEventInput): void {
    this.#core.emitWorkflowEvent(event);
  }

  getStats(): EngineStats {
    return this.#core.getStats();
  }

  isActive(): boolean {
    return !this.#core.disposed;
  }

  dispose(): Promise<void> {
    return this.#core.dispose();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.#core.dispose();
  }

  get [Symbol.toStringTag](): string {
    return 'UserExecutionEngine';
  }
}

// Nobody can patch the methods of every engine through the (reachable) prototype.
Object.freeze(UserExecutionEngineImpl.prototype);
