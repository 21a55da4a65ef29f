import { type AgentEvent, type AgentEventListener, AgentEventSchema, describeZodIssue, InvalidEventError } from '@baton/engine-contract';
import type { SafeLogger } from './engine-logger.js';

const NO_LISTENERS: readonly AgentEventListener[] = Object.freeze([]);

/** A factory-wide tap (`onEvent`): like a listener, for every engine of the factory. @internal */
export type EventTap = (event: AgentEvent) => unknown;

/** What a dispatcher needs from its engine; one dispatcher per engine, never shared. @internal */
export interface EventDispatcherOptions {
  engineId: string;
  logger: SafeLogger;
  /** The factory-wide taps, called in order after the engine's own listeners (may be empty). */
  taps: readonly EventTap[];
  /** Parse every event with `AgentEventSchema` before delivery (tests, development). */
  validate: boolean;
}

/**
 * Delivers one engine's events synchronously and in `seq` order to its listeners, then to the
 * factory's taps. A listener or tap that throws (or returns a promise that rejects) is counted and
 * logged; the other listeners and taps, and the run, carry on. An event emitted while another is being delivered (a
 * listener that triggers an event) is queued and delivered right after, so every listener sees
 * every event in the same order.
 * @internal
 */
export class EventDispatcher {
  /** Listener calls (and tap calls) that threw or rejected. */
  errors = 0;
  // Copy-on-write: delivery iterates a snapshot, so (un)subscribing inside a listener is safe.
  private listeners: readonly AgentEventListener[] = NO_LISTENERS;
  private readonly pending: AgentEvent[] = [];
  private delivering = false;
  private readonly engineId: string;
  private readonly logger: SafeLogger;
  private readonly taps: readonly EventTap[];
  private readonly validate: boolean;
  // Hoisted once per engine so that a listener returning a promise costs no closure per event.
  private readonly onAsyncListenerError = (error: unknown): void => this.report(error, undefined);

  constructor(options: EventDispatcherOptions) {
    this.engineId = options.engineId;
    this.logger = options.logger;
    this.taps = options.taps;
    this.validate = options.validate;
  }

  /**
   * True when an event would reach someone (or must be validated). When false the engine skips
   * building events altogether and only advances `seq`, so an unobserved engine pays nothing.
   */
  get observed(): boolean {
    return this.listeners.length > 0 || this.taps.length > 0 || this.validate;
  }

  /** Adds a listener; the returned function removes it (idempotent). */
  subscribe(listener: AgentEventListener): () => void {
    this.listeners = [...this.listeners, listener];
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      const index = this.listeners.indexOf(listener);
      if (index === -1) return;
      const next = this.listeners.slice();
      next.splice(index, 1);
      this.listeners = next.length === 0 ? NO_LISTENERS : next;
    };
  }

  /** Drops every listener (after the engine's last event). */
  clear(): void {
    this.listeners = NO_LISTENERS;
  }

  /**
   * Delivers `event` now, or right after the event being delivered when called from a listener.
   * @throws InvalidEventError when validation is on and the event does not match `AgentEventSchema`.
   */
  dispatch(event: AgentEvent): void {
    if (this.validate) this.check(event);
    if (this.delivering) {
      this.pending.push(event);
      return;
    }
    this.delivering = true;
    try {
      this.deliver(event);
      // Guarded, and the loop kept out of line: this runs per event and is inlined into the engine's
      // hot path, where every byte counts against V8's inlining budget.
      if (this.pending.length !== 0) this.deliverPending();
    } finally {
      this.delivering = false;
    }
  }

  /** Events emitted by listeners during delivery, in emission (= seq) order. */
  private deliverPending(): void {
    const pending = this.pending;
    try {
      for (let index = 0; index < pending.length; index++) this.deliver(pending[index]!);
    } finally {
      pending.length = 0;
    }
  }

  private deliver(event: AgentEvent): void {
    const listeners = this.listeners;
    for (let index = 0; index < listeners.length; index++) {
      try {
        const returned: unknown = listeners[index]!(event);
        if (returned !== undefined) this.watch(returned);
      } catch (error) {
        this.report(error, event);
      }
    }
    // Each tap in its own try, like each listener: one that throws does not keep the event from the next.
    const taps = this.taps;
    for (let index = 0; index < taps.length; index++) {
      try {
        const returned: unknown = taps[index]!(event);
        if (returned !== undefined) this.watch(returned);
      } catch (error) {
        this.report(error, event);
      }
    }
  }

  /** An async listener's rejection would otherwise be an unhandled rejection: count and log it instead. */
  private watch(returned: unknown): void {
    if (typeof returned !== 'object' || returned === null) return;
    try {
      const then = (returned as { then?: unknown }).then;
      if (typeof then === 'function') then.call(returned, undefined, this.onAsyncListenerError);
    } catch (error) {
      this.report(error, undefined);
    }
  }

  private report(error: unknown, event: AgentEvent | undefined): void {
    this.errors++;
    this.logger.error('Baton: an event listener threw; the run and the other listeners carry on', {
      engineId: this.engineId,
      ...(event === undefined ? {} : { eventType: event.type, seq: event.seq }),
      error,
    });
  }

  private check(event: AgentEvent): void {
    const parsed = AgentEventSchema.safeParse(event);
    if (parsed.success) return;
    const error = new InvalidEventError({
      message: `Engine ${this.engineId} built an invalid ${String(event.type)} event: ${describeZodIssue(parsed.error, { root: 'event' })}`,
      cause: parsed.error,
    });
    this.logger.error('Baton: invalid event (validateEvents is on)', { engineId: this.engineId, error });
    throw error;
  }
}
