import { defineAgent } from '@baton/engine-contract';
import { describe, expect, it } from 'vitest';
import { AgentRun, type RunOwner, RunState } from './agent-run.js';
import { RunQueue } from './run-queue.js';

const agent = defineAgent({ name: 'noop', run: () => undefined });
const owner = {} as RunOwner;
let executions = 0;
function runDue(deadline: number): AgentRun {
  return new AgentRun(owner, `e:${++executions}`, agent, undefined, undefined, 0, deadline);
}

describe('RunQueue', () => {
  it('lets a new call start only while a slot is free and nobody waits', () => {
    const queue = new RunQueue(1, 2);
    expect(queue.hasFreeSlot()).toBe(true);
    const running = runDue(10);
    queue.occupy(running);
    expect(queue.hasFreeSlot()).toBe(false);
    const waiting = runDue(10);
    queue.enqueue(waiting);
    queue.remove(running, RunState.RUNNING);
    // A slot is free, but the waiting call comes first.
    expect(queue.hasFreeSlot()).toBe(false);
    expect(queue.nextToStart()).toBe(waiting);
  });

  it('hands out waiting calls in arrival order, one per free slot', () => {
    const queue = new RunQueue(1, 5);
    const running = runDue(10);
    queue.occupy(running);
    const [first, second] = [runDue(10), runDue(10)];
    queue.enqueue(first);
    queue.enqueue(second);
    expect(queue.nextToStart()).toBeUndefined();
    queue.remove(running, RunState.RUNNING);
    expect(queue.dequeue()).toBe(first);
    expect(queue.occupy(first)).toBe(1);
    expect(first.state).toBe(RunState.RUNNING);
    expect(queue.nextToStart()).toBeUndefined();
    expect(queue.size).toBe(2);
  });

  it('is full at maxQueued waiting calls', () => {
    const queue = new RunQueue(1, 2);
    queue.occupy(runDue(10));
    queue.enqueue(runDue(10));
    expect(queue.isFull()).toBe(false);
    queue.enqueue(runDue(10));
    expect(queue.isFull()).toBe(true);
  });

  it('lists due calls waiting ones first, and finds the earliest deadline', () => {
    const queue = new RunQueue(2, 5);
    const [runningLate, runningDue, waitingDue] = [runDue(50), runDue(20), runDue(30)];
    queue.occupy(runningLate);
    queue.occupy(runningDue);
    queue.enqueue(waitingDue);
    expect(queue.due(30)).toEqual([waitingDue, runningDue]);
    expect(queue.earliestDeadline()).toBe(20);
    expect(new RunQueue(1, 1).earliestDeadline()).toBe(Number.POSITIVE_INFINITY);
  });

  it('stays closed once closed', () => {
    const queue = new RunQueue(1, 1);
    expect(queue.closed).toBe(false);
    queue.close();
    queue.close();
    expect(queue.closed).toBe(true);
  });
});
