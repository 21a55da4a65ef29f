import {
  AGENT_EVENT_TYPES,
  type AgentEvent,
  type AgentEventOfType,
  type AgentEventType,
  EngineDisposedError,
  InvalidConfigError,
} from '@baton/engine-contract';
import { assertEventGuarantees, type EngineIdentity, type EventGuaranteeOptions } from './event-guarantees.js';

interface Waiter {
  readonly type: AgentEventType;
  readonly match: ((event: AgentEvent) => boolean) | undefined;
  readonly resolve: (event: AgentEvent) => void;
  readonly reject: (error: unknown) => void;
}

/** Where a recorder's events come from: one engine (`recordEvents`) or every engine of a test factory. @internal */
export interface RecorderSource {
  /** Set for one engine: every event must carry its ids. */
  readonly engine?: EngineIdentity & { isActive(): boolean };
  /** Stops delivery; called once by `stop()`. */
  readonly unsubscribe: () => void;
}

function checkType(method: string, type: unknown): asserts type is AgentEventType {
  if (!(AGENT_EVENT_TYPES as readonly unknown[]).includes(type)) {
    throw new InvalidConfigError({ message: `recorder.${method}(type): type must be one of ${AGENT_EVENT_TYPES.join(', ')}` });
  }
}

/**
 * Every event a source delivered, in delivery order, with filters, a wait for the next matching
 * event (tests order themselves on events, never on time) and assertions of the contract's
 * guarantees. Made by `recordEvents(engine)`, and by `createTestFactory` for all its engines.
 */
export class EventRecorder {
  readonly #events: AgentEvent[] = [];
  readonly #waiters = new Set<Waiter>();
  readonly #source: RecorderSource;
  #stopped = false;

  /** @internal Use `recordEvents(engine)`. */
  constructor(connect: (record: (event: AgentEvent) => void) => RecorderSource) {
    this.#source = connect((event) => this.#record(event));
  }

  /** Every event recorded so far, in delivery order (a live list: it grows as events arrive). */
  get events(): readonly AgentEvent[] {
    return this.#events;
  }

  /**
   * The events of one `type`, typed as that event.
   * @throws InvalidConfigError for a type that is not an event type of the contract.
   */
  byType<T extends AgentEventType>(type: T): AgentEventOfType<T>[] {
    checkType('byType', type);
    return this.#events.filter((event): event is AgentEventOfType<T> => event.type === type);
  }

  /** The events of the run `runId` (the `runId` of the engine's user context), in order. */
  forRun(runId: string): AgentEvent[] {
    return this.#events.filter((event) => event.runId === runId);
  }

  /** The events of one agent call (`result.executionId`) or, for a workflow run's id, its workflow events. */
  forExecution(executionId: string): AgentEvent[] {
    return this.#events.filter((event) => event.executionId === executionId);
  }

  /** `type:agentName` of every event, for order assertions (`'agent_started:writer'`). */
  trace(): string[] {
    return this.#events.map((event) => `${event.type}:${event.agentName}`);
  }

  /** The deltas of one agent call (`result.executionId`) joined: the answer as it was streamed. */
  streamedOutput(executionId: string): string {
    let text = '';
    for (const event of this.#events) if (event.type === 'agent_output_delta' && event.executionId === executionId) text += event.delta;
    return text;
  }

  /**
   * The first event of `type` (that `match` accepts) recorded so far or, if none yet, the next one.
   * @throws InvalidConfigError (as a rejection) for an unknown type, or when the recorder is (or gets)
   *   stopped before such an event arrives.
   * @throws EngineDisposedError (as a rejection) when the recorded engine is already disposed and no
   *   such event was recorded: none can come any more.
   */
  waitFor<T extends AgentEventType>(type: T, match?: (event: AgentEventOfType<T>) => boolean): Promise<AgentEventOfType<T>> {
    const accepts = match as ((event: AgentEvent) => boolean) | undefined;
    let found: AgentEvent | undefined;
    try {
      checkType('waitFor', type);
      if (accepts !== undefined && typeof accepts !== 'function') {
        throw new InvalidConfigError({ message: 'recorder.waitFor(type, match): match must be a function' });
      }
      found = this.#events.find((event) => event.type === type && (accepts === undefined || accepts(event)));
    } catch (error) {
      return Promise.reject(error);
    }
    if (found !== undefined) return Promise.resolve(found as AgentEventOfType<T>);
    if (this.#stopped) return Promise.reject(this.#stoppedError(type));
    const engine = this.#source.engine;
    if (engine !== undefined && !engine.isActive()) return Promise.reject(new EngineDisposedError({ engineId: engine.engineId }));
    return new Promise((resolve, reject) => {
      this.#waiters.add({ type, match: accepts, resolve: resolve as (event: AgentEvent) => void, reject });
    });
  }

  /**
   * Asserts the guarantees of the engine contract over every recorded event (see `EventGuarantee`):
   * gapless `seq`, one `agent_completed` per call and nothing after it, tool calls paired, workflow
   * runs bracketed, every event valid and carrying its engine's ids (the recorded engine's, for
   * `recordEvents(engine)`).
   * @throws EventGuaranteeError naming the guarantee and the first event that breaks it.
   */
  assertGuarantees(options: Pick<EventGuaranteeOptions, 'allowRunning'> = {}): void {
    const engine = this.#source.engine;
    assertEventGuarantees(this.#events, engine === undefined ? options : { ...options, engine });
  }

  /** Stops recording (the events so far stay); waits still pending reject. Idempotent. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#source.unsubscribe();
    for (const waiter of this.#waiters) waiter.reject(this.#stoppedError(waiter.type));
    this.#waiters.clear();
  }

  #stoppedError(type: AgentEventType): InvalidConfigError {
    return new InvalidConfigError({ message: `recorder.waitFor('${type}'): the recorder was stopped before a matching event arrived` });
  }

  #record(event: AgentEvent): void {
    if (this.#stopped) return;
    this.#events.push(event);
    for (const waiter of this.#waiters) {
      if (waiter.type !== event.type) continue;
      let accepted: boolean;
      try {
        accepted = waiter.match === undefined || waiter.match(event);
      } catch (error) {
        // A throwing predicate fails its own wait, never the engine's delivery.
        this.#waiters.delete(waiter);
        waiter.reject(error);
        continue;
      }
      if (!accepted) continue;
      this.#waiters.delete(waiter);
      waiter.resolve(event);
    }
  }
}
