import type { AgentEvent } from '@baton/engine-contract';
import { describe, expect, it } from 'vitest';
import { UserEventHub } from './user-event-hub.js';

function event(userId: string, seq: number, runId = `run-${userId}`): AgentEvent {
  return {
    type: 'agent_thinking',
    userId,
    threadId: 't',
    runId,
    requestId: 'r',
    engineId: `engine-${userId}`,
    executionId: 'x',
    agentName: 'triage',
    seq,
    timestamp: seq,
    thought: `thought ${seq}`,
  };
}

function recorder() {
  const frames: Array<{ type: string; id?: string; code?: string; event?: AgentEvent }> = [];
  return { frames, subscriber: { send: (json: string) => frames.push(JSON.parse(json)) } };
}

describe('UserEventHub', () => {
  it("sends a user's events to every socket of that user and to no other user's", () => {
    const hub = new UserEventHub({ replayBufferSize: 10 });
    const aliceOne = recorder();
    const aliceTwo = recorder();
    const bob = recorder();
    hub.subscribe('alice', aliceOne.subscriber);
    hub.subscribe('alice', aliceTwo.subscriber);
    hub.subscribe('bob', bob.subscriber);
    hub.publish('alice', event('alice', 0));
    expect(aliceOne.frames).toHaveLength(1);
    expect(aliceTwo.frames).toEqual(aliceOne.frames);
    expect(bob.frames).toEqual([]);
  });

  it('drops an event whose userId is not the channel it is published on', () => {
    const hub = new UserEventHub({ replayBufferSize: 10 });
    const bob = recorder();
    hub.subscribe('bob', bob.subscriber);
    expect(hub.publish('bob', event('alice', 0))).toBe(false);
    expect(bob.frames).toEqual([]);
  });

  it('replays after an id, in order and without duplicates, then continues live', () => {
    const hub = new UserEventHub({ replayBufferSize: 10 });
    for (let seq = 0; seq < 5; seq++) hub.publish('alice', event('alice', seq));
    const live = recorder();
    hub.subscribe('alice', live.subscriber);
    hub.publish('alice', event('alice', 5));
    const since = live.frames[0]!.id!;
    const late = recorder();
    // `since` is the 6th event: nothing to replay yet, then live.
    expect(hub.subscribe('alice', late.subscriber, since).outcome).toBe('replayed');
    hub.publish('alice', event('alice', 6));
    expect(late.frames.map((frame) => frame.event?.seq)).toEqual([6]);
    const fromStart = recorder();
    const firstId = hub.lastEventId('alice')!.replace(/\d+$/, (digits) => '1'.padStart(digits.length, '0'));
    hub.subscribe('alice', fromStart.subscriber, firstId);
    expect(fromStart.frames.map((frame) => frame.event?.seq)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('answers REPLAY_UNAVAILABLE for unknown, future, foreign-epoch and evicted ids', () => {
    const hub = new UserEventHub({ replayBufferSize: 3 });
    for (let seq = 0; seq < 6; seq++) hub.publish('alice', event('alice', seq));
    const last = hub.lastEventId('alice')!;
    const [epoch] = last.split('-');
    for (const since of ['garbage', `${epoch}-9999999999`, `00000000-0000000005`, `${epoch}-0000000001`]) {
      const client = recorder();
      expect(hub.subscribe('alice', client.subscriber, since).outcome).toBe('unavailable');
      expect(client.frames).toEqual([expect.objectContaining({ type: 'error', code: 'REPLAY_UNAVAILABLE' })]);
    }
    // The oldest id still fully covered: events 4..6 are held, so "after 3" works.
    const client = recorder();
    expect(hub.subscribe('alice', client.subscriber, `${epoch}-0000000003`).outcome).toBe('replayed');
    expect(client.frames.map((frame) => frame.event?.seq)).toEqual([3, 4, 5]);
  });

  it('stops sending to an unsubscribed socket', () => {
    const hub = new UserEventHub({ replayBufferSize: 3 });
    const client = recorder();
    const { unsubscribe } = hub.subscribe('alice', client.subscriber);
    unsubscribe();
    hub.publish('alice', event('alice', 0));
    expect(client.frames).toEqual([]);
  });

  it("hands out the position before a user's first event as a cursor that replays everything", () => {
    const hub = new UserEventHub({ replayBufferSize: 10 });
    const start = hub.position('alice');
    expect(start).toMatch(/^[0-9a-f]{8}-0000000000$/);
    for (let seq = 0; seq < 3; seq++) hub.publish('alice', event('alice', seq));
    const client = recorder();
    expect(hub.subscribe('alice', client.subscriber, start).outcome).toBe('replayed');
    expect(client.frames.map((frame) => frame.event?.seq)).toEqual([0, 1, 2]);
    expect(hub.position('alice')).toBe(hub.lastEventId('alice'));
  });

  it('gives a replay cursor at the earliest start of the runs asked for, keeping the first start of a run marked twice', () => {
    const hub = new UserEventHub({ replayBufferSize: 10 });
    hub.publish('alice', event('alice', 0, 'earlier'));
    hub.markRunStart('alice', 'one');
    hub.publish('alice', event('alice', 0, 'one'));
    hub.markRunStart('alice', 'two');
    hub.publish('alice', event('alice', 0, 'two'));
    hub.markRunStart('alice', 'one');
    hub.publish('alice', event('alice', 1, 'one'));
    const end = hub.position('alice');
    const replay = (cursor: string) => {
      const client = recorder();
      hub.subscribe('alice', client.subscriber, cursor);
      return client.frames.map((frame) => `${frame.event?.runId}:${frame.event?.seq}`);
    };
    expect(replay(hub.replayCursor('alice', ['two', 'one', 'unknown'], end))).toEqual(['one:0', 'two:0', 'one:1']);
    expect(replay(hub.replayCursor('alice', ['two'], end))).toEqual(['two:0', 'one:1']);
    expect(replay(hub.replayCursor('alice', [], end))).toEqual([]);
    // Another user's run starts are not this user's.
    expect(hub.replayCursor('bob', ['one'], hub.position('bob'))).toBe(hub.position('bob'));
  });

  it('forgets run starts whose first event left the buffer: the cursor falls back to the end', () => {
    const hub = new UserEventHub({ replayBufferSize: 3 });
    hub.markRunStart('alice', 'long');
    for (let seq = 0; seq < 5; seq++) hub.publish('alice', event('alice', seq, 'long'));
    const end = hub.position('alice');
    expect(hub.replayCursor('alice', ['long'], end)).toBe(end);
  });
});
