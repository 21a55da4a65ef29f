import type { AgentEvent } from '@baton/engine-contract';

/** When each run was submitted and when its first event came (ms, `performance.now()`), by `workflowId`; settles runs on `workflow_completed`. */
export class RunClock {
  readonly #submitted = new Map<string, number>();
  readonly #started = new Map<string, number>();
  readonly #waiting = new Map<string, { resolve: () => void; reject: (error: Error) => void }>();

  /** The factories' `onEvent` (every worker's, or the in-process factory's): synchronous and cheap, it runs inside `emit`. */
  readonly onEvent = (event: AgentEvent): void => {
    if (event.type === 'workflow_started') {
      this.#started.set(event.workflowId, performance.now());
    } else if (event.type === 'workflow_completed') {
      // Emitted once the run's result is recorded in the store.
      const waiter = this.#waiting.get(event.workflowId);
      if (waiter === undefined) return;
      this.#waiting.delete(event.workflowId);
      if (event.status === 'succeeded') waiter.resolve();
      else waiter.reject(new Error(`run ${event.workflowId} ended ${event.status}`));
    }
  };

  /** Notes `workflowId` as submitted now; resolves on its `workflow_completed` (rejects unless it succeeded). */
  submit(workflowId: string): Promise<void> {
    const completed = new Promise<void>((resolve, reject) => this.#waiting.set(workflowId, { resolve, reject }));
    this.#submitted.set(workflowId, performance.now());
    return completed;
  }

  /** Runs submitted but not completed yet. */
  get pending(): number {
    return this.#waiting.size;
  }

  /** Submission-to-first-event latency (ms) of every run since the last call, sorted; then forgets them. */
  takeLatencies(): number[] {
    const latencies: number[] = [];
    for (const [workflowId, submitted] of this.#submitted) {
      const started = this.#started.get(workflowId);
      if (started === undefined) throw new Error(`run ${workflowId} emitted no workflow_started`);
      latencies.push(started - submitted);
    }
    this.#submitted.clear();
    this.#started.clear();
    return latencies.sort((a, b) => a - b);
  }
}
