import { describe, expect, it } from 'vitest';
import { SocketQuota, type SocketSlot } from './socket-quota.js';

const session = (sessionId: string, userId = 'alice') => ({ sessionId, userId });

function admitted(slot: SocketSlot | { refused: string }): SocketSlot {
  if ('refused' in slot) throw new Error(`refused: ${slot.refused}`);
  return slot;
}

describe('SocketQuota', () => {
  it('refuses a socket over the session cap with a reason naming it, while another session of the user still gets one', () => {
    const quota = new SocketQuota({ perSession: 2, perUser: 3 });
    admitted(quota.admit(session('s1')));
    admitted(quota.admit(session('s1')));
    expect(quota.admit(session('s1'))).toEqual({ refused: 'Too many open sockets for this login (at most 2); close a tab' });
    admitted(quota.admit(session('s2')));
    expect(quota.socketsOf('alice')).toBe(3);
  });

  it('refuses a socket over the user cap across sessions, and other users are not affected', () => {
    const quota = new SocketQuota({ perSession: 8, perUser: 2 });
    admitted(quota.admit(session('s1')));
    admitted(quota.admit(session('s2')));
    expect(quota.admit(session('s3'))).toEqual({ refused: 'Too many open sockets for this user (at most 2); close a tab' });
    admitted(quota.admit(session('b1', 'bob')));
  });

  it('frees the slot when a socket closes (release is idempotent)', () => {
    const quota = new SocketQuota({ perSession: 1, perUser: 1 });
    const slot = admitted(quota.admit(session('s1')));
    slot.release();
    slot.release();
    expect(quota.socketsOf('alice')).toBe(0);
    admitted(quota.admit(session('s1')));
    expect(quota.admit(session('s1'))).toHaveProperty('refused');
  });

  it('refuses caps that are not whole numbers of at least 1', () => {
    expect(() => new SocketQuota({ perSession: 0, perUser: 16 })).toThrow('maxSocketsPerSession must be a whole number ≥ 1, got 0');
    expect(() => new SocketQuota({ perSession: 8, perUser: 2.5 })).toThrow('maxSocketsPerUser must be a whole number ≥ 1, got 2.5');
  });
});
