import { InvalidConfigError } from '@baton/engine-contract';
import { describe, expect, it } from 'vitest';
import { createGate } from './gate.js';

/** Whether `promise` has settled after pending reactions ran (no timing involved). */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe('createGate', () => {
  it('holds waits until opened, then lets them and every later wait through', async () => {
    const gate = createGate();
    const first = gate.wait();
    const second = gate.wait();
    expect(await settled(first)).toBe(false);
    expect(gate).toMatchObject({ isOpen: false, arrived: 2, waiting: 2 });
    gate.open();
    await expect(Promise.all([first, second])).resolves.toEqual([undefined, undefined]);
    expect(gate).toMatchObject({ isOpen: true, waiting: 0 });
    await expect(gate.wait()).resolves.toBeUndefined();
    expect(gate.arrived).toBe(3);
    gate.open();
  });

  it('tells the test when a number of waits have begun', async () => {
    const gate = createGate();
    const twice = gate.reached(2);
    void gate.wait();
    expect(await settled(twice)).toBe(false);
    void gate.wait();
    await twice;
    await expect(gate.reached(1)).resolves.toBeUndefined();
    gate.open();
  });

  it("rejects a wait with its signal's reason on abort, and at once for an aborted signal", async () => {
    const gate = createGate();
    const controller = new AbortController();
    const waiting = gate.wait(controller.signal);
    controller.abort(new Error('cancelled by the test'));
    await expect(waiting).rejects.toThrow('cancelled by the test');
    expect(gate.waiting).toBe(0);
    await expect(gate.wait(AbortSignal.abort())).rejects.toMatchObject({ name: 'AbortError' });
    const aborted = new AbortController();
    aborted.abort();
    await expect(gate.wait(aborted.signal)).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('an opened wait no longer listens to its signal', async () => {
    const gate = createGate();
    const controller = new AbortController();
    const waiting = gate.wait(controller.signal);
    gate.open();
    await waiting;
    controller.abort(new Error('too late'));
    await expect(waiting).resolves.toBeUndefined();
  });

  it('refuses a signal that is not an AbortSignal and a count that is not an integer ≥ 1', async () => {
    const gate = createGate();
    await expect(gate.wait({ aborted: false } as never)).rejects.toThrow('gate.wait(signal): signal must be an AbortSignal');
    await expect(gate.reached(0)).rejects.toBeInstanceOf(InvalidConfigError);
    await expect(gate.reached(1.5)).rejects.toThrow('gate.reached(count): count must be an integer ≥ 1');
  });
});
