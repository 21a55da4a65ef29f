import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import type { ClientConnection } from './client-connection.js';
import { closeAtSessionExpiry } from './socket-lifecycle.js';

/** Just enough of a ws socket: its state, `close`, and the `close` event. */
class FakeSocket extends EventEmitter {
  readonly OPEN = 1;
  readonly CONNECTING = 0;
  readyState = 1;
  closedWith: [number, string] | undefined;
  close(code: number, reason: string): void {
    this.closedWith = [code, reason];
    this.readyState = 3;
    this.emit('close');
  }
}

function connection(expiresAt: number): { connection: ClientConnection; socket: FakeSocket } {
  const socket = new FakeSocket();
  const session = { token: 't', sessionId: 's', userId: 'alice', createdAt: 0, expiresAt };
  return { socket, connection: { connectionId: 'c', session, socket: socket as unknown as WebSocket } };
}

describe('closeAtSessionExpiry', () => {
  it('re-arms a timer that fired before the expiry (setTimeout caps long delays), then closes with 1008', () => {
    let now = 0;
    const timers: Array<{ delayMs: number; callback: () => void; cancelled: boolean }> = [];
    const schedule = (delayMs: number, callback: () => void) => {
      const timer = { delayMs, callback, cancelled: false };
      timers.push(timer);
      return () => {
        timer.cancelled = true;
      };
    };
    const { connection: open, socket } = connection(5_000_000_000);
    closeAtSessionExpiry(open, () => now, schedule);
    expect(timers.map((timer) => timer.delayMs)).toEqual([5_000_000_000]);

    now = 2 ** 31 - 1;
    timers[0]!.callback();
    expect(socket.closedWith).toBeUndefined();
    expect(timers[1]!.delayMs).toBe(5_000_000_000 - (2 ** 31 - 1));

    now = 5_000_000_000;
    timers[1]!.callback();
    expect(socket.closedWith).toEqual([1008, 'Session ended']);
  });

  it('cancels its timer when the socket closes first', () => {
    const cancelled: boolean[] = [];
    const { connection: open, socket } = connection(1000);
    closeAtSessionExpiry(
      open,
      () => 0,
      () => () => cancelled.push(true),
    );
    socket.close(1000, 'Bye');
    expect(cancelled).toEqual([true]);
  });
});
