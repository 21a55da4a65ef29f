import type { AgentInvocation } from './agent-invocation.js';
import type { DeadlineTimer } from './deadline-timer.js';
import type { SafeLogger } from './engine-logger.js';
import type { EngineTimerHandle, EngineTimers } from './engine-timers.js';
import type { EventStream } from './event-stream.js';
import type { RunEnding } from './run-ending.js';
import type { RunQueue } from './run-queue.js';

/** What disposing an engine touches. @internal */
export interface EngineDisposalOptions {
  readonly engineId: string;
  readonly logger: SafeLogger;
  /** How long to wait for agents that ignore their aborted signal (already clamped for setTimeout). */
  readonly disposeTimeoutMs: number;
  /** The factory's timers, for that wait. */
  readonly timers: EngineTimers;
  readonly queue: RunQueue;
  readonly timer: DeadlineTimer;
  readonly ending: RunEnding;
  readonly stream: EventStream;
  readonly invocation: AgentInvocation;
  /**
   * Called once, synchronously, after every call has ended: the factory drops the engine from its
   * registry and releases the user's slot. Its promise never rejects.
   */
  readonly release: () => Promise<void>;
  readonly onInternalError: (error: unknown) => void;
}

/**
 * `engine.dispose()`. Idempotent (the same promise every time). Synchronously: refuses new work, ends
 * every waiting call (without starting it) and every running one as `cancelled`, aborts their
 * signals, ends the event iterators after their buffered events, drops the listeners and lets the
 * factory release the user's slot. Then waits up to `disposeTimeoutMs` for aborted agents to
 * settle. Never rejects.
 * @internal
 */
export class EngineDisposal {
  readonly #options: EngineDisposalOptions;
  #disposal: Promise<void> | undefined = undefined;

  constructor(options: EngineDisposalOptions) {
    this.#options = options;
  }

  dispose(): Promise<void> {
    if (this.#disposal !== undefined) return this.#disposal;
    const { queue, timer, ending, stream, release, onInternalError } = this.#options;
    let finish!: () => void;
    this.#disposal = new Promise<void>((resolve) => {
      finish = resolve;
    });
    queue.close();
    timer.stop();
    let released: Promise<void> = Promise.resolve();
    try {
      ending.cancelAll();
      stream.close();
    } catch (error) {
      onInternalError(error);
    } finally {
      // Always leave the registry and free the slot, whatever a listener or agent did above.
      released = release();
    }
    this.#waitForAgents(released).then(finish, (error: unknown) => {
      onInternalError(error);
      finish();
    });
    return this.#disposal;
  }

  async #waitForAgents(released: Promise<void>): Promise<void> {
    const { invocation, disposeTimeoutMs, timers, logger, engineId } = this.#options;
    const settled = invocation.unsettled === 0 ? released : Promise.all([released, invocation.allSettled()]);
    let timer: EngineTimerHandle | undefined;
    const timedOut = await Promise.race([
      settled.then(() => false),
      new Promise<boolean>((resolve) => {
        timer = timers.setTimeout(() => resolve(true), disposeTimeoutMs);
      }),
    ]);
    if (timer !== undefined) timers.clearTimeout(timer);
    invocation.stopWaiting();
    if (timedOut) {
      logger.warn('Baton: engine disposed without waiting further for agents that ignore their signal', {
        engineId,
        unsettledAgents: invocation.unsettled,
        disposeTimeoutMs,
      });
    }
  }
}
