import { getEventListeners } from 'node:events';
import type { AgentEvent } from '@baton/engine-contract';
import { describe, expect, it, vi } from 'vitest';
import { EventIterator } from './event-iterator.js';

const event = (seq: number) => ({ type: 'agent_thinking', seq }) as unknown as AgentEvent;

/** An iterator wired to a hand-driven source: `emit` pushes an event to its listener. */
function source(signal?: AbortSignal) {
  let listener: ((event: AgentEvent) => void) | undefined;
  const unsubscribe = vi.fn(() => {
    listener = undefined;
  });
  const onClose = vi.fn();
  const iterator = new EventIterator(
    (added) => {
      listener = added;
      return unsubscribe;
    },
    signal,
    onClose,
  );
  return { iterator, emit: (value: AgentEvent) => listener?.(value), unsubscribe, onClose, subscribed: () => listener !== undefined };
}

describe('EventIterator', () => {
  it('hands an event to a reader already waiting as { done: false, value }', async () => {
    const { iterator, emit } = source();
    const waiting = iterator.next();
    emit(event(0));
    await expect(waiting).resolves.toEqual({ done: false, value: event(0) });
  });

  it('keeps thousands of buffered events in order across compactions while reading and writing interleave', async () => {
    const { iterator, emit } = source();
    for (let seq = 0; seq < 2_100; seq++) emit(event(seq));
    const read: number[] = [];
    for (let index = 0; index < 1_100; index++) read.push(((await iterator.next()).value as AgentEvent).seq);
    for (let seq = 2_100; seq < 3_000; seq++) emit(event(seq));
    for (let index = 0; index < 1_900; index++) read.push(((await iterator.next()).value as AgentEvent).seq);
    expect(read).toEqual(Array.from({ length: 3_000 }, (_, seq) => seq));
    const pending = iterator.next();
    emit(event(3_000));
    expect(((await pending).value as AgentEvent).seq).toBe(3_000);
  });

  it('drops buffered events at once on return() and on abort, unsubscribing and removing its abort listener', async () => {
    for (const stop of ['return', 'abort'] as const) {
      const controller = new AbortController();
      const { iterator, emit, unsubscribe, onClose } = source(controller.signal);
      emit(event(0));
      emit(event(1));
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
      if (stop === 'return') await expect(iterator.return()).resolves.toEqual({ done: true, value: undefined });
      else controller.abort();
      await expect(iterator.next()).resolves.toEqual({ done: true, value: undefined });
      expect(unsubscribe).toHaveBeenCalledTimes(1);
      expect(onClose).toHaveBeenCalledTimes(1);
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
      expect(iterator.open).toBe(false);
    }
  });

  it('returns the buffered events before done when ended with drain (dispose), and tells its engine only once', async () => {
    const { iterator, emit, onClose } = source();
    emit(event(0));
    iterator.end(true);
    iterator.end(true);
    expect(onClose).toHaveBeenCalledTimes(1);
    await expect(iterator.next()).resolves.toEqual({ done: false, value: event(0) });
    await expect(iterator.next()).resolves.toEqual({ done: true, value: undefined });
  });

  it('ends every waiting reader when it ends, and is born ended for an aborted signal or a disposed engine', async () => {
    const { iterator } = source();
    const first = iterator.next();
    const second = iterator.next();
    iterator.end(true);
    await expect(Promise.all([first, second])).resolves.toEqual([
      { done: true, value: undefined },
      { done: true, value: undefined },
    ]);
    const subscribe = vi.fn();
    expect(new EventIterator(subscribe, AbortSignal.abort(), () => {}).open).toBe(false);
    expect(subscribe).not.toHaveBeenCalled();
    expect(new EventIterator(undefined, undefined, () => {}).open).toBe(false);
  });
});
