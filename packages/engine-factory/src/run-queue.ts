import { type AgentRun, RunState } from './agent-run.js';
import { RunList } from './run-list.js';

/**
 * One engine's pending calls: those running (at most `maxConcurrent`) and those waiting for a slot
 * in FIFO order (at most `maxQueued`). It holds the lists and answers the questions of the
 * concurrency policy; starting and ending calls is up to the engine. Closed on dispose, after which
 * the engine accepts no more work.
 * @internal
 */
export class RunQueue {
  /** Calls that hold a slot, oldest first. */
  readonly running = new RunList<AgentRun>();
  /** Calls waiting for a slot, in arrival order. */
  readonly waiting = new RunList<AgentRun>();
  readonly maxConcurrent: number;
  readonly maxQueued: number;
  #closed = false;

  constructor(maxConcurrent: number, maxQueued: number) {
    this.maxConcurrent = maxConcurrent;
    this.maxQueued = maxQueued;
  }

  /** True once the engine is disposed (or being disposed). */
  get closed(): boolean {
    return this.#closed;
  }

  /** Refuses all further work; idempotent. */
  close(): void {
    this.#closed = true;
  }

  /** Calls running plus calls waiting. */
  get size(): number {
    return this.running.size + this.waiting.size;
  }

  /** A new call may start at once: a slot is free and nobody waits (it would come first: FIFO). */
  hasFreeSlot(): boolean {
    return this.running.size < this.maxConcurrent && this.waiting.size === 0;
  }

  /** The queue holds `maxQueued` calls. */
  isFull(): boolean {
    return this.waiting.size >= this.maxQueued;
  }

  /** The oldest waiting call when a slot is free for it. */
  nextToStart(): AgentRun | undefined {
    return this.running.size < this.maxConcurrent ? this.waiting.head : undefined;
  }

  /** Takes the oldest waiting call off the queue, to start it. */
  dequeue(): AgentRun | undefined {
    return this.waiting.shift();
  }

  /** Gives `run` (new, or just dequeued) a slot; returns how many calls now run. */
  occupy(run: AgentRun): number {
    run.state = RunState.RUNNING;
    this.running.push(run);
    return this.running.size;
  }

  /** Puts a new call at the end of the queue. */
  enqueue(run: AgentRun): void {
    run.state = RunState.QUEUED;
    this.waiting.push(run);
  }

  /** Drops an ending call from the list its `previous` state put it in. */
  remove(run: AgentRun, previous: RunState): void {
    if (previous === RunState.RUNNING) this.running.remove(run);
    else if (previous === RunState.QUEUED) this.waiting.remove(run);
  }

  /** Pending calls whose deadline is at or before `reached`: waiting ones first, so a freed slot never goes to a late call. */
  due(reached: number): AgentRun[] {
    const due: AgentRun[] = [];
    for (let run = this.waiting.head; run !== undefined; run = run.next) if (run.deadline <= reached) due.push(run);
    for (let run = this.running.head; run !== undefined; run = run.next) if (run.deadline <= reached) due.push(run);
    return due;
  }

  /** The earliest deadline of a pending call (`Infinity` when none is pending). */
  earliestDeadline(): number {
    let earliest = Number.POSITIVE_INFINITY;
    for (let run = this.waiting.head; run !== undefined; run = run.next) if (run.deadline < earliest) earliest = run.deadline;
    for (let run = this.running.head; run !== undefined; run = run.next) if (run.deadline < earliest) earliest = run.deadline;
    return earliest;
  }
}
