import {
  type AgentRunResult,
  type ExecuteAgentOptions,
  type ExecuteAgentRequest,
  UnknownAgentError,
  type WorkflowEventInput,
} from '@baton/engine-contract';
import type { WorkflowEnginePort } from '../stage-runner.js';

/** Thrown by a fake agent to end its call `timed_out`. */
export class FakeTimeout extends Error {}

/** A fake agent: its return value is the output, a throw is a failure (FakeTimeout: a timeout). */
export type FakeAgent = (input: unknown, signal: AbortSignal) => unknown;

/** What the fake engine recorded, in order: agent lifecycle and workflow events. */
export type FakeEvent =
  | { type: 'agent_started' | 'agent_completed'; agentName: string; stage?: string | undefined; status?: string }
  | WorkflowEventInput;

/** A controllable promise, to prove concurrency without timing. */
export interface Deferred<T = unknown> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

/** A promise the test settles by hand. */
export function deferred<T = unknown>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * A stand-in for the engine's run semantics, for unit tests of the workflow runner only (the
 * orchestrator itself refuses it: it is not a genuine engine). Failures, timeouts and cancellations
 * are results; an unknown agent throws, like the real engine.
 */
export class FakeEngine implements WorkflowEnginePort {
  readonly events: FakeEvent[] = [];
  readonly calls: Array<{ request: ExecuteAgentRequest; signal: AbortSignal | undefined }> = [];
  readonly #agents: Record<string, FakeAgent>;
  readonly #waiters: Array<{ matches: (event: FakeEvent) => boolean; resolve: () => void }> = [];
  #executions = 0;

  constructor(agents: Record<string, FakeAgent>) {
    this.#agents = agents;
  }

  emitWorkflowEvent(event: WorkflowEventInput): void {
    this.#record(event);
  }

  /** Resolves once an event of `type` (for `agentName`, if given) has been recorded. */
  waitFor(type: FakeEvent['type'], agentName?: string): Promise<void> {
    const matches = (event: FakeEvent): boolean =>
      event.type === type && (agentName === undefined || ('agentName' in event && event.agentName === agentName));
    if (this.events.some(matches)) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ matches, resolve }));
  }

  #record(event: FakeEvent): void {
    this.events.push(event);
    for (const waiter of this.#waiters) if (waiter.matches(event)) waiter.resolve();
  }

  executeAgent(request: ExecuteAgentRequest, options: ExecuteAgentOptions = {}): Promise<AgentRunResult> {
    const agent = this.#agents[request.agentName];
    if (agent === undefined) throw new UnknownAgentError({ agentName: request.agentName, knownAgents: Object.keys(this.#agents) });
    this.calls.push({ request, signal: options.signal });
    const executionId = `exec-${this.#executions++}`;
    const base = {
      executionId,
      agentName: request.agentName,
      runId: 'run-1',
      requestId: 'req-1',
      stage: request.stage,
      durationMs: 0,
      queuedMs: 0,
    };
    const finish = (result: AgentRunResult): AgentRunResult => {
      this.#record({ type: 'agent_completed', agentName: request.agentName, stage: request.stage, status: result.status });
      return result;
    };
    const signal = options.signal;
    if (signal?.aborted) {
      return Promise.resolve(
        finish({ ...base, status: 'cancelled', error: { code: 'RUN_CANCELLED', name: 'AbortError', message: 'cancelled' } }),
      );
    }
    this.#record({ type: 'agent_started', agentName: request.agentName, stage: request.stage });
    const local = new AbortController();
    let onAbort: (() => void) | undefined;
    const cancelled = new Promise<AgentRunResult>((resolve) => {
      onAbort = (): void => {
        local.abort();
        resolve({ ...base, status: 'cancelled', error: { code: 'RUN_CANCELLED', name: 'AbortError', message: 'cancelled' } });
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    const ran = (async (): Promise<AgentRunResult> => {
      try {
        const output = await agent(request.input, local.signal);
        return { ...base, status: 'succeeded', output };
      } catch (error) {
        if (error instanceof FakeTimeout)
          return { ...base, status: 'timed_out', error: { code: 'RUN_TIMEOUT', name: 'TimeoutError', message: 'timed out' } };
        return { ...base, status: 'failed', error: { code: 'AGENT_FAILED', name: 'Error', message: String(error) } };
      }
    })();
    // Like the real engine, a finished call stops listening to the caller's signal.
    return Promise.race([ran, cancelled]).then((result) => {
      if (onAbort !== undefined) signal?.removeEventListener('abort', onAbort);
      return finish(result);
    });
  }

  /** The agent names of the calls made, in call order. */
  calledAgents(): string[] {
    return this.calls.map((call) => call.request.agentName);
  }
}
