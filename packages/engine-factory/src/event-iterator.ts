import type { AgentEvent } from '@baton/engine-contract';

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/**
 * The async-iterable view of one engine's event stream (`engine.events()`). It subscribes when it is
 * created, so no event emitted between `events()` and the first `next()` is lost, and buffers events
 * until they are read (one buffer per iterator; a slow reader never slows the run).
 * Ends: on `return()` (a `break` in `for await`) and when the signal aborts, at once, dropping what
 * is buffered; when the engine is disposed, after the events already buffered, the last
 * `agent_completed` events of the cancelled runs included. Single-use: iterating it twice shares the
 * one buffer.
 * @internal
 */
export class EventIterator implements AsyncIterableIterator<AgentEvent> {
  private buffer: AgentEvent[] = [];
  private head = 0;
  private readonly waiters: ((result: IteratorResult<AgentEvent, undefined>) => void)[] = [];
  private ended = false;
  private unsubscribe: (() => void) | undefined;
  private signal: AbortSignal | undefined;
  private readonly onClose: (iterator: EventIterator) => void;

  /**
   * @param subscribe adds the iterator's listener to the engine and returns the unsubscribe function;
   *   `undefined` when the engine is disposed already (the iterator is born ended).
   * @param onClose tells the engine the iterator no longer needs to be ended on dispose.
   */
  constructor(
    subscribe: ((listener: (event: AgentEvent) => void) => () => void) | undefined,
    signal: AbortSignal | undefined,
    onClose: (iterator: EventIterator) => void,
  ) {
    this.onClose = onClose;
    if (subscribe === undefined || signal?.aborted === true) {
      this.ended = true;
      return;
    }
    this.unsubscribe = subscribe((event) => this.push(event));
    if (signal !== undefined) {
      this.signal = signal;
      signal.addEventListener('abort', this);
    }
  }

  /** False once the stream has ended (it may still hold buffered events). */
  get open(): boolean {
    return !this.ended;
  }

  /** The signal's abort: end now. */
  handleEvent(): void {
    this.end(false);
  }

  private push(event: AgentEvent): void {
    if (this.ended) return;
    const waiter = this.waiters.shift();
    if (waiter !== undefined) waiter({ done: false, value: event });
    else this.buffer.push(event);
  }

  /**
   * Stops the stream. With `drain`, events already buffered are still returned before `done`.
   * @internal
   */
  end(drain: boolean): void {
    if (this.unsubscribe !== undefined) {
      this.unsubscribe();
      this.unsubscribe = undefined;
    }
    if (this.signal !== undefined) {
      this.signal.removeEventListener('abort', this);
      this.signal = undefined;
    }
    if (!drain) {
      this.buffer = [];
      this.head = 0;
    }
    if (!this.ended) {
      this.ended = true;
      this.onClose(this);
    }
    // Waiters exist only while the buffer is empty, so they all end now.
    for (const waiter of this.waiters.splice(0)) waiter(DONE);
  }

  next(): Promise<IteratorResult<AgentEvent, undefined>> {
    if (this.head < this.buffer.length) {
      const value = this.buffer[this.head]!;
      this.head++;
      if (this.head === this.buffer.length) {
        this.buffer.length = 0;
        this.head = 0;
      } else if (this.head >= 1024 && this.head * 2 >= this.buffer.length) {
        // Compact now and then instead of shifting each time (O(1) amortised).
        this.buffer = this.buffer.slice(this.head);
        this.head = 0;
      }
      return Promise.resolve({ done: false, value });
    }
    if (this.ended) return Promise.resolve(DONE);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  return(): Promise<IteratorResult<AgentEvent, undefined>> {
    this.end(false);
    return Promise.resolve(DONE);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
