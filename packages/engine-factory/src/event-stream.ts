import type { AgentEvent, AgentEventListener } from '@baton/engine-contract';
import { EventDispatcher, type EventDispatcherOptions } from './event-dispatcher.js';
import { EventIterator } from './event-iterator.js';

/**
 * One engine's event stream: numbers its events (`seq` starts at 0 and grows by exactly 1 per
 * event, across run and workflow events), delivers them through the dispatcher, and keeps the
 * `events()` iterators so that dispose can end them after their last event.
 * A `seq` is taken even when nobody observes the stream, so a listener added later sees the same
 * numbers it would have seen from the start; only building the event is skipped then.
 * @internal
 */
export class EventStream {
  #seq = 0;
  readonly #dispatcher: EventDispatcher;
  readonly #iterators = new Set<EventIterator>();
  // Hoisted once per engine: an iterator that ends costs no closure.
  readonly #forget = (iterator: EventIterator): void => {
    this.#iterators.delete(iterator);
  };
  readonly #subscribe = (listener: AgentEventListener): (() => void) => this.#dispatcher.subscribe(listener);

  constructor(options: EventDispatcherOptions) {
    this.#dispatcher = new EventDispatcher(options);
  }

  /** True when an event would reach someone; when false, callers take a `seq` and build nothing. */
  get observed(): boolean {
    return this.#dispatcher.observed;
  }

  /** The `seq` the next event will get. */
  get nextSeq(): number {
    return this.#seq;
  }

  /** Listener (and tap) calls that threw or rejected. */
  get listenerErrors(): number {
    return this.#dispatcher.errors;
  }

  /** Takes the next `seq` for an event about to be emitted (or skipped, when nobody observes). */
  take(): number {
    return this.#seq++;
  }

  /**
   * Delivers an event built with a `seq` from `take`.
   * @throws InvalidEventError when `validateEvents` is on and the event is invalid (into the agent's
   *   `ctx.think` / `ctx.tool` call that caused it, like any error of those calls).
   */
  deliver(event: AgentEvent): void {
    this.#dispatcher.dispatch(event);
  }

  /**
   * Like `deliver`, for events emitted while the engine updates a run's state (agent_started,
   * agent_completed, tool calls closed by the run's end): an invalid event (an engine bug, already
   * logged by the dispatcher) must not stop that bookkeeping half way, so it is swallowed.
   */
  deliverOwn(event: AgentEvent): void {
    try {
      this.#dispatcher.dispatch(event);
    } catch {
      // Logged by the dispatcher.
    }
  }

  /** Takes `event.seq` (which must be `nextSeq`) and delivers the event when someone observes. */
  append(event: AgentEvent): void {
    this.#seq++;
    if (this.#dispatcher.observed) this.#dispatcher.dispatch(event);
  }

  /** Adds a listener; the returned function removes it (idempotent). */
  subscribe(listener: AgentEventListener): () => void {
    return this.#dispatcher.subscribe(listener);
  }

  /** A new `events()` iterator; born ended when `ended` (a disposed engine). */
  iterate(signal: AbortSignal | undefined, ended: boolean): AsyncIterable<AgentEvent> {
    const iterator = new EventIterator(ended ? undefined : this.#subscribe, signal, this.#forget);
    if (iterator.open) this.#iterators.add(iterator);
    return iterator;
  }

  /** After the engine's last event: ends the iterators (after their buffered events) and drops the listeners. */
  close(): void {
    for (const iterator of [...this.#iterators]) iterator.end(true);
    this.#dispatcher.clear();
  }
}
