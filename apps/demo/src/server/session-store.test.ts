import { describe, expect, it } from 'vitest';
import { SessionStore } from './session-store.js';

describe('SessionStore', () => {
  it('creates sessions with a random 256-bit base64url token and a separate public id', () => {
    const store = new SessionStore({ ttlMs: 1000, now: () => 0 });
    const first = store.create('alice');
    const second = store.create('alice');
    expect(Buffer.from(first.token, 'base64url')).toHaveLength(32);
    expect(first.token).not.toBe(second.token);
    expect(first.sessionId).not.toBe(first.token);
    expect(store.get(first.token)?.userId).toBe('alice');
  });

  it('refuses expired sessions and forgets them', () => {
    let now = 0;
    const store = new SessionStore({ ttlMs: 1000, now: () => now });
    const session = store.create('bob');
    now = 999;
    expect(store.get(session.token)).toBeDefined();
    now = 1000;
    expect(store.get(session.token)).toBeUndefined();
    expect(store.size).toBe(0);
  });

  it('deletes a session on logout and sweeps expired ones on login', () => {
    let now = 0;
    const store = new SessionStore({ ttlMs: 10, now: () => now });
    const session = store.create('carol');
    expect(store.delete(session.token)?.userId).toBe('carol');
    expect(store.get(session.token)).toBeUndefined();
    store.create('carol');
    now = 20;
    store.create('carol');
    expect(store.size).toBe(1);
    expect(store.get(undefined)).toBeUndefined();
  });
});
