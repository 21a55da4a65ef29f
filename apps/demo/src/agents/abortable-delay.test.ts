import { describe, expect, it } from 'vitest';
import { abortableDelay, createPace } from './abortable-delay.js';

describe('abortableDelay', () => {
  it('rejects at once with the signal reason when already aborted', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    controller.abort(reason);
    await expect(abortableDelay(10_000, controller.signal)).rejects.toBe(reason);
  });

  it('rejects as soon as the signal aborts, long before the delay', async () => {
    const controller = new AbortController();
    const started = performance.now();
    const waiting = abortableDelay(60_000, controller.signal);
    controller.abort(new Error('cancelled'));
    await expect(waiting).rejects.toThrow('cancelled');
    // Half the delay: a margin no busy machine eats.
    expect(performance.now() - started).toBeLessThan(30_000);
  });

  it('resolves after the delay', async () => {
    await expect(abortableDelay(1, new AbortController().signal)).resolves.toBeUndefined();
  });
});

describe('createPace', () => {
  it('refuses a negative or non-finite scale', () => {
    expect(() => createPace(-1)).toThrow(RangeError);
    expect(() => createPace(Number.NaN)).toThrow(RangeError);
  });
});
