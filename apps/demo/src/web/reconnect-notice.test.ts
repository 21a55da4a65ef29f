import { describe, expect, it } from 'vitest';
import { reconnectNotice } from './reconnect-notice.js';

describe('reconnectNotice', () => {
  it('never tells the user that runs keep going on the server', () => {
    for (const serverStopped of [true, false]) {
      expect(reconnectNotice({ serverStopped, seconds: 3 })).not.toMatch(/keep going|keeps going|still running/i);
    }
  });

  it('says that a stopped server interrupted its runs', () => {
    expect(reconnectNotice({ serverStopped: true, seconds: 2 })).toBe(
      'The server stopped. Reconnecting in 2 s; runs it was running were interrupted, and their cards show how each one ended.',
    );
  });

  it('after a lost connection, promises only a replay of what the server still holds', () => {
    expect(reconnectNotice({ serverStopped: false, seconds: 1 })).toBe(
      'Disconnected. Reconnecting in 1 s; missed updates will be replayed if the server still has them.',
    );
  });
});
