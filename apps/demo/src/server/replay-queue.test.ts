import { describe, expect, it } from 'vitest';
import { ReplayQueue } from './replay-queue.js';

/** A replay the test ends by hand, recording when it starts. */
function heldReplay(log: string[], name: string) {
  let finish!: () => void;
  let fail!: (error: Error) => void;
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  return {
    replay: () => {
      log.push(`start ${name}`);
      return done;
    },
    finish: () => finish(),
    fail: (error: Error) => fail(error),
  };
}

const open = () => new AbortController().signal;

describe('ReplayQueue', () => {
  it("runs one user's replays one at a time, in order, while another user's run at once", async () => {
    const queue = new ReplayQueue();
    const log: string[] = [];
    const [a1, a2, b1] = [heldReplay(log, 'a1'), heldReplay(log, 'a2'), heldReplay(log, 'b1')];
    const first = queue.run('alice', open(), a1.replay);
    const second = queue.run('alice', open(), a2.replay);
    const other = queue.run('bob', open(), b1.replay);
    await Promise.resolve();
    expect(log).toEqual(['start a1', 'start b1']);
    a1.finish();
    await first;
    await Promise.resolve();
    expect(log).toEqual(['start a1', 'start b1', 'start a2']);
    a2.finish();
    b1.finish();
    await Promise.all([second, other]);
    expect(queue.busyUsers).toBe(0);
  });

  it('skips a replay whose socket closed while it waited', async () => {
    const queue = new ReplayQueue();
    const log: string[] = [];
    const [a1, a2, a3] = [heldReplay(log, 'a1'), heldReplay(log, 'a2'), heldReplay(log, 'a3')];
    const closed = new AbortController();
    const first = queue.run('alice', open(), a1.replay);
    const skipped = queue.run('alice', closed.signal, a2.replay);
    const third = queue.run('alice', open(), a3.replay);
    closed.abort();
    a1.finish();
    await Promise.all([first, skipped]);
    await Promise.resolve();
    expect(log).toEqual(['start a1', 'start a3']);
    a3.finish();
    await third;
  });

  it('passes a failed replay to its caller without holding up the next one', async () => {
    const queue = new ReplayQueue();
    const log: string[] = [];
    const [a1, a2] = [heldReplay(log, 'a1'), heldReplay(log, 'a2')];
    const first = queue.run('alice', open(), a1.replay);
    const second = queue.run('alice', open(), a2.replay);
    a1.fail(new Error('boom'));
    await expect(first).rejects.toThrow('boom');
    await Promise.resolve();
    expect(log).toEqual(['start a1', 'start a2']);
    a2.finish();
    await second;
    expect(queue.busyUsers).toBe(0);
  });
});
